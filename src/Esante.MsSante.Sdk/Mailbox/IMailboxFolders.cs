using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>The mailbox's folders (« dossiers de mails »): listing, creating, renaming and deleting them, the Trash, sharing with colleagues, retention, export and import. Reached through <see cref="IMailboxClient.Folders"/>.</summary>
public interface IMailboxFolders
{
    /// <summary>Lists the folders (« dossiers de mails ») with their roles and counts.</summary>
    Task<IReadOnlyList<MailboxFolder>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The folder with a given role (Inbox, Sent, Trash, « Échanges Patients »…).</summary>
    /// <exception cref="MssanteFolderNotFoundException">The mailbox has no such folder.</exception>
    Task<MailboxFolder> GetAsync(FolderRole role, CancellationToken cancellationToken = default);

    /// <summary>Creates a folder (« Nouveau dossier »).</summary>
    Task<MailboxFolder> CreateAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Renames a folder.</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    Task<MailboxFolder> RenameAsync(string path, string newPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes a folder and its messages.</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidOperationException">The folder is a special one (Inbox, Sent, Trash…).</exception>
    Task DeleteAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Deletes every message of the Trash for good (« Vider la corbeille »).</summary>
    /// <returns>How many messages were deleted.</returns>
    Task<int> EmptyTrashAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Exports a folder's messages, oldest first, to a stream: the guide's « Exporter », to keep a copy before deleting
    /// messages to free space. Reads every message without marking it read; a message deleted meanwhile is left out.
    /// </summary>
    /// <param name="folderPath">The folder; the inbox when null.</param>
    /// <param name="destination">
    /// Where the file is written; left open. <see cref="MailboxExportFormat.EmlZip"/> writes through
    /// <see cref="System.IO.Compression.ZipArchive"/>, which writes synchronously: give it a file or memory stream rather than
    /// a stream that refuses synchronous writes (an ASP.NET response).
    /// </param>
    /// <param name="format">mbox (the default) or a zip of <c>.eml</c> files.</param>
    /// <param name="cancellationToken">Stops the export; what was written stays written.</param>
    /// <returns>How many messages were written.</returns>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    Task<int> ExportAsync(string? folderPath, Stream destination, MailboxExportFormat format = MailboxExportFormat.Mbox, CancellationToken cancellationToken = default);

    /// <summary>
    /// Imports into a folder the messages of a file written by <see cref="ExportAsync"/> (or by any mail program
    /// in the same format): the guide's « Importer ». Each message is stored as it is in the file, in the file's order,
    /// marked read (the export carries no flags) and dated as the archive says it arrived (the mbox « From » line, the zip
    /// entry's time, to 2 seconds), else by its Date header, so retention and the message list see its age. In mbox, the « mboxrd » quoting is undone (a line <c>&gt;From </c>
    /// becomes <c>From </c>, <c>&gt;&gt;From </c> becomes <c>&gt;From </c>).
    /// </summary>
    /// <remarks>
    /// A member that is not a message, is damaged, or is larger than <see cref="MailboxClient.MaxImportedMessageBytes"/> is
    /// left out, read past without being held in memory, and listed in <see cref="MailboxImportResult.Skipped"/> by its
    /// position and reason; the others are stored. When an error stops the import once it has started storing, the
    /// exception's <see cref="Exception.Data"/> holds, under <see cref="MailboxImportResult.PartialResultKey"/>, the
    /// <see cref="MailboxImportResult"/> of what was stored until then. Errors and logs never show a message's content,
    /// subject or addresses.
    /// </remarks>
    /// <param name="folderPath">The folder to store the messages in; the inbox when null. It must exist.</param>
    /// <param name="source">
    /// The file, read from its current position; left open. <see cref="MailboxExportFormat.EmlZip"/> needs a stream that
    /// can seek (a file or memory stream), since a zip's directory is at its end.
    /// </param>
    /// <param name="format">mbox (the default) or a zip of <c>.eml</c> files.</param>
    /// <param name="cancellationToken">Stops the import between two messages: the messages stored stay stored.</param>
    /// <returns>How many messages were stored, and which members were left out and why.</returns>
    /// <exception cref="ArgumentException">The stream cannot be read, or a zip archive's stream cannot seek; the folder path is not one line.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The format is unknown.</exception>
    /// <exception cref="InvalidDataException">The stream is not in the format (or the zip's directory is damaged); nothing was stored.</exception>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist; nothing was stored.</exception>
    /// <exception cref="QuotaExceededException">
    /// The mailbox is full: the import stopped at the first message that did not fit. The message says how many were
    /// stored before it; <see cref="Exception.Data"/> holds them as a <see cref="MailboxImportResult"/>.
    /// </exception>
    Task<MailboxImportResult> ImportAsync(string? folderPath, Stream source, MailboxExportFormat format = MailboxExportFormat.Mbox, CancellationToken cancellationToken = default);

    /// <summary>
    /// Shares a folder with a colleague of the operator (« Partager un dossier »; a contact folder is
    /// <c>Contacts/&lt;name&gt;</c>), or changes their role. They then see this mailbox among theirs (a colleague's personal
    /// mailbox, in which only what is shared shows) and can do what the role allows; nothing can be sent in its name.
    /// </summary>
    /// <param name="folderPath">The folder.</param>
    /// <param name="colleague">Who gets it.</param>
    /// <param name="role">What they may do.</param>
    /// <param name="sendNotice">
    /// Whether to tell them by a message from this mailbox (« Envoyer un mail standard »): who shares which folder, with
    /// which role, and where they find it. Sent once the folder is shared, through the same policies as any message.
    /// </param>
    /// <param name="cancellationToken">Stops before the folder is shared.</param>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MailboxAccessDeniedException">This account may not share the folder, or asks for a notice from a colleague's mailbox (nothing is sent in its name).</exception>
    /// <exception cref="NotSupportedException">The operator does not share folders (no IMAP ACL).</exception>
    /// <exception cref="MessageRejectedException">The notice was refused by a policy; the folder is shared.</exception>
    /// <exception cref="MssanteException">The notice could not be sent (<see cref="RecipientsRejectedException"/>, a connection or sign-in error); the folder is shared.</exception>
    Task ShareAsync(string folderPath, MssanteAddress colleague, ShareRole role, bool sendNotice = false, CancellationToken cancellationToken = default);

    /// <summary>Stops sharing a folder with a colleague.</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MailboxAccessDeniedException">This account may not change the folder's sharing.</exception>
    Task UnshareAsync(string folderPath, MssanteAddress colleague, CancellationToken cancellationToken = default);

    /// <summary>The colleagues a folder is shared with, and their roles (entries for « anyone », groups or negative rights are not colleagues and are left out).</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MailboxAccessDeniedException">This account may not see the folder's sharing.</exception>
    Task<IReadOnlyList<FolderShare>> GetSharesAsync(string folderPath, CancellationToken cancellationToken = default);

    /// <summary>The retention limits set for this mailbox's folders (« Conservation »), by folder path.</summary>
    Task<IReadOnlyDictionary<string, RetentionPeriod>> GetRetentionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets how long a folder keeps messages (« Activer la mise au rebut des messages »: days, weeks or months), or with null
    /// keeps them forever. Kept at the operator with the mailbox; <see cref="ApplyRetentionAsync"/> applies these limits
    /// over the application's retention policy.
    /// </summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The folder is the Trash, whose retention is the operator's.</exception>
    /// <exception cref="NotSupportedException">The operator keeps no settings (IMAP METADATA).</exception>
    Task SetRetentionAsync(string folderPath, RetentionPeriod? period, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes for good the messages older than their folder's retention (Trash 30 days, the policy's folder limits, and
    /// those set for this mailbox with <see cref="SetRetentionAsync"/>).
    /// Operators usually do this themselves; this makes it happen now.
    /// </summary>
    /// <returns>How many messages were deleted.</returns>
    Task<int> ApplyRetentionAsync(CancellationToken cancellationToken = default);
}
