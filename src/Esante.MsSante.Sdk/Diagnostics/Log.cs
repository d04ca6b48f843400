using Esante.MsSante.Operators;
using Microsoft.Extensions.Logging;

using Esante.MsSante.ProSanteConnect;

namespace Esante.MsSante.Diagnostics;

/// <summary>
/// The SDK's log events. None carries a subject, body, patient address, INS, password, code or token:
/// only user names, mailbox addresses of professionals and structures, counts and codes.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Signed in as {UserName}")]
    public static partial void SignedIn(this ILogger logger, string userName);

    [LoggerMessage(2, LogLevel.Information, "Sign-in of {UserName} needs a one-time code ({Channel})")]
    public static partial void SecondFactorRequired(this ILogger logger, string userName, OtpChannel channel);

    [LoggerMessage(3, LogLevel.Warning, "Sign-in failed: {Failure}")]
    public static partial void SignInFailed(this ILogger logger, AuthenticationFailure failure);

    [LoggerMessage(23, LogLevel.Warning, "Sign-in did not complete: {Reason}")]
    public static partial void SignInNotCompleted(this ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Information, "Opened {Kind} mailbox {Mailbox}")]
    public static partial void MailboxOpened(this ILogger logger, MailboxKind kind, string mailbox);

    [LoggerMessage(5, LogLevel.Information, "Sent message {MessageId} from {Mailbox} to {RecipientCount} recipient(s) with {AttachmentCount} attachment(s)")]
    public static partial void MessageSent(this ILogger logger, string messageId, string mailbox, int recipientCount, int attachmentCount);

    [LoggerMessage(6, LogLevel.Warning, "Message refused before sending: {Codes}")]
    public static partial void MessageRefused(this ILogger logger, string codes);

    [LoggerMessage(7, LogLevel.Information, "Retention removed {Count} expired message(s) from {Mailbox}")]
    public static partial void RetentionApplied(this ILogger logger, int count, string mailbox);

    [LoggerMessage(9, LogLevel.Warning, "Message {MessageId} was sent, but its copy was not saved in Sent: {Reason}")]
    public static partial void SentCopyNotSaved(this ILogger logger, string messageId, string reason);

    [LoggerMessage(40, LogLevel.Warning, "Message {MessageId} may or may not have been delivered: {Reason}")]
    public static partial void DeliveryUncertain(this ILogger logger, string messageId, string reason);

    [LoggerMessage(41, LogLevel.Warning, "Draft sent as {MessageId} kept in Drafts: its delivery is uncertain")]
    public static partial void UncertainDraftKept(this ILogger logger, string messageId);

    [LoggerMessage(42, LogLevel.Warning, "Read receipt {MessageId} may or may not have been delivered: the original is marked $MDNSent all the same, so no second receipt is sent")]
    public static partial void UncertainReadReceiptRecorded(this ILogger logger, string messageId);

    [LoggerMessage(10, LogLevel.Information, "Exported {Count} message(s) as {Format} from {Mailbox}")]
    public static partial void FolderExported(this ILogger logger, int count, MailboxExportFormat format, string mailbox);

    [LoggerMessage(11, LogLevel.Information, "Sent read receipt {MessageId} ({Disposition}) from {Mailbox}")]
    public static partial void ReadReceiptSent(this ILogger logger, string messageId, string disposition, string mailbox);

    [LoggerMessage(55, LogLevel.Warning, "Message {MessageId} was sent with warnings: {Codes}")]
    public static partial void SentWithWarnings(this ILogger logger, string messageId, string codes);

    [LoggerMessage(12, LogLevel.Warning, "Read receipt {MessageId} was sent, but the original was not marked $MDNSent: {Reason}")]
    public static partial void ReadReceiptNotRecorded(this ILogger logger, string messageId, string reason);

    [LoggerMessage(13, LogLevel.Warning, "Draft sent as {MessageId}, but it could not be removed from Drafts: {Reason}")]
    public static partial void DraftNotRemoved(this ILogger logger, string messageId, string reason);

    [LoggerMessage(21, LogLevel.Warning, "A draft was saved, but the earlier one it replaces could not be removed: {Reason}")]
    public static partial void EarlierDraftNotRemoved(this ILogger logger, string reason);

    [LoggerMessage(14, LogLevel.Information, "Emptied the Trash of {Mailbox}: {Count} message(s)")]
    public static partial void TrashEmptied(this ILogger logger, int count, string mailbox);

    [LoggerMessage(15, LogLevel.Information, "Imported {Count} message(s) from {Format} into {Mailbox}, {Skipped} skipped")]
    public static partial void FolderImported(this ILogger logger, int count, MailboxExportFormat format, string mailbox, int skipped);

    [LoggerMessage(16, LogLevel.Warning, "Import into {Mailbox} stopped by {Reason} after {Count} message(s), {Skipped} skipped")]
    public static partial void FolderImportStopped(this ILogger logger, string mailbox, string reason, int count, int skipped);

    [LoggerMessage(17, LogLevel.Information, "Signed in with Pro Santé Connect at level {Acr}")]
    public static partial void ProSanteConnectSignedIn(this ILogger logger, string acr);

    [LoggerMessage(18, LogLevel.Warning, "Pro Santé Connect sign-in refused: {Failure}")]
    public static partial void ProSanteConnectSignInRefused(this ILogger logger, ProSanteConnectFailure failure);

    [LoggerMessage(19, LogLevel.Debug, "Pro Santé Connect access token refreshed")]
    public static partial void ProSanteConnectTokenRefreshed(this ILogger logger);

    [LoggerMessage(20, LogLevel.Information, "Pro Santé Connect session ended: {Reason}")]
    public static partial void ProSanteConnectSessionEnded(this ILogger logger, string reason);

    [LoggerMessage(22, LogLevel.Information, "Session of {UserName} ended: its access token expired for good")]
    public static partial void SessionEndedByTokenSource(this ILogger logger, string userName);

    [LoggerMessage(30, LogLevel.Warning, "Sign-out did not complete: {Reason}")]
    public static partial void SignOutNotCompleted(this ILogger logger, string reason);

    [LoggerMessage(8, LogLevel.Information, "Signed out {UserName}")]
    public static partial void SignedOut(this ILogger logger, string userName);

    // The real operator (IMAP, SMTP, ManageSieve): 90–109. Mailboxes through Redaction.Address, server text through Redaction.ServerText.

    [LoggerMessage(90, LogLevel.Information, "{Protocol} connection to {Host}:{Port} opened ({Security}) for {UserName}")]
    public static partial void ConnectionOpened(this ILogger logger, string protocol, string host, int port, ConnectionSecurity security, string userName);

    [LoggerMessage(91, LogLevel.Warning, "{Protocol} connection to {Host}:{Port} failed: {Reason}")]
    public static partial void ConnectionFailed(this ILogger logger, string protocol, string host, int port, string reason);

    [LoggerMessage(92, LogLevel.Warning, "{Protocol} server refused the credential of {UserName}: {ServerText}")]
    public static partial void CredentialRefused(this ILogger logger, string protocol, string userName, string serverText);

    [LoggerMessage(93, LogLevel.Warning, "IMAP connection of {Mailbox} lost ({Reason}): reconnecting")]
    public static partial void ImapConnectionLost(this ILogger logger, string mailbox, string reason);

    [LoggerMessage(94, LogLevel.Information, "IMAP connection of {Mailbox} reopened")]
    public static partial void ImapReconnected(this ILogger logger, string mailbox);

    [LoggerMessage(95, LogLevel.Warning, "Watch of {Mailbox} lost its connection ({Reason}): reconnecting to resume after UID {Uid}")]
    public static partial void WatchConnectionLost(this ILogger logger, string mailbox, string reason, uint uid);

    [LoggerMessage(96, LogLevel.Debug, "Watch of {Mailbox} waits for new messages after UID {Uid} ({How})")]
    public static partial void WatchWaiting(this ILogger logger, string mailbox, uint uid, string how);

    [LoggerMessage(97, LogLevel.Debug, "Watch of {Mailbox}: {Count} new message(s)")]
    public static partial void WatchDelivered(this ILogger logger, string mailbox, int count);

    [LoggerMessage(98, LogLevel.Debug, "Sent folder of {Mailbox} found {How}")]
    public static partial void SentFolderResolved(this ILogger logger, string mailbox, string how);

    [LoggerMessage(99, LogLevel.Debug, "Submitting a message from {Mailbox} to {RecipientCount} recipient(s) over SMTP")]
    public static partial void SmtpSubmitting(this ILogger logger, string mailbox, int recipientCount);

    [LoggerMessage(100, LogLevel.Debug, "SMTP server accepted the message from {Mailbox}")]
    public static partial void SmtpAccepted(this ILogger logger, string mailbox);

    [LoggerMessage(101, LogLevel.Warning, "SMTP server refused the message from {Mailbox}: {StatusCode} {ServerText}")]
    public static partial void SmtpRefused(this ILogger logger, string mailbox, int statusCode, string serverText);

    [LoggerMessage(102, LogLevel.Warning, "SMTP server refused {Count} of {RecipientCount} recipient(s) of a message from {Mailbox}: nothing was sent")]
    public static partial void SmtpRecipientsRefused(this ILogger logger, int count, int recipientCount, string mailbox);

    [LoggerMessage(103, LogLevel.Debug, "Copy of {MessageId} saved in Sent of {Mailbox}")]
    public static partial void SentCopySaved(this ILogger logger, string messageId, string mailbox);

    [LoggerMessage(104, LogLevel.Warning, "The connection failed while saving the copy of {MessageId} in Sent: looking for it before saving it again")]
    public static partial void SentCopyRetried(this ILogger logger, string messageId);

    [LoggerMessage(105, LogLevel.Warning, "IMAP server refused a command on {Mailbox}: {Response} {ServerText}")]
    public static partial void ImapCommandRefused(this ILogger logger, string mailbox, string response, string serverText);

    [LoggerMessage(106, LogLevel.Warning, "ManageSieve server refused {Command}: {Status} {Code}")]
    public static partial void ManageSieveRefused(this ILogger logger, string command, string status, string code);

    [LoggerMessage(107, LogLevel.Information, "Rules script of {Mailbox} installed ({Bytes} bytes) and active")]
    public static partial void RulesInstalled(this ILogger logger, string mailbox, int bytes);

    [LoggerMessage(108, LogLevel.Information, "The operator does not let {UserName} sign in for {Mailbox}: its folders are used through the shared namespace")]
    public static partial void ActingForRefused(this ILogger logger, string userName, string mailbox);

    [LoggerMessage(109, LogLevel.Warning, "The {Protocol} protocol log could not be opened ({Error}): the connection goes on without it")]
    public static partial void ProtocolLogNotOpened(this ILogger logger, string protocol, string error);

    [LoggerMessage(110, LogLevel.Warning, "Index snapshot {Snapshot} refused ({Problem}): {Reason}; the extraction is loaded instead")]
    public static partial void DirectorySnapshotRefused(this ILogger logger, string snapshot, Esante.MsSante.Directory.ExtractionSnapshotProblem problem, string reason);

    [LoggerMessage(111, LogLevel.Information, "Index snapshot {Snapshot} written ({Entries} entries)")]
    public static partial void DirectorySnapshotWritten(this ILogger logger, string snapshot, int entries);

    [LoggerMessage(112, LogLevel.Warning, "Index snapshot {Snapshot} could not be written ({Error}: {Reason}); the directory is loaded all the same")]
    public static partial void DirectorySnapshotNotWritten(this ILogger logger, string snapshot, string error, string reason);
}
