using Esante.MsSante.Operators;
using MimeKit;

namespace Esante.MsSante;

/// <summary>
/// Contact folders kept as IMAP folders under « Contacts », one message per contact whose body is its vCard (text/vcard):
/// any IMAP client sees them, nothing but the mailbox is needed at the operator.
/// </summary>
internal sealed class ContactFolders(IOperatorMailbox mailbox, TimeProvider time)
{
    /// <summary>The folder that holds the contact folders.</summary>
    public const string Root = "Contacts";

    /// <summary>Whether a folder is « Contacts » or a contact folder under it (<see cref="FolderRole.Contacts"/>).</summary>
    public static bool Holds(MailboxFolder folder) =>
        folder.Path == Root || folder.Path.StartsWith(Root + folder.Separator, StringComparison.Ordinal);

    public async Task<IReadOnlyList<string>> GetFoldersAsync(CancellationToken cancellationToken) =>
        (await mailbox.ListFoldersAsync(cancellationToken).ConfigureAwait(false))
            .Where(f => f.Path.StartsWith(Root + "/", StringComparison.Ordinal) && f.Path.IndexOf('/', Root.Length + 1) < 0)
            .Select(f => f.Path[(Root.Length + 1)..])
            .Order(StringComparer.CurrentCulture)
            .ToList();

    public async Task CreateFolderAsync(string name, CancellationToken cancellationToken)
    {
        CheckFolderName(name);
        var folders = await mailbox.ListFoldersAsync(cancellationToken).ConfigureAwait(false);
        if (!folders.Any(f => f.Path == Root))
        {
            await mailbox.CreateFolderAsync(Root, cancellationToken).ConfigureAwait(false);
        }
        await mailbox.CreateFolderAsync(PathOf(name), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The folder's contacts, in the order they were added; a message that is not a vCard is left where it is, unread.</summary>
    public async Task<IReadOnlyList<StoredContact>> GetContactsAsync(string folder, CancellationToken cancellationToken)
    {
        CheckFolderName(folder);
        var summaries = await mailbox.SummariesAsync(PathOf(folder), cancellationToken).ConfigureAwait(false);
        var contacts = new List<StoredContact>(summaries.Count);
        foreach (var reference in summaries.Select(s => s.Ref))
        {
            var (_, message) = await mailbox.FetchMessageAsync(reference, cancellationToken).ConfigureAwait(false);
            using (message)
            {
                if (message.BodyParts.OfType<TextPart>().FirstOrDefault(p => p.ContentType.IsMimeType("text", "vcard")) is { } card)
                {
                    try
                    {
                        contacts.Add(new StoredContact(reference, VCard.Read(card.Text)));
                    }
                    catch (FormatException)
                    {
                        // Not one of ours: kept, not shown.
                    }
                }
            }
        }
        return contacts;
    }

    public async Task<StoredContact> AddAsync(string folder, Contact contact, MssanteAddress owner, CancellationToken cancellationToken)
    {
        CheckFolderName(folder);
        Check(contact);
        using var message = new MimeMessage();
        message.From.Add(new MailboxAddress(string.Empty, owner.Value));
        message.Subject = contact.FullName;
        message.Date = time.GetUtcNow();
        message.Body = new TextPart("vcard") { Text = VCard.Write(contact), ContentType = { Charset = "utf-8" } };
        var reference = await mailbox.AppendAsync(PathOf(folder), message, MessageMarks.Seen, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new StoredContact(reference, contact);
    }

    private static string PathOf(string folder) => Root + "/" + folder.Trim();

    private static void CheckFolderName(string name)
    {
        if (!TextChecks.IsOneLine(name, 64) || name.AsSpan().IndexOfAny("/*%") >= 0)
        {
            throw new ArgumentException("A contact folder's name is one line of 1 to 64 characters, without '/', '*' or '%'.", nameof(name));
        }
    }

    private static void Check(Contact contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        if (!TextChecks.IsOneLine(contact.FullName, 200))
        {
            throw new ArgumentException("A contact's name is one line of 1 to 200 characters.", nameof(contact));
        }
        if (contact.Email is { } email && MssanteAddress.CheckSyntax(email, out _, out _) is { } error)
        {
            throw new ArgumentException($"The contact's e-mail address is not one address: {error}", nameof(contact));
        }
        if (contact.Note is { } note && (note.Length > 10_000 || !TextChecks.IsLines(note)))
        {
            throw new ArgumentException("A contact's note is at most 10,000 characters, without control characters other than line breaks and tabs.", nameof(contact));
        }
        foreach (var field in new[] { contact.Phone, contact.Organisation, contact.Title, contact.NationalId })
        {
            if (field is not null && (field.Length > 200 || !TextChecks.IsOneLine(field)))
            {
                throw new ArgumentException("A contact's phone, organisation, title and identifier are one line of at most 200 characters.", nameof(contact));
            }
        }
    }
}
