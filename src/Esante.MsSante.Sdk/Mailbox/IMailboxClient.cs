using Esante.MsSante.Addressing;
using Esante.MsSante.Contacts;
using Esante.MsSante.Messages;
using Esante.MsSante.Operators;
using Esante.MsSante.Policies;

namespace Esante.MsSante.Mailbox;

/// <summary>
/// One open mailbox, personal or organisational: folders, the message list, reading, flags, deleting to the Trash, sending,
/// quota and retention. Thread-safe; keep it while the mailbox is in use and dispose it at the end.
/// </summary>
/// <remarks>
/// Calls from several threads at once are safe and each takes effect once: one draft sent from several threads goes out
/// once, one message gets one read receipt, and concurrent changes of one setting (tags, retention, signatures, rules,
/// contact folders) are applied one after the other, none lost. Disposing while calls run returns within a few seconds
/// and throws nothing: calls still waiting stop with <see cref="ObjectDisposedException"/>, running ones finish within a
/// short grace or are cut off (a send then reported as <see cref="DeliveryUncertainException"/>), watches end, and every
/// later call throws <see cref="ObjectDisposedException"/>.
/// </remarks>
public interface IMailboxClient : IAsyncDisposable
{
    /// <summary>The mailbox: its address (the one mail goes out under), kind and name.</summary>
    MailboxDescriptor Mailbox { get; }

    /// <summary>Lists the folders (« dossiers de mails ») with their roles and counts.</summary>
    Task<IReadOnlyList<MailFolder>> GetFoldersAsync(CancellationToken cancellationToken = default);

    /// <summary>The folder with a given role (Inbox, Sent, Trash, « Échanges Patients »…).</summary>
    /// <exception cref="FolderNotFoundException">The mailbox has no such folder.</exception>
    Task<MailFolder> GetFolderAsync(FolderRole role, CancellationToken cancellationToken = default);

    /// <summary>Creates a folder (« Nouveau dossier »).</summary>
    Task<MailFolder> CreateFolderAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Renames a folder.</summary>
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    Task<MailFolder> RenameFolderAsync(string path, string newPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes a folder and its messages.</summary>
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidOperationException">The folder is a special one (Inbox, Sent, Trash…).</exception>
    Task DeleteFolderAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Streams the summaries of a folder's messages (sender, subject, date, flags, size, MSSanté indicator), oldest first.</summary>
    /// <param name="folderPath">The folder; the inbox when null.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    IAsyncEnumerable<MessageSummary> GetMessagesAsync(string? folderPath = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams new messages as they arrive in a folder (the inbox when null), until cancelled: the new-message events an
    /// application reacts to. Uses IMAP IDLE where the operator offers it.
    /// </summary>
    /// <param name="folderPath">The folder; the inbox when null.</param>
    /// <param name="after">
    /// The last message the application has seen: messages after it are streamed first, so nothing is missed between a
    /// listing (or a restart) and the watch. When null, or when the folder was recreated since, only messages arriving from now.
    /// </param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <remarks>The stream also ends, without an error, when the mailbox client is disposed.</remarks>
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    IAsyncEnumerable<MessageSummary> WatchAsync(string? folderPath = null, MessageRef? after = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole message. Reading does not mark it read: call <see cref="MarkAsReadAsync"/>.</summary>
    /// <exception cref="MessageNotFoundException">The message is not there any more.</exception>
    Task<ReceivedMessage> ReadMessageAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>Marks a message read.</summary>
    Task MarkAsReadAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>Marks a message unread.</summary>
    Task MarkAsUnreadAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>Moves a message to another folder.</summary>
    /// <returns>Where the message is now.</returns>
    Task<MessageRef> MoveAsync(MessageRef message, string targetFolderPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes a message: it goes to the Trash; a message already in the Trash is deleted for good.</summary>
    /// <returns>Where the message is now, or null when it was deleted for good.</returns>
    Task<MessageRef?> DeleteAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a message from this mailbox (for an organisational mailbox, under the structure's address) and keeps a copy in Sent.
    /// Every policy is checked first; a refused message sends nothing.
    /// </summary>
    /// <exception cref="MessageRejectedException">A policy refused the message; every violation is listed.</exception>
    /// <exception cref="MailboxAccessDeniedException">The mailbox is a colleague's of which only folders are shared with this account.</exception>
    /// <exception cref="RecipientsRejectedException">The operator refused recipients; nothing was sent.</exception>
    /// <exception cref="QuotaExceededException">The mailbox is full; nothing was sent.</exception>
    /// <exception cref="MssanteConnectionException">The connection dropped before the message was handed over; nothing was sent, and sending it again is safe.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the message was handed over; nothing was sent. A cancel after it changes nothing: the send completes and reports its outcome.</exception>
    /// <exception cref="DeliveryUncertainException">Handed over, but the operator's answer never came: it may or may not have been delivered, and is not sent again.</exception>
    Task<SubmissionResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves a message being written in the Drafts folder (« Enregistrer le brouillon »), marked <c>\Draft</c>, to finish
    /// later here or in the webmail. The message is checked as <see cref="SendAsync"/> checks it, except that it may have
    /// no recipient yet; Bcc recipients are kept in the draft (and left out of the headers when it is sent).
    /// </summary>
    /// <param name="message">The message so far. An XDM package is built when the message is sent: add it then.</param>
    /// <param name="replacing">
    /// The draft this one replaces (an earlier save of the same message), deleted for good once the new one is stored (if
    /// that fails, it stays in Drafts and it is logged: the new draft's place is returned all the same); null for a first save.
    /// </param>
    /// <param name="cancellationToken">Stops before the draft is stored.</param>
    /// <returns>Where the draft is.</returns>
    /// <exception cref="ArgumentException">The message has an XDM package, or <paramref name="replacing"/> is not in Drafts.</exception>
    /// <exception cref="MessageRejectedException">A policy refused the message (an address outside the trust space, an attachment over the limit, a header injection…).</exception>
    /// <exception cref="MailboxAccessDeniedException">The mailbox is a colleague's of which only folders are shared with this account.</exception>
    /// <exception cref="QuotaExceededException">The mailbox is full; the earlier draft, if any, is kept.</exception>
    Task<MessageRef> SaveDraftAsync(OutgoingMessage message, MessageRef? replacing = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a draft back as a message to go on writing or to send: recipients (Bcc included), subject, bodies,
    /// attachments (every part that is not a body, attached messages and inline images included), read-receipt request,
    /// threading and end-of-conversation marks, and the signature choice. The delivery-status request is not kept in a
    /// draft; the signature is added when the message is sent.
    /// </summary>
    /// <exception cref="MessageNotFoundException">The draft is not there any more.</exception>
    Task<OutgoingMessage> ReadDraftAsync(MessageRef draft, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a saved draft as <see cref="SendAsync"/> sends a message, then deletes the draft for good. A draft that cannot
    /// be deleted after the message went out stays in Drafts (logged): the message is not sent twice.
    /// </summary>
    /// <remarks>
    /// Called for one draft from several threads at once, the calls run one after the other: the first sends it, the
    /// others then find it gone and throw <see cref="MessageNotFoundException"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The message is not in the Drafts folder.</exception>
    /// <exception cref="MessageRejectedException">A policy refused the message; nothing was sent and the draft is kept.</exception>
    /// <exception cref="MessageNotFoundException">The draft is not there any more.</exception>
    /// <exception cref="RecipientsRejectedException">The operator refused recipients; nothing was sent and the draft is kept.</exception>
    /// <exception cref="DeliveryUncertainException">Handed over, but the operator's answer never came; the draft is kept, so nothing is lost.</exception>
    Task<SubmissionResult> SendDraftAsync(MessageRef draft, CancellationToken cancellationToken = default);

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
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    Task<int> ExportFolderAsync(string? folderPath, Stream destination, MailboxExportFormat format = MailboxExportFormat.Mbox, CancellationToken cancellationToken = default);

    /// <summary>
    /// Imports into a folder the messages of a file written by <see cref="ExportFolderAsync"/> (or by any mail program
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
    /// <exception cref="FolderNotFoundException">The folder does not exist; nothing was stored.</exception>
    /// <exception cref="QuotaExceededException">
    /// The mailbox is full: the import stopped at the first message that did not fit. The message says how many were
    /// stored before it; <see cref="Exception.Data"/> holds them as a <see cref="MailboxImportResult"/>.
    /// </exception>
    Task<MailboxImportResult> ImportFolderAsync(string? folderPath, Stream source, MailboxExportFormat format = MailboxExportFormat.Mbox, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns a read receipt (MDN, RFC 8098) for a received message that asks for one (<c>Disposition-Notification-To</c>):
    /// displayed, processed, or an integration failure with its error. The receipt carries the original message whole,
    /// goes out from this mailbox with the null reverse path (RFC 8098 §3: nothing bounces back) and a copy in Sent, and
    /// the original is marked <c>$MDNSent</c> (RFC 3503) so no second receipt is sent for it.
    /// </summary>
    /// <remarks>
    /// Called for one message from several threads at once, the calls run one after the other: the first sends the
    /// receipt, the others find <c>$MDNSent</c> set and throw <see cref="InvalidOperationException"/>.
    /// </remarks>
    /// <param name="message">The received message.</param>
    /// <param name="receipt">What to report: <see cref="ReadReceipt.Displayed"/>, <see cref="ReadReceipt.Processed"/> or <see cref="ReadReceipt.IntegrationFailed"/>.</param>
    /// <param name="cancellationToken">Stops before the receipt is sent.</param>
    /// <exception cref="InvalidOperationException">
    /// The message asks for no receipt, one was already sent, or an automatic receipt would go to another address than the
    /// message's Return-Path (RFC 8098 §2.1: ask the user, then send <see cref="ReadReceipt.ConfirmedByUser"/>).
    /// </exception>
    /// <exception cref="MessageRejectedException">The receipt's address is not one the address policy lets this mailbox write to.</exception>
    /// <exception cref="MessageNotFoundException">The message is not there any more.</exception>
    /// <exception cref="DeliveryUncertainException">
    /// Handed over, but the operator's answer never came: the original is marked <c>$MDNSent</c> all the same, since RFC 8098
    /// allows one receipt and never two.
    /// </exception>
    Task<SubmissionResult> SendReadReceiptAsync(MessageRef message, ReadReceipt receipt, CancellationToken cancellationToken = default);

    /// <summary>The retention limits set for this mailbox's folders (« Conservation »), by folder path.</summary>
    Task<IReadOnlyDictionary<string, RetentionPeriod>> GetFolderRetentionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets how long a folder keeps messages (« Activer la mise au rebut des messages »: days, weeks or months), or with null
    /// keeps them forever. Kept at the operator with the mailbox; <see cref="ApplyRetentionAsync"/> applies these limits
    /// over the application's retention policy.
    /// </summary>
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The folder is the Trash, whose retention is the operator's.</exception>
    /// <exception cref="NotSupportedException">The operator keeps no settings (IMAP METADATA).</exception>
    Task SetFolderRetentionAsync(string folderPath, RetentionPeriod? period, CancellationToken cancellationToken = default);

    /// <summary>The mailbox's signatures, the default one and where it goes in replies (« Préférences → Signatures »).</summary>
    /// <exception cref="NotSupportedException">The operator keeps no settings (IMAP METADATA).</exception>
    Task<MailboxSignatures> GetSignaturesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the mailbox's signatures, kept at the operator for every application that opens the mailbox. From then on
    /// <see cref="SendAsync"/> ends each message with the default one, or the one the message names
    /// (<see cref="OutgoingMessage.SignatureName"/>), after a « -- » line. A client already open elsewhere sees the change
    /// within a minute (ten minutes when it had found no signature).
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, on several lines, over 64 characters or used twice; a text is missing or over 10,000 characters; the default is not one of them.</exception>
    /// <exception cref="NotSupportedException">The operator keeps no settings (IMAP METADATA).</exception>
    Task SetSignaturesAsync(MailboxSignatures signatures, CancellationToken cancellationToken = default);

    /// <summary>The mailbox's tags (« Création de tags »): names, colours and the IMAP keywords they put on messages.</summary>
    /// <exception cref="NotSupportedException">The operator keeps no settings (IMAP METADATA).</exception>
    Task<IReadOnlyList<MessageTag>> GetTagsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a tag.</summary>
    /// <param name="name">One line, 1 to 64 characters, unique in the mailbox regardless of case.</param>
    /// <param name="colour">The colour, <c>#RRGGBB</c>.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <exception cref="ArgumentException">The name or the colour is malformed.</exception>
    /// <exception cref="InvalidOperationException">The mailbox already has a tag with this name.</exception>
    Task<MessageTag> CreateTagAsync(string name, string colour, CancellationToken cancellationToken = default);

    /// <summary>Deletes a tag and takes it off every message that has it.</summary>
    /// <exception cref="ArgumentException">The mailbox has no tag with this name.</exception>
    Task DeleteTagAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Puts a tag on a message (its <see cref="MessageTag.Keyword"/> shows in <see cref="MessageSummary.Keywords"/>).</summary>
    /// <exception cref="ArgumentException">The mailbox has no tag with this name.</exception>
    /// <exception cref="MessageNotFoundException">The message is not there any more.</exception>
    Task TagAsync(MessageRef message, string tagName, CancellationToken cancellationToken = default);

    /// <summary>Takes a tag off a message.</summary>
    /// <exception cref="ArgumentException">The mailbox has no tag with this name.</exception>
    /// <exception cref="MessageNotFoundException">The message is not there any more.</exception>
    Task UntagAsync(MessageRef message, string tagName, CancellationToken cancellationToken = default);

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
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MailboxAccessDeniedException">This account may not share the folder, or asks for a notice from a colleague's mailbox (nothing is sent in its name).</exception>
    /// <exception cref="NotSupportedException">The operator does not share folders (no IMAP ACL).</exception>
    /// <exception cref="MessageRejectedException">The notice was refused by a policy; the folder is shared.</exception>
    /// <exception cref="MssanteException">The notice could not be sent (<see cref="RecipientsRejectedException"/>, a connection or sign-in error); the folder is shared.</exception>
    Task ShareFolderAsync(string folderPath, MssanteAddress colleague, ShareRole role, bool sendNotice = false, CancellationToken cancellationToken = default);

    /// <summary>Stops sharing a folder with a colleague.</summary>
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MailboxAccessDeniedException">This account may not change the folder's sharing.</exception>
    Task UnshareFolderAsync(string folderPath, MssanteAddress colleague, CancellationToken cancellationToken = default);

    /// <summary>The colleagues a folder is shared with, and their roles (entries for « anyone », groups or negative rights are not colleagues and are left out).</summary>
    /// <exception cref="FolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MailboxAccessDeniedException">This account may not see the folder's sharing.</exception>
    Task<IReadOnlyList<FolderShare>> GetFolderSharesAsync(string folderPath, CancellationToken cancellationToken = default);

    /// <summary>The mailbox's contact folders (« Listes de contacts »), by name.</summary>
    Task<IReadOnlyList<string>> GetContactFoldersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a contact folder (« Nouveau dossier de contacts »): an IMAP folder under « Contacts », holding one message
    /// per contact whose body is its vCard, so any IMAP client keeps and shows them.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, over 64 characters, on several lines, or holds '/', '*' or '%'.</exception>
    /// <exception cref="InvalidOperationException">The folder already exists.</exception>
    Task CreateContactFolderAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The contacts of a folder, in the order they were added (messages in it that are not vCards are left alone).</summary>
    /// <exception cref="FolderNotFoundException">There is no such contact folder.</exception>
    Task<IReadOnlyList<StoredContact>> GetContactsAsync(string folder, CancellationToken cancellationToken = default);

    /// <summary>Adds a contact to a folder; <see cref="Contact.FromDirectory"/> makes one from the national directory.</summary>
    /// <exception cref="ArgumentException">The name is missing or not one line, the e-mail address is not one address, or a field is too long.</exception>
    /// <exception cref="FolderNotFoundException">There is no such contact folder.</exception>
    Task<StoredContact> AddContactAsync(string folder, Contact contact, CancellationToken cancellationToken = default);

    /// <summary>Deletes a contact for good.</summary>
    /// <exception cref="MessageNotFoundException">It was deleted already.</exception>
    Task DeleteContactAsync(StoredContact contact, CancellationToken cancellationToken = default);

    /// <summary>The out-of-office reply and the notification address the operator applies (« Préférences »).</summary>
    /// <exception cref="NotSupportedException">The operator cannot show them for this mailbox (an organisational one, on a real operator).</exception>
    Task<MailboxRules> GetRulesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the out-of-office reply (« Hors du bureau »), the notification address (« Envoyer un mail de notification
    /// à ») and the forwarding (« Faire suivre une copie à »), replacing the previous ones; <see cref="MailboxRules.None"/>
    /// removes them all. On a real operator this installs the
    /// SDK's Sieve script over ManageSieve (keeping any script the person had, by inclusion), which also files messages from
    /// patients into « Échanges Patients ».
    /// </summary>
    /// <exception cref="ArgumentException">The reply has no text, a subject on several lines, its last day before its first, or an
    /// interval outside 1–365 days; the notification address is not one e-mail address; or the forwarding address is not a
    /// professional MSSanté address the address policy allows (a patient's, this mailbox's own, one outside the trust space).</exception>
    /// <exception cref="NotSupportedException">The operator cannot apply them for this mailbox.</exception>
    Task SetRulesAsync(MailboxRules rules, CancellationToken cancellationToken = default);

    /// <summary>The storage used and the limit (« capacité de stockage »).</summary>
    Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes for good the messages older than their folder's retention (Trash 30 days, the policy's folder limits, and
    /// those set for this mailbox with <see cref="SetFolderRetentionAsync"/>).
    /// Operators usually do this themselves; this makes it happen now.
    /// </summary>
    /// <returns>How many messages were deleted.</returns>
    Task<int> ApplyRetentionAsync(CancellationToken cancellationToken = default);
}
