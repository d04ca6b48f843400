using MimeKit;

namespace Esante.MsSante.Operators;

/// <summary>
/// One open mailbox at an operator (layer 4 of the SDK, the operator seam): the mailbox operations the services need,
/// with IMAP semantics. Implemented over IMAP/SMTP for real operators and in memory by the fake operator.
/// </summary>
/// <remarks>Implementations are safe to call from several threads; calls may be serialised.</remarks>
public interface IOperatorMailbox : IAsyncDisposable
{
    /// <summary>The mailbox.</summary>
    MailboxDescriptor Mailbox { get; }

    /// <summary>
    /// What this mailbox offers to the signed-in account at this operator, known once it is open. An operation needing a
    /// capability not listed throws <see cref="NotSupportedException"/>.
    /// </summary>
    MailboxCapabilities Capabilities { get; }

    /// <summary>Lists the folders with their roles and counts.</summary>
    Task<IReadOnlyList<MailboxFolder>> ListFoldersAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a folder.</summary>
    /// <exception cref="ArgumentException">The path is not a valid folder name.</exception>
    /// <exception cref="InvalidOperationException">A folder with that path exists.</exception>
    Task<MailboxFolder> CreateFolderAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Renames (or moves) a folder and its subfolders.</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    Task<MailboxFolder> RenameFolderAsync(string path, string newPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes a folder and the messages in it.</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    Task DeleteFolderAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Streams the summaries of a folder's messages, oldest first.</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    IAsyncEnumerable<MessageInfo> FetchSummariesAsync(string folderPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the summaries of messages that arrive in a folder, as they arrive (IMAP IDLE on a connection of its own, so
    /// the mailbox stays usable): those after <paramref name="after"/> when it is given and still valid, else those arriving
    /// from now on. Ends when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    IAsyncEnumerable<MessageInfo> WatchAsync(string folderPath, MessageRef? after = null, CancellationToken cancellationToken = default);

    /// <summary>Fetches one whole message.</summary>
    /// <exception cref="MssanteMessageNotFoundException">The message is not there any more.</exception>
    Task<(MessageInfo Summary, MimeMessage Message)> FetchMessageAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>Adds or removes system flags and keywords.</summary>
    /// <exception cref="MssanteMessageNotFoundException">The message is not there any more.</exception>
    Task StoreFlagsAsync(MessageRef message, MessageMarks flags, IReadOnlyCollection<string> keywords, bool add, CancellationToken cancellationToken = default);

    /// <summary>Moves a message to another folder.</summary>
    /// <returns>Where the message is now.</returns>
    /// <exception cref="MssanteMessageNotFoundException">The message is not there any more.</exception>
    /// <exception cref="MssanteFolderNotFoundException">The target folder does not exist.</exception>
    Task<MessageRef> MoveAsync(MessageRef message, string targetFolderPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes a message for good (no Trash).</summary>
    /// <exception cref="MssanteMessageNotFoundException">The message is not there any more.</exception>
    Task ExpungeAsync(MessageRef message, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes messages of one folder for good, in one go (IMAP: one UID STORE and one UID EXPUNGE whatever their number).
    /// Those not there any more are left out.
    /// </summary>
    /// <param name="folderPath">The folder every message is in.</param>
    /// <param name="messages">The messages.</param>
    /// <param name="cancellationToken">Stops before they are deleted.</param>
    /// <returns>How many of them were there and are deleted.</returns>
    /// <exception cref="ArgumentException">A message is not in <paramref name="folderPath"/>.</exception>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    Task<int> ExpungeAsync(string folderPath, IReadOnlyCollection<MessageRef> messages, CancellationToken cancellationToken);

    /// <summary>Stores a message in a folder, arrived now or at <paramref name="arrivedAt"/> (IMAP APPEND's date-time).</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="QuotaExceededException">The mailbox is full.</exception>
    Task<MessageRef> AppendAsync(string folderPath, MimeMessage message, MessageMarks flags, DateTimeOffset? arrivedAt = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a message and saves one copy in Sent. Either every recipient is accepted and the message is sent once,
    /// or nothing is sent.
    /// </summary>
    /// <remarks>
    /// The message is handed over once its last byte is on its way to the operator. Before that, <paramref name="cancellationToken"/>
    /// cancels (<see cref="OperationCanceledException"/>) and a dropped connection is an <see cref="MssanteConnectionException"/>:
    /// nothing was sent. After it, the token no longer counts: the operator's answer is awaited within a bounded time, an
    /// accepted message is reported sent (its copy in Sent saved on a timeout of its own), and no answer is a
    /// <see cref="DeliveryUncertainException"/>.
    /// </remarks>
    /// <exception cref="RecipientsRejectedException">The operator refused recipients; nothing was sent.</exception>
    /// <exception cref="QuotaExceededException">The copy in Sent does not fit; nothing was sent.</exception>
    /// <exception cref="DeliveryUncertainException">The message was handed over but the operator's answer never came; it is not sent again.</exception>
    Task<SubmissionResult> SubmitAsync(MimeMessage message, SubmissionEnvelope envelope, CancellationToken cancellationToken = default);

    /// <summary>Reports the storage used and the limit.</summary>
    Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default);

    /// <summary>Who else may use a folder, and how (IMAP ACL): the owner's own entry included.</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MailboxAccessDeniedException">This account may not see the folder's sharing.</exception>
    /// <exception cref="NotSupportedException">The operator does not share folders (no ACL).</exception>
    Task<IReadOnlyList<FolderAclEntry>> GetAccessAsync(string folderPath, CancellationToken cancellationToken = default);

    /// <summary>Gives an account rights on a folder, or with null takes them away.</summary>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MailboxAccessDeniedException">This account may not share the folder.</exception>
    /// <exception cref="NotSupportedException">The operator does not share folders (no ACL).</exception>
    Task SetAccessAsync(string folderPath, string identifier, string? rights, CancellationToken cancellationToken = default);

    /// <summary>
    /// A setting of the mailbox kept at the operator, shared by everyone who opens the mailbox (IMAP METADATA, RFC 5464,
    /// under <c>/shared/vendor/esante-mssante/</c>), or null when it was never set.
    /// </summary>
    /// <param name="name">The setting's name: lower-case letters, digits and '-'.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <exception cref="NotSupportedException">The operator keeps no settings (no METADATA).</exception>
    Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Sets (or with null, removes) a setting of the mailbox kept at the operator.</summary>
    /// <exception cref="NotSupportedException">The operator keeps no settings (no METADATA), or none this large.</exception>
    Task SetSettingAsync(string name, string? value, CancellationToken cancellationToken = default);

    /// <summary>The rules the operator applies to new messages (<see cref="MailboxRules.None"/> when none were set).</summary>
    /// <exception cref="NotSupportedException">The operator offers no way to read them for this mailbox.</exception>
    Task<MailboxRules> GetRulesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the rules the operator applies to new messages. Messages from patients go to <paramref name="patientFolder"/>
    /// where the operator does not already file them there.
    /// </summary>
    /// <exception cref="NotSupportedException">The operator cannot apply such rules for this mailbox.</exception>
    Task SetRulesAsync(MailboxRules rules, string patientFolder, CancellationToken cancellationToken = default);
}
