using System.Globalization;
using System.Runtime.CompilerServices;
using Esante.MsSante.Diagnostics;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Esante.MsSante;

/// <summary>The SDK's <see cref="IMailboxClient"/>: applies the policies and composes messages, then calls the operator seam.</summary>
internal sealed partial class MailboxClient : IMailboxClient, IDisposable
{
    private const string InboxPath = "INBOX";

    /// <summary>The IMAP keyword that records a read receipt was sent for a message (RFC 3503).</summary>
    private const string MdnSentKeyword = "$MDNSent";

    /// <summary>
    /// The largest message <see cref="ImportFolderAsync(string?, Stream, MailboxExportFormat, CancellationToken)"/> stores:
    /// 40 MiB. The largest MSSanté messages carry 25 MB of attachments (Mon Espace Santé,
    /// <see cref="AttachmentLimitPolicy.PatientMaxTotalBytes"/>), about 34 MB once encoded in base64 with its line ends; the
    /// rest is room for the text and headers. A larger member of an archive is skipped without being held in memory.
    /// </summary>
    public const long MaxImportedMessageBytes = 40L * 1024 * 1024;

    private static readonly PolicyViolation ProductReferenceMissing = new(
        PolicyViolationCodes.ProductReferenceMissing,
        "The software's product reference (X-MSS-NIL) is not configured: set MssanteOptions.ProductReference to your reference in the national convergence registry.");

    private readonly IOperatorMailbox _mailbox;
    private readonly MssantePolicies _policies;
    private readonly string? _productReference;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MailboxSettings _settings;
    private readonly ContactFolders _contacts;

    /// <summary>
    /// One caller at a time per draft sent, per message receipted, per setting changed: what reads, decides, then acts
    /// (the draft still there, $MDNSent not set, the tags as they were) must not interleave with itself.
    /// </summary>
    private readonly KeyedGate<string> _gates = new(StringComparer.Ordinal);

    /// <summary>
    /// The folders as last listed, so a delete finds the Trash without a LIST each time (their counts are not used: they
    /// age). Dropped when this client creates, renames or deletes a folder, and when the Trash found here turns out to be gone.
    /// </summary>
    private volatile IReadOnlyList<MailboxFolder>? _knownFolders;

    /// <summary>Wraps an open operator mailbox.</summary>
    /// <param name="mailbox">The operator's mailbox.</param>
    /// <param name="policies">The policies to apply.</param>
    /// <param name="productReference">The product reference for <c>X-MSS-NIL</c>; sending is refused without it.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Where to log; nothing when null.</param>
    public MailboxClient(IOperatorMailbox mailbox, MssantePolicies policies, string? productReference, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _mailbox = mailbox ?? throw new ArgumentNullException(nameof(mailbox));
        _policies = policies ?? throw new ArgumentNullException(nameof(policies));
        _productReference = productReference;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _settings = new MailboxSettings(_mailbox, _time, _gates);
        _contacts = new ContactFolders(_mailbox, _time);
    }

    /// <inheritdoc/>
    public MailboxDescriptor Mailbox => _mailbox.Mailbox;

    /// <inheritdoc/>
    public MailboxCapabilities Capabilities => _mailbox.Capabilities;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MailboxFolder>> GetFoldersAsync(CancellationToken cancellationToken = default) =>
        _knownFolders = [.. (await _mailbox.ListFoldersAsync(cancellationToken).ConfigureAwait(false))
            .Select(f => f.Role == FolderRole.None && ContactFolders.Holds(f) ? f with { Role = FolderRole.Contacts } : f)];

    /// <inheritdoc/>
    public async Task<MailboxFolder> GetFolderAsync(FolderRole role, CancellationToken cancellationToken = default) =>
        FindRole(await GetFoldersAsync(cancellationToken).ConfigureAwait(false), role);

    /// <summary>A folder by its path, listed afresh (INBOX in any case, as IMAP names it).</summary>
    /// <exception cref="MssanteFolderNotFoundException">The mailbox has no such folder.</exception>
    private async Task<MailboxFolder> FindFolderAsync(string path, CancellationToken cancellationToken)
    {
        var comparison = string.Equals(path, InboxPath, StringComparison.OrdinalIgnoreCase) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return (await GetFoldersAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(f => string.Equals(f.Path, path, comparison))
            ?? throw new MssanteFolderNotFoundException(path);
    }

    /// <summary>The folder of a role in a list of folders (the patient exchanges folder also by its configured name).</summary>
    private MailboxFolder FindRole(IReadOnlyList<MailboxFolder> folders, FolderRole role)
    {
        return folders.FirstOrDefault(f => f.Role == role)
            ?? (role == FolderRole.PatientExchanges
                ? folders.FirstOrDefault(f => string.Equals(f.Name, _policies.PatientRouting.FolderName, StringComparison.OrdinalIgnoreCase))
                : null)
            ?? throw new MssanteFolderNotFoundException(role.ToString());
    }

    /// <inheritdoc/>
    public Task<MailboxFolder> CreateFolderAsync(string path, CancellationToken cancellationToken = default)
    {
        CheckFolderPath(path, nameof(path));
        _knownFolders = null;
        return _mailbox.CreateFolderAsync(path, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<MailboxFolder> RenameFolderAsync(string path, string newPath, CancellationToken cancellationToken = default)
    {
        CheckFolderPath(path, nameof(path));
        CheckFolderPath(newPath, nameof(newPath));
        _knownFolders = null;
        return _mailbox.RenameFolderAsync(path, newPath, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task DeleteFolderAsync(string path, CancellationToken cancellationToken = default)
    {
        CheckFolderPath(path, nameof(path));
        var folder = await FindFolderAsync(path, cancellationToken).ConfigureAwait(false);
        if (folder.Role is not (FolderRole.None or FolderRole.Archive or FolderRole.Contacts))
        {
            throw new InvalidOperationException($"The {folder.Role} folder cannot be deleted.");
        }
        _knownFolders = null;
        await _mailbox.DeleteFolderAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<MessageInfo> GetMessagesAsync(string? folderPath = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var summary in SdkTelemetry.Traced(SdkTelemetry.ListMessages, _mailbox.FetchSummariesAsync(folderPath ?? InboxPath, cancellationToken), null, cancellationToken).ConfigureAwait(false))
        {
            yield return WithMssanteIndicator(summary);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<MessageInfo> WatchAsync(string? folderPath = null, MessageRef? after = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var summary in SdkTelemetry.Traced(SdkTelemetry.Watch, _mailbox.WatchAsync(folderPath ?? InboxPath, after, cancellationToken), SdkTelemetry.WatchNotifications, cancellationToken).ConfigureAwait(false))
        {
            yield return WithMssanteIndicator(summary);
        }
    }

    /// <inheritdoc/>
    public async Task<ReceivedMessage> ReadMessageAsync(MessageRef message, CancellationToken cancellationToken = default)
    {
        using var traced = SdkTelemetry.Start(SdkTelemetry.ReadMessage);
        try
        {
            var (summary, mime) = await _mailbox.FetchMessageAsync(message, cancellationToken).ConfigureAwait(false);
            return new ReceivedMessage(WithMssanteIndicator(summary), mime);
        }
        catch (Exception e) when (SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
    }

    /// <inheritdoc/>
    public Task MarkAsReadAsync(MessageRef message, CancellationToken cancellationToken = default) =>
        _mailbox.StoreFlagsAsync(message, MessageMarks.Seen, [], add: true, cancellationToken);

    /// <inheritdoc/>
    public Task MarkAsUnreadAsync(MessageRef message, CancellationToken cancellationToken = default) =>
        _mailbox.StoreFlagsAsync(message, MessageMarks.Seen, [], add: false, cancellationToken);

    /// <inheritdoc/>
    public Task<MessageRef> MoveAsync(MessageRef message, string targetFolderPath, CancellationToken cancellationToken = default)
    {
        CheckFolderPath(targetFolderPath, nameof(targetFolderPath));
        return _mailbox.MoveAsync(message, targetFolderPath, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<MessageRef?> DeleteAsync(MessageRef message, CancellationToken cancellationToken = default)
    {
        var trash = FindRole(_knownFolders ?? await GetFoldersAsync(cancellationToken).ConfigureAwait(false), FolderRole.Trash);
        if (message.FolderPath == trash.Path)
        {
            await _mailbox.ExpungeAsync(message, cancellationToken).ConfigureAwait(false);
            return null;
        }
        try
        {
            return await _mailbox.MoveAsync(message, trash.Path, cancellationToken).ConfigureAwait(false);
        }
        catch (MssanteFolderNotFoundException e) when (e.FolderPath == trash.Path)
        {
            // The Trash was renamed or recreated elsewhere since it was listed: list again and move there.
            _knownFolders = null;
            var current = await GetFolderAsync(FolderRole.Trash, cancellationToken).ConfigureAwait(false);
            return await _mailbox.MoveAsync(message, current.Path, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<SubmissionResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var traced = SdkTelemetry.Start(SdkTelemetry.Send)?.Tag(SdkTelemetry.MessageKind, "message");
        try
        {
            var result = await SendTracedAsync(message, traced, cancellationToken).ConfigureAwait(false);
            SdkTelemetry.Sent("message", Mailbox.Kind);
            return result;
        }
        catch (Exception e) when (SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
    }

    private async Task<SubmissionResult> SendTracedAsync(OutgoingMessage message, TracedOperation? traced, CancellationToken cancellationToken)
    {
        ThrowIfColleagues();
        var violations = Check(message, isDraft: false);
        var (signature, unknownSignature) = await _settings.SignatureForAsync(message, cancellationToken).ConfigureAwait(false);
        if (unknownSignature is not null)
        {
            violations.Add(unknownSignature);
        }
        if (violations.Count > 0)
        {
            _logger.MessageRefused(string.Join(",", violations.Select(v => v.Code).Distinct()));
            SdkTelemetry.PolicyRefused(violations);
            throw new MessageRejectedException(violations);
        }
        using var mime = MssanteMessageComposer.Compose(message, Mailbox.Address, SenderDisplayName, _productReference!, _time.GetUtcNow(), signature);
        var envelope = new SubmissionEnvelope(
            Mailbox.Address,
            MssanteMessageComposer.EnvelopeRecipients(message, _policies.Addresses.TrustedDomains),
            message.DeliveryStatus);
        traced?.Tag(SdkTelemetry.RecipientCount, envelope.Recipients.Count).Tag(SdkTelemetry.AttachmentCount, message.Attachments.Count);
        SubmissionResult result;
        try
        {
            result = await _mailbox.SubmitAsync(mime, envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryUncertainException e)
        {
            _logger.DeliveryUncertain(e.MessageId, e.Reason);
            throw;
        }
        _logger.MessageSent(result.MessageId, Mailbox.Address.Value, envelope.Recipients.Count, message.Attachments.Count);
        if (result.SentCopyError is not null)
        {
            _logger.SentCopyNotSaved(result.MessageId, result.SentCopyError);
        }
        if (DocumentPdfName.Check(message) is { Count: > 0 } warnings)
        {
            _logger.SentWithWarnings(result.MessageId, string.Join(",", warnings.Select(w => w.Code).Distinct()));
            result = result with { Warnings = warnings };
        }
        return result;
    }

    /// <inheritdoc/>
    public async Task<MessageRef> SaveDraftAsync(OutgoingMessage message, MessageRef? replacing = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfColleagues();
        if (message.Xdm is not null)
        {
            throw new ArgumentException("An XDM package is built when the message is sent: save the draft without it and add it before sending.", nameof(message));
        }
        var drafts = await GetFolderAsync(FolderRole.Drafts, cancellationToken).ConfigureAwait(false);
        if (replacing is { } earlier && earlier.FolderPath != drafts.Path)
        {
            throw new ArgumentException("The message to replace is not in this mailbox's Drafts folder.", nameof(replacing));
        }
        var violations = Check(message, isDraft: true);
        if (violations.Count > 0)
        {
            _logger.MessageRefused(string.Join(",", violations.Select(v => v.Code).Distinct()));
            SdkTelemetry.PolicyRefused(violations);
            throw new MessageRejectedException(violations);
        }
        using var mime = MssanteMessageComposer.ComposeDraft(message, Mailbox.Address, SenderDisplayName, _productReference!, _time.GetUtcNow());
        // Not while the draft it replaces is being sent (nor replaced by another call): one or the other, not both half-way.
        using var held = replacing is { } replacedDraft ? await _gates.EnterAsync(GateKey("draft", replacedDraft), cancellationToken).ConfigureAwait(false) : null;
        var saved = await _mailbox.AppendAsync(drafts.Path, mime, MessageMarks.Draft | MessageMarks.Seen, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (replacing is { } replaced)
        {
            try
            {
                // Stored: from here on the caller must get the new draft's place, whatever happens to the old one.
                await _mailbox.ExpungeAsync(replaced, CancellationToken.None).ConfigureAwait(false);
            }
            catch (MssanteMessageNotFoundException)
            {
                // Already gone (deleted in the webmail, or sent): the new draft is what counts.
            }
            catch (Exception e)
            {
                _logger.EarlierDraftNotRemoved(e.GetType().Name);
            }
        }
        return saved;
    }

    /// <inheritdoc/>
    public async Task<OutgoingMessage> ReadDraftAsync(MessageRef draft, CancellationToken cancellationToken = default)
    {
        var (_, mime) = await _mailbox.FetchMessageAsync(draft, cancellationToken).ConfigureAwait(false);
        using (mime)
        {
            return await MssanteMessageComposer.ReadDraftAsync(mime, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<SubmissionResult> SendDraftAsync(MessageRef draft, CancellationToken cancellationToken = default)
    {
        // Once per draft: a caller that waited here finds it sent and gone (MssanteMessageNotFoundException), not sends it again.
        using var held = await _gates.EnterAsync(GateKey("draft", draft), cancellationToken).ConfigureAwait(false);
        if (draft.FolderPath != (await GetFolderAsync(FolderRole.Drafts, cancellationToken).ConfigureAwait(false)).Path)
        {
            // It is deleted once sent: never a message of another folder.
            throw new ArgumentException("The message is not in this mailbox's Drafts folder.", nameof(draft));
        }
        var outgoing = await ReadDraftAsync(draft, cancellationToken).ConfigureAwait(false);
        SubmissionResult result;
        try
        {
            result = await SendAsync(outgoing, cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryUncertainException e)
        {
            // Maybe delivered, maybe not: the draft stays, so nothing is lost; the professional checks with the recipient.
            _logger.UncertainDraftKept(e.MessageId);
            throw new DeliveryUncertainException(e.MessageId, $"{e.Reason}; the draft was kept in Drafts", e.InnerException);
        }
        try
        {
            // Sent: from here on nothing may make the caller believe it was not (and send it again).
            await _mailbox.ExpungeAsync(draft, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.DraftNotRemoved(result.MessageId, e.GetType().Name);
        }
        return result;
    }

    /// <inheritdoc/>
    public async Task<int> EmptyTrashAsync(CancellationToken cancellationToken = default)
    {
        var trash = await GetFolderAsync(FolderRole.Trash, cancellationToken).ConfigureAwait(false);
        var summaries = await _mailbox.SummariesAsync(trash.Path, cancellationToken).ConfigureAwait(false);
        // In one go; messages deleted meanwhile (another application emptying it too) are not counted.
        var removed = await _mailbox.ExpungeAsync(trash.Path, [.. summaries.Select(s => s.Ref)], cancellationToken).ConfigureAwait(false);
        _logger.TrashEmptied(removed, Mailbox.Address.Value);
        return removed;
    }

    /// <inheritdoc/>
    public async Task<int> ExportFolderAsync(string? folderPath, Stream destination, MailboxExportFormat format = MailboxExportFormat.Mbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream cannot be written to.", nameof(destination));
        }
        var summaries = await _mailbox.SummariesAsync(folderPath ?? InboxPath, cancellationToken).ConfigureAwait(false);
        var exported = 0;
        var writer = MailboxExportWriter.Create(format, destination);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var summary in summaries)
            {
                MimeMessage message;
                try
                {
                    (_, message) = await _mailbox.FetchMessageAsync(summary.Ref, cancellationToken).ConfigureAwait(false);
                }
                catch (MssanteMessageNotFoundException)
                {
                    continue;
                }
                using (message)
                {
                    await writer.WriteAsync(summary, message, ++exported, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        _logger.FolderExported(exported, format, Mailbox.Address.Value);
        return exported;
    }

    /// <inheritdoc/>
    public Task<MailboxImportResult> ImportFolderAsync(string? folderPath, Stream source, MailboxExportFormat format = MailboxExportFormat.Mbox, CancellationToken cancellationToken = default) =>
        ImportFolderAsync(folderPath, source, format, MaxImportedMessageBytes, cancellationToken);

    /// <summary>The import, with a size limit a test can lower.</summary>
    internal async Task<MailboxImportResult> ImportFolderAsync(string? folderPath, Stream source, MailboxExportFormat format, long maxMessageBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.CanRead)
        {
            throw new ArgumentException("The source stream cannot be read.", nameof(source));
        }
        if (folderPath is not null)
        {
            CheckFolderPath(folderPath, nameof(folderPath));
        }
        using var reader = await MailboxImportReader.OpenAsync(format, source, maxMessageBytes, cancellationToken).ConfigureAwait(false);
        var folder = await FindFolderAsync(folderPath ?? InboxPath, cancellationToken).ConfigureAwait(false);
        var imported = 0;
        var skipped = new List<MailboxImportSkip>();
        var position = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var member = await reader.NextAsync(cancellationToken).ConfigureAwait(false);
                if (member is null)
                {
                    break;
                }
                position = member.Position;
                using var message = member.Content is { } content ? Parse(content) : null;
                if (message is null)
                {
                    skipped.Add(new MailboxImportSkip(member.Position, member.Skip ?? MailboxImportSkipReason.Malformed));
                    continue;
                }
                // Not cancelled half-way: a message is stored and counted, or left for the next import.
                // Dated as the archive says it arrived, else as it was sent: retention and the list see its age, not today.
                await _mailbox.AppendAsync(folder.Path, message, MessageMarks.Seen, ArrivalDate(member.ArrivedAt, message), CancellationToken.None).ConfigureAwait(false);
                imported++;
            }
        }
        catch (QuotaExceededException e)
        {
            _logger.FolderImportStopped(Mailbox.Address.Value, e.GetType().Name, imported, skipped.Count);
            var full = new QuotaExceededException(
                string.Create(CultureInfo.InvariantCulture,
                    $"The mailbox is full: the import stored {imported} message(s), then message {position} of the archive did not fit; it and the ones after it were not stored. Delete messages and empty the Trash, then import the rest."),
                e.Quota);
            full.Data[MailboxImportResult.PartialResultKey] = new MailboxImportResult(imported, skipped);
            throw full;
        }
        catch (Exception e)
        {
            _logger.FolderImportStopped(Mailbox.Address.Value, e.GetType().Name, imported, skipped.Count);
            e.Data[MailboxImportResult.PartialResultKey] = new MailboxImportResult(imported, skipped);
            throw;
        }
        _logger.FolderImported(imported, format, Mailbox.Address.Value, skipped.Count);
        return new MailboxImportResult(imported, skipped);
    }

    /// <summary>An imported message's arrival date: the archive's, else its Date header; neither when in the future (then now).</summary>
    private DateTimeOffset? ArrivalDate(DateTimeOffset? archived, MimeMessage message)
    {
        var now = _time.GetUtcNow();
        return archived is { } date && date <= now ? date
            : message.Headers.Contains(HeaderId.Date) && message.Date > DateTimeOffset.UnixEpoch && message.Date <= now ? message.Date
            : null;
    }

    /// <summary>One member of an archive as a message, or null when it has no header to read.</summary>
    private static MimeMessage? Parse(MemoryStream content)
    {
        try
        {
            // In memory already, so not cancelled half-way. Persistent: the parts keep pointing into the member's bytes,
            // which are stored as they are, not copied.
            var message = new MimeParser(content, MimeFormat.Entity, persistent: true).ParseMessage();
            if (message.Headers.Count > 0)
            {
                return message;
            }
            message.Dispose();
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<SubmissionResult> SendReadReceiptAsync(MessageRef message, ReadReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ThrowIfColleagues();
        // One receipt per message: a caller that waited here finds $MDNSent set (InvalidOperationException), not sends another.
        using var held = await _gates.EnterAsync(GateKey("receipt", message), cancellationToken).ConfigureAwait(false);
        var (summary, original) = await _mailbox.FetchMessageAsync(message, cancellationToken).ConfigureAwait(false);
        using (original)
        {
            if (summary.Keywords.Contains(MdnSentKeyword, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("A read receipt was already sent for this message ($MDNSent): RFC 8098 allows one per message.");
            }
            if (original.Headers[HeaderId.DispositionNotificationTo] is not { } notifyTo)
            {
                throw new InvalidOperationException("The message asks for no read receipt: it has no Disposition-Notification-To.");
            }
            var violations = new List<PolicyViolation>();
            if (string.IsNullOrWhiteSpace(_productReference))
            {
                violations.Add(ProductReferenceMissing);
            }
            violations.AddRange(_policies.Addresses.Evaluate(AddressIn(notifyTo), "Disposition-Notification-To", out var to));
            if (violations.Count > 0)
            {
                _logger.MessageRefused(string.Join(",", violations.Select(v => v.Code).Distinct()));
                SdkTelemetry.PolicyRefused(violations);
                throw new MessageRejectedException(violations);
            }
            if (receipt.IsAutomatic && !string.Equals(AddressIn(original.Headers[HeaderId.ReturnPath]), to!.Value, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    "The message asks for its receipt at another address than its Return-Path: RFC 8098 (§2.1) forbids answering it " +
                    "automatically. Ask the user, then send receipt.ConfirmedByUser().");
            }
            using var mdn = ReadReceiptComposer.Compose(original, receipt, Mailbox.Address, SenderDisplayName, to!, _productReference!, _time.GetUtcNow());
            using var traced = SdkTelemetry.Start(SdkTelemetry.Send)?.Tag(SdkTelemetry.MessageKind, "read_receipt");
            SubmissionResult result;
            try
            {
                result = await _mailbox.SubmitAsync(mdn, new SubmissionEnvelope(Mailbox.Address, [to!], DeliveryStatusRequest.Never) { NullReversePath = true }, cancellationToken).ConfigureAwait(false);
            }
            catch (DeliveryUncertainException e)
            {
                // Maybe sent: RFC 8098 allows one receipt, never two, so the original is marked as if it was.
                traced?.Fail(e);
                _logger.DeliveryUncertain(e.MessageId, e.Reason);
                await RecordReadReceiptAsync(message, e.MessageId).ConfigureAwait(false);
                _logger.UncertainReadReceiptRecorded(e.MessageId);
                throw;
            }
            catch (Exception e) when (SdkTelemetry.Failed(traced, e))
            {
                throw;
            }
            SdkTelemetry.Sent("read_receipt", Mailbox.Kind);
            _logger.ReadReceiptSent(result.MessageId, receipt.DispositionWithoutError, Mailbox.Address.Value);
            await RecordReadReceiptAsync(message, result.MessageId).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>Marks the original $MDNSent once its receipt is handed over, whatever the caller's token says since.</summary>
    private async Task RecordReadReceiptAsync(MessageRef message, string receiptId)
    {
        try
        {
            await _mailbox.StoreFlagsAsync(message, MessageMarks.None, [MdnSentKeyword], add: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MssanteException or ObjectDisposedException)
        {
            // Sent is sent: report the receipt, and say plainly that the original could not be marked.
            _logger.ReadReceiptNotRecorded(receiptId, e.GetType().Name);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, RetentionPeriod>> GetFolderRetentionAsync(CancellationToken cancellationToken = default) =>
        _settings.GetRetentionAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task SetFolderRetentionAsync(string folderPath, RetentionPeriod? period, CancellationToken cancellationToken = default)
    {
        CheckFolderPath(folderPath, nameof(folderPath));
        var folder = await FindFolderAsync(folderPath, cancellationToken).ConfigureAwait(false);
        if (folder.Role == FolderRole.Trash)
        {
            throw new ArgumentException("The Trash's retention is the operator's (30 days by default), not set per mailbox.", nameof(folderPath));
        }
        if (period is { Count: < 1 })
        {
            throw new ArgumentOutOfRangeException(nameof(period), "A retention limit is at least one day, week or month.");
        }
        await _settings.SetRetentionAsync(folderPath, period, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The policy's limits, with those set for this mailbox over them; the policy's alone where the operator keeps no settings.</summary>
    private async Task<RetentionPolicy> EffectiveRetentionAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, RetentionPeriod> own;
        try
        {
            own = await _settings.GetRetentionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or MailboxAccessDeniedException)
        {
            return _policies.Retention;
        }
        if (own.Count == 0)
        {
            return _policies.Retention;
        }
        var limits = new Dictionary<string, RetentionPeriod>(_policies.Retention.FolderLimits, StringComparer.OrdinalIgnoreCase);
        foreach (var (folder, limit) in own)
        {
            limits[folder] = limit;
        }
        return new RetentionPolicy(_policies.Retention.TrashRetention, limits);
    }

    /// <inheritdoc/>
    public Task<MailboxSignatures> GetSignaturesAsync(CancellationToken cancellationToken = default) => _settings.GetSignaturesAsync(cancellationToken);

    /// <inheritdoc/>
    public Task SetSignaturesAsync(MailboxSignatures signatures, CancellationToken cancellationToken = default) =>
        _settings.SetSignaturesAsync(signatures, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<MessageTag>> GetTagsAsync(CancellationToken cancellationToken = default) => _settings.GetTagsAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<MessageTag> CreateTagAsync(string name, string colour, CancellationToken cancellationToken = default)
    {
        MailboxSettings.CheckName(name, "tag");
        ArgumentNullException.ThrowIfNull(colour);
        if (!System.Text.RegularExpressions.Regex.IsMatch(colour, "^#[0-9A-Fa-f]{6}$"))
        {
            throw new ArgumentException("A tag's colour is written #RRGGBB, e.g. #D93025.", nameof(colour));
        }
        using var held = await _settings.HoldTagsAsync(cancellationToken).ConfigureAwait(false);
        var tags = await _settings.GetTagsAsync(cancellationToken).ConfigureAwait(false);
        var tag = new MessageTag(name.Trim(), colour.ToUpperInvariant());
        if (tags.Any(t => string.Equals(t.Keyword, tag.Keyword, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException("The mailbox already has a tag with this name (tags differ by more than case).");
        }
        await _settings.SaveTagsAsync([.. tags, tag], cancellationToken).ConfigureAwait(false);
        return tag;
    }

    /// <inheritdoc/>
    public async Task DeleteTagAsync(string name, CancellationToken cancellationToken = default)
    {
        using var held = await _settings.HoldTagsAsync(cancellationToken).ConfigureAwait(false);
        var tags = await _settings.GetTagsAsync(cancellationToken).ConfigureAwait(false);
        var tag = FindTag(tags, name);
        foreach (var folder in await _mailbox.ListFoldersAsync(cancellationToken).ConfigureAwait(false))
        {
            var summaries = await _mailbox.SummariesAsync(folder.Path, cancellationToken).ConfigureAwait(false);
            foreach (var message in summaries.Where(s => s.Keywords.Contains(tag.Keyword, StringComparer.OrdinalIgnoreCase)).Select(s => s.Ref))
            {
                await _mailbox.StoreFlagsAsync(message, MessageMarks.None, [tag.Keyword], add: false, cancellationToken).ConfigureAwait(false);
            }
        }
        await _settings.SaveTagsAsync([.. tags.Where(t => t != tag)], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task TagAsync(MessageRef message, string tagName, CancellationToken cancellationToken = default)
    {
        // Not while the tag is being deleted: the message would keep the keyword of a tag gone.
        using var held = await _settings.HoldTagsAsync(cancellationToken).ConfigureAwait(false);
        var tag = FindTag(await _settings.GetTagsAsync(cancellationToken).ConfigureAwait(false), tagName);
        await _mailbox.StoreFlagsAsync(message, MessageMarks.None, [tag.Keyword], add: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task UntagAsync(MessageRef message, string tagName, CancellationToken cancellationToken = default)
    {
        using var held = await _settings.HoldTagsAsync(cancellationToken).ConfigureAwait(false);
        var tag = FindTag(await _settings.GetTagsAsync(cancellationToken).ConfigureAwait(false), tagName);
        await _mailbox.StoreFlagsAsync(message, MessageMarks.None, [tag.Keyword], add: false, cancellationToken).ConfigureAwait(false);
    }

    private static MessageTag FindTag(IReadOnlyList<MessageTag> tags, string name) =>
        tags.FirstOrDefault(t => string.Equals(t.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException("The mailbox has no tag with this name: create it first.", nameof(name));

    /// <inheritdoc/>
    public async Task ShareFolderAsync(string folderPath, MssanteAddress colleague, ShareRole role, bool sendNotice = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(colleague);
        CheckFolderPath(folderPath, nameof(folderPath));
        if (colleague == Mailbox.Address)
        {
            throw new ArgumentException("A folder is shared with someone else than its mailbox.", nameof(colleague));
        }
        if (string.Equals(folderPath, InboxPath, StringComparison.OrdinalIgnoreCase))
        {
            // Whoever may read an INBOX is its mailbox's delegate and sends in its name: that is the operator's delegation
            // (« Délégation sur votre boîte aux lettres »), not a folder share.
            throw new ArgumentException("The inbox is not shared folder by folder: delegation of a mailbox is granted by the operator.", nameof(folderPath));
        }
        var rights = FolderShare.RightsOf(role);
        if (sendNotice)
        {
            ThrowIfColleagues();
        }
        await _mailbox.SetAccessAsync(folderPath, colleague.Value, rights, cancellationToken).ConfigureAwait(false);
        if (sendNotice)
        {
            await SendAsync(FolderShare.Notice(folderPath, Mailbox, SenderDisplayName, colleague, role), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task UnshareFolderAsync(string folderPath, MssanteAddress colleague, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(colleague);
        CheckFolderPath(folderPath, nameof(folderPath));
        return _mailbox.SetAccessAsync(folderPath, colleague.Value, null, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<FolderShare>> GetFolderSharesAsync(string folderPath, CancellationToken cancellationToken = default)
    {
        CheckFolderPath(folderPath, nameof(folderPath));
        var entries = await _mailbox.GetAccessAsync(folderPath, cancellationToken).ConfigureAwait(false);
        // Colleagues only: not the owner, nor the special and negative entries of RFC 4314 (anyone, $group, -name).
        return entries
            .Where(e => !string.Equals(e.Identifier, Mailbox.Address.Value, StringComparison.OrdinalIgnoreCase) &&
                e.Identifier.Contains('@', StringComparison.Ordinal) && !e.Identifier.StartsWith('-') && !e.Identifier.StartsWith('$'))
            .Select(e => new FolderShare(e.Identifier, FolderShare.RoleOf(e.Rights), e.Rights))
            .ToList();
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> GetContactFoldersAsync(CancellationToken cancellationToken = default) => _contacts.GetFoldersAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task CreateContactFolderAsync(string name, CancellationToken cancellationToken = default)
    {
        // The first contact folder creates « Contacts » too: two at once would both try.
        using var held = await _gates.EnterAsync("contact-folders", cancellationToken).ConfigureAwait(false);
        _knownFolders = null;
        await _contacts.CreateFolderAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredContact>> GetContactsAsync(string folder, CancellationToken cancellationToken = default) =>
        _contacts.GetContactsAsync(folder, cancellationToken);

    /// <inheritdoc/>
    public Task<StoredContact> AddContactAsync(string folder, Contact contact, CancellationToken cancellationToken = default) =>
        _contacts.AddAsync(folder, contact, Mailbox.Address, cancellationToken);

    /// <inheritdoc/>
    public Task DeleteContactAsync(StoredContact contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return _mailbox.ExpungeAsync(contact.Ref, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<MailboxRules> GetRulesAsync(CancellationToken cancellationToken = default) => _mailbox.GetRulesAsync(cancellationToken);

    /// <inheritdoc/>
    public Task SetRulesAsync(MailboxRules rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.AutoReply is { } reply)
        {
            if (HeaderValuePolicy.Evaluate("Subject", reply.Subject) is [var subjectViolation, ..])
            {
                throw new ArgumentException($"The out-of-office subject is refused: {subjectViolation.Message}", nameof(rules));
            }
            if (string.IsNullOrWhiteSpace(reply.Text) || !TextChecks.IsLines(reply.Text))
            {
                throw new ArgumentException("The out-of-office reply needs a text, without control characters other than line breaks and tabs.", nameof(rules));
            }
            if (reply.FirstDay > reply.LastDay)
            {
                throw new ArgumentException($"The out-of-office reply ends ({reply.LastDay:yyyy-MM-dd}) before it starts ({reply.FirstDay:yyyy-MM-dd}).", nameof(rules));
            }
            if (reply.DaysBetweenReplies is < 1 or > 365)
            {
                throw new ArgumentException("The out-of-office reply is sent again to the same sender after 1 to 365 days.", nameof(rules));
            }
        }
        if (rules.NotificationAddress is { } notify && MssanteAddress.CheckSyntax(notify, out _, out _) is { } addressError)
        {
            throw new ArgumentException($"The notification address is not one e-mail address: {addressError}", nameof(rules));
        }
        if (rules.ForwardTo is { } forward)
        {
            if (_policies.Addresses.Evaluate(forward, "ForwardTo", out var target) is [var forwardViolation, ..])
            {
                throw new ArgumentException($"The forwarding address is refused: {forwardViolation.Message}", nameof(rules));
            }
            if (target!.IsPatient || target == Mailbox.Address)
            {
                throw new ArgumentException("Messages are forwarded to another professional MSSanté mailbox: not to a patient, nor to this mailbox.", nameof(rules));
            }
            rules = rules with { ForwardTo = target.Value };
        }
        return SetRulesHeldAsync(rules, cancellationToken);
    }

    /// <summary>The rules written by one caller at a time: the operator's side reads the active script, then replaces it.</summary>
    private async Task SetRulesHeldAsync(MailboxRules rules, CancellationToken cancellationToken)
    {
        using var held = await _gates.EnterAsync("rules", cancellationToken).ConfigureAwait(false);
        await _mailbox.SetRulesAsync(rules, _policies.PatientRouting.FolderName, cancellationToken).ConfigureAwait(false);
    }

    private static string GateKey(string what, MessageRef message) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}:{message.UidValidity}:{message.Uid}:{message.FolderPath}");

    /// <inheritdoc/>
    public Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default) => _mailbox.GetQuotaAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<int> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var removed = 0;
        var retention = await EffectiveRetentionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var folder in await _mailbox.ListFoldersAsync(cancellationToken).ConfigureAwait(false))
        {
            var isTrash = folder.Role == FolderRole.Trash;
            if (retention.LimitFor(folder.Path, isTrash) is null)
            {
                continue;
            }
            var summaries = await _mailbox.SummariesAsync(folder.Path, cancellationToken).ConfigureAwait(false);
            var expired = summaries.Where(s => retention.Evaluate(folder.Path, isTrash, s.ReceivedAt, now).IsExpired).Select(s => s.Ref).ToList();
            removed += await _mailbox.ExpungeAsync(folder.Path, expired, cancellationToken).ConfigureAwait(false);
        }
        _logger.RetentionApplied(removed, Mailbox.Address.Value);
        return removed;
    }

    /// <summary>Disposes synchronously, for containers and callers that cannot await; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        DisposeAsyncCore().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Called once the client is closed (the session that opened it forgets it).</summary>
    internal Action? Closed
    {
        get => _closed;
        set => _closed = value;
    }

    private Action? _closed;

    /// <summary>
    /// Closes the operator mailbox: calls waiting for a connection stop, running ones get a short grace (2 s on the IMAP
    /// operator) and are then cut off (ObjectDisposedException, or a send reported as uncertain); later calls throw
    /// ObjectDisposedException.
    /// </summary>
    private async ValueTask DisposeAsyncCore()
    {
        try
        {
            await _mailbox.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _closed, null)?.Invoke();
        }
    }

    /// <summary>Nothing goes out in the name of a colleague whose folders only are shared with this account.</summary>
    private void ThrowIfColleagues()
    {
        if (Mailbox.Kind == MailboxKind.Personal && !Mailbox.IsOwn)
        {
            throw new MailboxAccessDeniedException($"The mailbox {Mailbox.Address} is a colleague's, of which only folders are shared: nothing is sent in their name.");
        }
    }

    /// <summary>The display name messages go out under: none for a mailbox whose name is its address, not "addr" &lt;addr&gt;.</summary>
    private string? SenderDisplayName =>
        string.Equals(Mailbox.DisplayName, Mailbox.Address.Value, StringComparison.OrdinalIgnoreCase) ? null : Mailbox.DisplayName;

    /// <summary>The address of a header holding one mailbox (<c>Disposition-Notification-To</c>, <c>Return-Path</c>), or the text as it is.</summary>
    private static string? AddressIn(string? header) =>
        header is not null && InternetAddressList.TryParse(header.Trim(), out var list) && list.Mailboxes.Count() == 1
            ? list.Mailboxes.First().Address
            : header?.Trim();

    /// <summary>Runs every policy on a message; returns all violations.</summary>
    /// <summary>Every policy on a message to send; a draft may have no recipient yet.</summary>
    private List<PolicyViolation> Check(OutgoingMessage message, bool isDraft)
    {
        var violations = new List<PolicyViolation>();
        if (string.IsNullOrWhiteSpace(_productReference))
        {
            violations.Add(ProductReferenceMissing);
        }
        if (!isDraft && !message.AllRecipients.Any())
        {
            violations.Add(new PolicyViolation(PolicyViolationCodes.NoRecipient, "The message has no recipient: add at least one To, Cc or Bcc address."));
        }
        CheckRecipients(message.To, "To", violations);
        CheckRecipients(message.Cc, "Cc", violations);
        CheckRecipients(message.Bcc, "Bcc", violations);
        CheckRecipients(message.ReplyTo, "Reply-To", violations);
        violations.AddRange(HeaderValuePolicy.Evaluate("Subject", message.Subject));
        violations.AddRange(HeaderValuePolicy.Evaluate("In-Reply-To", message.InReplyTo));
        violations.AddRange(HeaderValuePolicy.Evaluate("SignatureName", message.SignatureName));
        for (var i = 0; i < message.References.Count; i++)
        {
            violations.AddRange(HeaderValuePolicy.Evaluate($"References {i + 1}", message.References[i]));
        }
        for (var i = 0; i < message.Attachments.Count; i++)
        {
            violations.AddRange(HeaderValuePolicy.Evaluate($"file name of attachment {i + 1}", message.Attachments[i].FileName));
        }
        if (message.Xdm is { } xdm)
        {
            violations.AddRange(xdm.Problems().Select(p => new PolicyViolation(PolicyViolationCodes.XdmIncomplete, p, "Xdm")));
            if (_policies.RefuseTestPatients && InsOid.IsTest(xdm.Patient?.Oid))
            {
                violations.Add(new PolicyViolation(PolicyViolationCodes.TestPatientInProduction,
                    "The patient's INS is a test or demonstration one (OID 1.2.250.1.213.1.4.10 or .11): production refuses it.", "Xdm"));
            }
        }
        // The XDM archive counts by its documents' size (the zip is at most that, plus a few hundred bytes).
        violations.AddRange(_policies.Attachments.Evaluate(message.Attachments.Select(a => a.Length)
            .Concat(message.Xdm?.Documents.Select(d => (long)(d.Content?.Length ?? 0)) ?? [])));
        return violations;
    }

    private void CheckRecipients(IList<Recipient> recipients, string field, List<PolicyViolation> violations)
    {
        for (var i = 0; i < recipients.Count; i++)
        {
            var target = $"{field} recipient {i + 1}";
            violations.AddRange(_policies.Addresses.Evaluate(recipients[i].Address, target, out _));
            violations.AddRange(HeaderValuePolicy.Evaluate($"display name of {target}", recipients[i].DisplayName));
        }
    }

    /// <summary>Whether the sender's domain is in the trust space: the « message sécurisé MSSanté » mark.</summary>
    private MessageInfo WithMssanteIndicator(MessageInfo summary)
    {
        var isMssante = summary.From?.Address is { } address && _policies.Addresses.TrustedDomains.ContainsDomainOf(address);
        return summary.IsMssante == isMssante ? summary : summary with { IsMssante = isMssante };
    }

    private static void CheckFolderPath(string path, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path, name);
        if (path.AsSpan().IndexOfAny('\r', '\n') >= 0 || path.Any(char.IsControl))
        {
            throw new ArgumentException("A folder name is on one line, without control characters.", name);
        }
    }
}
