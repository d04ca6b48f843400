using Esante.MsSante.Directory;
using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>
/// « Nouveau message »: the directory searched as one types in « À : » or by the guide's fields, attachments within 15 MB
/// (shown before sending; the SDK refuses more, and the page says so with the form kept), drafts.
/// </summary>
public sealed class RedigerModel(WebSessions sessions, IDirectorySearch directory) : WebmailPage(sessions)
{
    public const long LimitBytes = 15L * 1024 * 1024;

    [BindProperty] public string? To { get; set; }
    [BindProperty] public string? Cc { get; set; }
    [BindProperty] public string? Bcc { get; set; }
    [BindProperty] public string? Subject { get; set; }
    [BindProperty] public string? Body { get; set; }
    [BindProperty] public bool RequestReadReceipt { get; set; }
    [BindProperty] public string? SignatureName { get; set; }
    [BindProperty] public List<IFormFile> Files { get; set; } = [];
    [BindProperty(SupportsGet = true, Name = "brouillon")] public string? DraftRef { get; set; }

    public MailboxSignatures Signatures { get; private set; } = MailboxSignatures.None;

    public IReadOnlyList<OutgoingAttachment> DraftAttachments { get; private set; } = [];

    public bool SearchOpen { get; private set; }

    public bool FilesDropped => Error is not null && Files.Count > 0;

    /// <summary>The draft being edited: its reference's string (<see cref="MessageRef.ToString"/>) in « brouillon ».</summary>
    private MessageRef? Draft => MessageRef.TryParse(DraftRef, out var draft) ? draft : null;

    protected override async Task LoadAsync()
    {
        Signatures = await Mailbox.Settings.GetSignaturesAsync(HttpContext.RequestAborted);
        if (Draft is { } draft)
        {
            DraftAttachments = [.. (await Mailbox.Drafts.ReadAsync(draft, HttpContext.RequestAborted)).Attachments];
        }
    }

    public async Task OnGetAsync()
    {
        await LoadAsync();
        SignatureName ??= Signatures.DefaultName;
        if (Draft is { } draft)
        {
            var saved = await Mailbox.Drafts.ReadAsync(draft, HttpContext.RequestAborted);
            To = string.Join(", ", saved.To.Select(r => r.Address));
            Cc = string.Join(", ", saved.Cc.Select(r => r.Address));
            Bcc = string.Join(", ", saved.Bcc.Select(r => r.Address));
            (Subject, Body, RequestReadReceipt, SignatureName) = (saved.Subject, saved.TextBody, saved.RequestReadReceipt, saved.SignatureName);
        }
    }

    public async Task<IActionResult> OnPostEnvoyerAsync()
    {
        var letter = await ComposeAsync();
        var cancel = HttpContext.RequestAborted;
        if (Draft is { } draft)
        {
            await Mailbox.Drafts.SendAsync(await Mailbox.Drafts.SaveAsync(letter, draft, cancel), cancel);
        }
        else
        {
            await Mailbox.SendAsync(letter, cancel);
        }
        Notice = "Message envoyé.";
        return RedirectToPage("/Courrier");
    }

    public async Task<IActionResult> OnPostBrouillonAsync()
    {
        var saved = await Mailbox.Drafts.SaveAsync(await ComposeAsync(), Draft, HttpContext.RequestAborted);
        Notice = "Brouillon enregistré.";
        return RedirectToPage(new { brouillon = saved.ToString() });
    }

    /// <summary>Search as you type in « À : » (words of a name, a city, a structure…), as list items.</summary>
    public async Task<IActionResult> OnGetSuggestionsAsync(string? q)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Trim().Length < 2)
        {
            return Partial("_Suggestions", Array.Empty<DirectoryEntry>());
        }
        var found = await directory.SearchAsync(new DirectoryQuery { Text = q, Take = 8 }, HttpContext.RequestAborted);
        return Partial("_Suggestions", found.Entries);
    }

    /// <summary>The guide's search screen: Nom, Prénom, Code postal, Ville, Département, Profession, Structure, Email MSSanté.</summary>
    public async Task<IActionResult> OnGetAnnuaireAsync(string? nom, string? prenom, string? cp, string? ville, string? departement, string? profession, string? structure, string? email)
    {
        var query = new DirectoryQuery
        {
            LastName = nom, FirstName = prenom, PostalCode = cp, City = ville, Department = departement,
            Profession = profession, Organization = structure, Email = email, Take = 25,
        };
        return Partial("_Annuaire", query.HasCriteria ? await directory.SearchAsync(query, HttpContext.RequestAborted) : null);
    }

    private async Task<OutgoingMessage> ComposeAsync()
    {
        var letter = new OutgoingMessage
        {
            Subject = Subject,
            TextBody = Body ?? string.Empty,
            RequestReadReceipt = RequestReadReceipt,
            SignatureName = string.IsNullOrEmpty(SignatureName) ? null : SignatureName,
            IncludeSignature = !string.IsNullOrEmpty(SignatureName),
        };
        AddAll(letter.To, To);
        AddAll(letter.Cc, Cc);
        AddAll(letter.Bcc, Bcc);
        if (Draft is { } draft)
        {
            foreach (var kept in (await Mailbox.Drafts.ReadAsync(draft, HttpContext.RequestAborted)).Attachments)
            {
                letter.Attachments.Add(kept);
            }
        }
        foreach (var file in Files.Where(f => f.Length > 0))
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, HttpContext.RequestAborted);
            letter.Attachments.Add(OutgoingAttachment.FromBytes(Path.GetFileName(file.FileName), buffer.ToArray(),
                string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType));
        }
        return letter;
    }

    private static void AddAll(IList<Recipient> recipients, string? field)
    {
        foreach (var address in (field ?? string.Empty).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            recipients.Add(new Recipient(address));
        }
    }
}
