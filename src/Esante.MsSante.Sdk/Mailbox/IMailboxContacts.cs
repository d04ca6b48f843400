using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>The mailbox's contact folders (« Contacts ») and the contacts in them. Reached through <see cref="IMailboxClient.Contacts"/>.</summary>
public interface IMailboxContacts
{
    /// <summary>The mailbox's contact folders (« Listes de contacts »), by name.</summary>
    Task<IReadOnlyList<string>> ListFoldersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a contact folder (« Nouveau dossier de contacts »): an IMAP folder under « Contacts », holding one message
    /// per contact whose body is its vCard, so any IMAP client keeps and shows them.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, over 64 characters, on several lines, or holds '/', '*' or '%'.</exception>
    /// <exception cref="InvalidOperationException">The folder already exists.</exception>
    Task CreateFolderAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The contacts of a folder, in the order they were added (messages in it that are not vCards are left alone).</summary>
    /// <exception cref="MssanteFolderNotFoundException">There is no such contact folder.</exception>
    Task<IReadOnlyList<StoredContact>> ListAsync(string folder, CancellationToken cancellationToken = default);

    /// <summary>Adds a contact to a folder; <see cref="Contact.FromDirectory"/> makes one from the national directory.</summary>
    /// <exception cref="ArgumentException">The name is missing or not one line, the e-mail address is not one address, or a field is too long.</exception>
    /// <exception cref="MssanteFolderNotFoundException">There is no such contact folder.</exception>
    Task<StoredContact> AddAsync(string folder, Contact contact, CancellationToken cancellationToken = default);

    /// <summary>Deletes a contact for good.</summary>
    /// <exception cref="MssanteMessageNotFoundException">It was deleted already.</exception>
    Task DeleteAsync(StoredContact contact, CancellationToken cancellationToken = default);
}
