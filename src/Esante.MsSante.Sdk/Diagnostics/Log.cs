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
}
