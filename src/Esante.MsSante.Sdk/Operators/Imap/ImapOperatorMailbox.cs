using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Esante.MsSante.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.IO;
using MimeKit.Utils;

namespace Esante.MsSante.Operators.Imap;

/// <summary>
/// One mailbox over IMAP and SMTP submission. It keeps one IMAP connection and one SMTP connection, reuses them, and
/// reconnects on its own when they drop: an operation that cannot have taken effect twice is retried once on the new
/// connection; one that could (an append, a move, a send) reports the failure instead of risking a duplicate.
/// </summary>
internal sealed class ImapOperatorMailbox : IOperatorMailbox
{
    private const int FetchBatch = 1000;

    /// <summary>Free space above which a send's Sent copy surely fits (larger than any message servers accept).</summary>
    private const long RoomWithoutMeasuring = 64L * 1024 * 1024;
    private static readonly TimeSpan SmtpIdleCheck = TimeSpan.FromSeconds(20);

    /// <summary>How long <see cref="DisposeAsync"/> lets running commands finish before it closes their connections under them.</summary>
    internal static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private readonly ImapOperatorOptions _options;
    private readonly MailCredential _credential;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly SemaphoreSlim _imapGate = new(1, 1);
    private ImapClient _imap;

    /// <summary>The SMTP connections (<see cref="ImapOperatorOptions.MaxSmtpConnections"/>), each used by one send at a time.</summary>
    private readonly SmtpLane[] _smtpLanes;

    /// <summary>The lanes no send uses, the last one used on top: sends one after the other keep to one connection.</summary>
    private readonly Stack<SmtpLane> _idleSmtpLanes;

    /// <summary>Counts the idle lanes: a send waits here for one.</summary>
    private readonly SemaphoreSlim _smtpSlots;
    private QuotaReport? _quota;

    /// <summary>Guards the update of <see cref="_quota"/>'s usage by concurrent sends, so none is left uncounted.</summary>
    private readonly object _quotaLock = new();
    private string? _sentPath;
    private volatile bool _disposed;

    /// <summary>Copies in Sent waiting for the next APPEND (see <see cref="SaveSentCopyAsync"/>); also the lock of <see cref="_copiesFlushing"/>.</summary>
    private readonly List<PendingCopy> _pendingCopies = [];
    private bool _copiesFlushing;

    /// <summary>Cancelled by <see cref="DisposeAsync"/>: callers waiting for a connection, watches and ManageSieve stop.</summary>
    private readonly CancellationTokenSource _closing = new();

    public ImapOperatorMailbox(ImapOperatorOptions options, MailCredential credential, TimeProvider time, ILogger logger, MailboxDescriptor mailbox, string prefix, ImapClient connection)
    {
        _options = options;
        _credential = credential;
        _time = time;
        _logger = logger;
        Mailbox = mailbox;
        _prefix = prefix;
        _imap = connection;
        Capabilities = CapabilitiesOf(connection.Capabilities, mailbox, credential);
        _smtpLanes = [.. Enumerable.Range(0, Math.Max(1, options.MaxSmtpConnections)).Select(_ => new SmtpLane())];
        _idleSmtpLanes = new Stack<SmtpLane>(Enumerable.Reverse(_smtpLanes));
        _smtpSlots = new SemaphoreSlim(_smtpLanes.Length, _smtpLanes.Length);
    }

    public MailboxDescriptor Mailbox { get; }

    public MailboxCapabilities Capabilities { get; }

    /// <summary>
    /// What the IMAP server announced once signed in (METADATA, ACL, QUOTA). Rules (over ManageSieve) and the quota are the
    /// signed-in account's own: offered for the person's own mailbox, and for an organisational one its delegate signed in
    /// for (authorization identity), not for one only seen through the shared namespace.
    /// </summary>
    private static MailboxCapabilities CapabilitiesOf(ImapCapabilities imap, MailboxDescriptor mailbox, MailCredential credential)
    {
        var itsOwn = mailbox.IsOwn || credential.AuthorizationId is not null;
        return (itsOwn ? MailboxCapabilities.Rules : MailboxCapabilities.None)
            | (imap.HasFlag(ImapCapabilities.Metadata) ? MailboxCapabilities.Settings : MailboxCapabilities.None)
            | (imap.HasFlag(ImapCapabilities.Acl) ? MailboxCapabilities.Sharing : MailboxCapabilities.None)
            | (itsOwn && imap.HasFlag(ImapCapabilities.Quota) ? MailboxCapabilities.Quota : MailboxCapabilities.None);
    }

    public Task<IReadOnlyList<MailboxFolder>> ListFoldersAsync(CancellationToken cancellationToken = default) =>
        ImapAsync(async imap => (IReadOnlyList<MailboxFolder>)(await ListAsync(imap, cancellationToken).ConfigureAwait(false)).Select(f => f.Folder).ToList(), idempotent: true, cancellationToken);

    public Task<MailboxFolder> CreateFolderAsync(string path, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var (parentPath, name) = Split(path);
            var parent = parentPath is null ? Root(imap) : await FolderAsync(imap, parentPath, cancellationToken).ConfigureAwait(false);
            if (await ExistsAsync(imap, path, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"A folder '{path}' already exists.");
            }
            var created = await NamingAsync(() => parent.CreateAsync(name, isMessageFolder: true, cancellationToken), nameof(path)).ConfigureAwait(false);
            if (created is not null)
            {
                await created.SubscribeAsync(cancellationToken).ConfigureAwait(false);
            }
            return new MailboxFolder(path, name, FolderRole.None, 0, 0, parent.DirectorySeparator);
        }, idempotent: false, cancellationToken);

    public Task<MailboxFolder> RenameFolderAsync(string path, string newPath, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var folder = await FolderAsync(imap, path, cancellationToken).ConfigureAwait(false);
            var (parentPath, name) = Split(newPath);
            var parent = parentPath is null ? Root(imap) : await FolderAsync(imap, parentPath, cancellationToken).ConfigureAwait(false);
            await NamingAsync(async () => { await folder.RenameAsync(parent, name, cancellationToken).ConfigureAwait(false); return true; }, nameof(newPath)).ConfigureAwait(false);
            _sentPath = null;
            var renamed = (await ListAsync(imap, cancellationToken).ConfigureAwait(false)).Select(f => f.Folder).FirstOrDefault(f => f.Path == newPath);
            return renamed ?? new MailboxFolder(newPath, name, FolderRole.None, 0, 0, folder.DirectorySeparator);
        }, idempotent: false, cancellationToken);

    public Task DeleteFolderAsync(string path, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var folder = await FolderAsync(imap, path, cancellationToken).ConfigureAwait(false);
            if (folder.IsOpen)
            {
                await folder.CloseAsync(expunge: false, cancellationToken).ConfigureAwait(false);
            }
            await folder.DeleteAsync(cancellationToken).ConfigureAwait(false);
            _sentPath = null;
            return true;
        }, idempotent: false, cancellationToken);

    public async IAsyncEnumerable<MessageInfo> FetchSummariesAsync(string folderPath, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // An ordinary folder comes in one FETCH; a large one in batches of UIDs, so memory stays bounded.
        var (uidValidity, all, uids) = await ImapAsync(async imap =>
        {
            var folder = await OpenAsync(imap, folderPath, cancellationToken, refresh: true).ConfigureAwait(false);
            if (folder.Count <= FetchBatch)
            {
                var summaries = folder.Count == 0 ? [] : await folder.FetchAsync(0, -1, SummaryRequest(), cancellationToken).ConfigureAwait(false);
                return (folder.UidValidity, summaries, (IList<UniqueId>)[]);
            }
            return (folder.UidValidity, (IList<IMessageSummary>)[], await folder.SearchAsync(SearchQuery.All, cancellationToken).ConfigureAwait(false));
        }, idempotent: true, cancellationToken).ConfigureAwait(false);
        // Servers answer in sequence order, which is UID order: sorted only when they did not.
        foreach (var summary in InUidOrder(all))
        {
            yield return ToSummary(folderPath, uidValidity, summary);
        }

        // The lock is held per batch, not across yields, so the caller may use the mailbox while it reads the list.
        for (var start = 0; start < uids.Count; start += FetchBatch)
        {
            var batch = uids.Skip(start).Take(FetchBatch).ToList();
            var summaries = await ImapAsync(async imap =>
            {
                var folder = await OpenAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
                if (folder.UidValidity != uidValidity)
                {
                    return [];
                }
                return await folder.FetchAsync(batch, SummaryRequest(), cancellationToken).ConfigureAwait(false);
            }, idempotent: true, cancellationToken).ConfigureAwait(false);
            foreach (var summary in InUidOrder(summaries))
            {
                yield return ToSummary(folderPath, uidValidity, summary);
            }
        }
    }

    public async IAsyncEnumerable<MessageInfo> WatchAsync(string folderPath, MessageRef? after = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Ends too when the mailbox is closed (disposed), as when the caller cancels.
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        cancellationToken = watching.Token;
        // A connection of its own: IDLE blocks the connection it runs on.
        ImapClient imap;
        try
        {
            imap = await ImapOperator.ConnectImapAsync(_options, _credential, _time, _logger, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            yield break;
        }
        try
        {
            IMailFolder folder;
            try
            {
                folder = await OpenWatchedAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                yield break;
            }
            var uidValidity = folder.UidValidity;
            var last = after is { } a && a.UidValidity == uidValidity ? a.Uid
                : folder.UidNext is { } next ? next.Id - 1
                : await HighestUidAsync(folder, cancellationToken).ConfigureAwait(false);
            var caughtUp = false;
            var fetchedAtCount = folder.Count;
            while (!cancellationToken.IsCancellationRequested)
            {
                IList<IMessageSummary> arrived;
                try
                {
                    if (caughtUp)
                    {
                        _logger.WatchWaiting(LoggedMailbox, last, imap.Capabilities.HasFlag(ImapCapabilities.Idle) ? "IDLE" : "NOOP every 10 s");
                        await WaitForChangeAsync(imap, folder, fetchedAtCount, _options.WatchRefresh, _options.Timeout, cancellationToken).ConfigureAwait(false);
                    }
                    caughtUp = true;
                    // The count before the fetch: a message whose EXISTS comes with the fetch's answer, but too late to be in
                    // it, leaves the count above this, so the next wait returns at once and fetches it.
                    fetchedAtCount = folder.Count;
                    arrived = folder.UidValidity != uidValidity
                        ? []
                        : await folder.FetchAsync(new UniqueIdRange(new UniqueId(uidValidity, last + 1), UniqueId.MaxValue), SummaryRequest(), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                catch (ImapCommandException e)
                {
                    throw Refused(e);
                }
                catch (Exception e) when (IsConnectionFailure(e) && !_closing.IsCancellationRequested)
                {
                    // Reconnect and resynchronise from the last UID seen.
                    SdkTelemetry.Reconnected("imap");
                    _logger.WatchConnectionLost(LoggedMailbox, e.GetType().Name, last);
                    imap.Dispose();
                    try
                    {
                        imap = await ImapOperator.ConnectImapAsync(_options, _credential, _time, _logger, cancellationToken).ConfigureAwait(false);
                        folder = await OpenWatchedAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
                        if (folder.UidValidity != uidValidity)
                        {
                            uidValidity = folder.UidValidity;
                            last = await HighestUidAsync(folder, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException) when (_closing.IsCancellationRequested)
                    {
                        yield break;
                    }
                    continue;
                }
                catch (Exception e) when (IsConnectionFailure(e))
                {
                    // The mailbox closed under the watch: it ends.
                    yield break;
                }
                if (arrived.Count > 0)
                {
                    _logger.WatchDelivered(LoggedMailbox, arrived.Count);
                }
                foreach (var summary in arrived.Where(m => m.UniqueId.Id > last).OrderBy(m => m.UniqueId.Id))
                {
                    last = summary.UniqueId.Id;
                    yield return ToSummary(folderPath, uidValidity, summary);
                }
            }
        }
        finally
        {
            await QuitAsync(imap).ConfigureAwait(false);
        }
    }

    private async Task<IMailFolder> OpenWatchedAsync(ImapClient imap, string folderPath, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
        }
        catch (MailKit.FolderNotFoundException)
        {
            throw new MssanteFolderNotFoundException(folderPath);
        }
        catch (ImapCommandException e)
        {
            throw Refused(e);
        }
    }

    private static async Task<uint> HighestUidAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        var uids = await folder.SearchAsync(SearchQuery.All, cancellationToken).ConfigureAwait(false);
        return uids.Count == 0 ? 0 : uids.Max(u => u.Id);
    }

    /// <summary>
    /// Returns when the folder's count differs from <paramref name="count"/> (at once if it already does), or when IDLE has
    /// run for <paramref name="refresh"/>: by IDLE (ended by DONE, whose answer is awaited within the operator's timeout,
    /// so a connection that died silently fails here), else by NOOP every 10 s.
    /// </summary>
    private static async Task WaitForChangeAsync(ImapClient imap, IMailFolder folder, int count, TimeSpan refresh, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (folder.Count != count)
        {
            return;
        }
        if (!imap.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            while (folder.Count == count)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                await imap.NoOpAsync(cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        using var done = new CancellationTokenSource(refresh);
        void OnCountChanged(object? sender, EventArgs e)
        {
            if (folder.Count != count)
            {
                done.Cancel();
            }
        }
        folder.CountChanged += OnCountChanged;
        // MailKit reads without a timeout while idling, DONE's answer included: once DONE is sent, the answer is due
        // within the timeout, and a connection that gives none (died silently) is given up, so the watch reconnects.
        using var silent = new CancellationTokenSource();
        var silence = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var afterDone = done.Token.Register(() => silent.CancelAfter(timeout));
        using var silenceReported = silent.Token.Register(() => silence.TrySetResult());
        try
        {
            var idling = imap.IdleAsync(done.Token, cancellationToken);
            if (await Task.WhenAny(idling, silence.Task).ConfigureAwait(false) != idling)
            {
                // Its read never ends on its own: the connection is dropped, and what it throws then is of no interest.
                _ = idling.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                imap.Dispose();
                throw new TimeoutException("The IMAP server did not answer DONE in time: the connection is gone.");
            }
            await idling.ConfigureAwait(false);
        }
        finally
        {
            folder.CountChanged -= OnCountChanged;
        }
    }

    public Task<(MessageInfo Summary, MimeMessage Message)> FetchMessageAsync(MessageRef message, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var (folder, summary) = await LocateAsync(imap, message, cancellationToken).ConfigureAwait(false);
            var mime = await folder.GetMessageAsync(summary.UniqueId, cancellationToken).ConfigureAwait(false);
            return (ToSummary(message.FolderPath, message.UidValidity, summary), mime);
        }, idempotent: true, cancellationToken);

    public Task StoreFlagsAsync(MessageRef message, MessageMarks flags, IReadOnlyCollection<string> keywords, bool add, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var (folder, summary) = await LocateAsync(imap, message, cancellationToken).ConfigureAwait(false);
            var request = new StoreFlagsRequest(add ? StoreAction.Add : StoreAction.Remove, ToMailKit(flags)) { Silent = true };
            foreach (var keyword in keywords)
            {
                request.Keywords.Add(keyword);
            }
            await folder.StoreAsync(summary.UniqueId, request, cancellationToken).ConfigureAwait(false);
            return true;
        }, idempotent: true, cancellationToken);

    public Task<MessageRef> MoveAsync(MessageRef message, string targetFolderPath, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var target = await FolderAsync(imap, targetFolderPath, cancellationToken).ConfigureAwait(false);
            var (folder, summary) = await LocateAsync(imap, message, cancellationToken).ConfigureAwait(false);
            var moved = await folder.MoveToAsync(summary.UniqueId, target, cancellationToken).ConfigureAwait(false);
            var status = await StatusAsync(target, cancellationToken).ConfigureAwait(false);
            return new MessageRef(targetFolderPath, moved?.Validity ?? status, moved?.Id ?? 0);
        }, idempotent: false, cancellationToken);

    public Task ExpungeAsync(MessageRef message, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var (folder, summary) = await LocateAsync(imap, message, cancellationToken).ConfigureAwait(false);
            await ExpungeUidsAsync(imap, folder, [summary.UniqueId], cancellationToken).ConfigureAwait(false);
            return true;
        }, idempotent: true, cancellationToken);

    public Task<int> ExpungeAsync(string folderPath, IReadOnlyCollection<MessageRef> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Any(m => m.FolderPath != folderPath))
        {
            throw new ArgumentException("Every message must be in the folder named.", nameof(messages));
        }
        return messages.Count == 0 ? Task.FromResult(0) : ImapAsync(async imap =>
        {
            IMailFolder folder;
            try
            {
                folder = await OpenAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
            }
            catch (MailKit.FolderNotFoundException)
            {
                throw new MssanteFolderNotFoundException(folderPath);
            }
            // References from before the folder was recreated point at nothing.
            var uids = messages.Where(m => m.UidValidity == folder.UidValidity).Select(m => new UniqueId(m.UidValidity, m.Uid)).Distinct().ToList();
            if (uids.Count == 0)
            {
                return 0;
            }
            var present = await folder.SearchAsync(SearchQuery.Uids(uids), cancellationToken).ConfigureAwait(false);
            if (present.Count == 0)
            {
                return 0;
            }
            await ExpungeUidsAsync(imap, folder, present, cancellationToken).ConfigureAwait(false);
            return present.Count;
        }, idempotent: true, cancellationToken);
    }

    /// <summary>Marks messages \Deleted and expunges them: only them with UIDPLUS (UID EXPUNGE), else the folder's.</summary>
    private static async Task ExpungeUidsAsync(ImapClient imap, IMailFolder folder, IList<UniqueId> uids, CancellationToken cancellationToken)
    {
        await folder.AddFlagsAsync(uids, MailKit.MessageFlags.Deleted, silent: true, cancellationToken).ConfigureAwait(false);
        if (imap.Capabilities.HasFlag(ImapCapabilities.UidPlus))
        {
            await folder.ExpungeAsync(uids, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await folder.ExpungeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<MessageRef> AppendAsync(string folderPath, MimeMessage message, MessageMarks flags, DateTimeOffset? arrivedAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ImapAsync(imap => AppendAsync(imap, folderPath, message, flags, cancellationToken, arrivedAt), idempotent: false, cancellationToken);
    }

    public async Task<SubmissionResult> SubmitAsync(MimeMessage message, SubmissionEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_options.SaveSentCopy)
        {
            await EnsureRoomForAsync(message, cancellationToken).ConfigureAwait(false);
        }
        using (var submit = SdkTelemetry.Start(SdkTelemetry.SmtpSubmit, System.Diagnostics.ActivityKind.Client))
        {
            submit?.Tag(SdkTelemetry.ProtocolName, "smtp").Tag(SdkTelemetry.ServerAddress, _options.SubmissionHost).Tag(SdkTelemetry.ServerPort, _options.SmtpPort);
            try
            {
                await SendAsync(message, envelope, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (SdkTelemetry.Failed(submit, e))
            {
                throw;
            }
        }
        // Handed over and accepted: from here on the caller's token no longer counts, so a cancel cannot turn a sent
        // message into a failure that the caller would retry; the copy in Sent is bounded by its own timeout instead.
        MessageRef? copy = null;
        string? copyError = null;
        if (_options.SaveSentCopy)
        {
            using var saving = SdkTelemetry.Start(SdkTelemetry.SentCopy, System.Diagnostics.ActivityKind.Client);
            saving?.Tag(SdkTelemetry.ProtocolName, "imap").Tag(SdkTelemetry.ServerAddress, _options.ImapHost).Tag(SdkTelemetry.ServerPort, _options.ImapPort);
            try
            {
                copy = await SaveSentCopyAsync(message).ConfigureAwait(false);
            }
            catch (MssanteException e)
            {
                saving?.Fail(e);
                copyError = e.Message;
            }
            catch (OperationCanceledException e)
            {
                saving?.Fail(e);
                copyError = $"the IMAP server did not store it within {SentCopyTimeout.TotalSeconds:0} s";
            }
            catch (ObjectDisposedException e)
            {
                saving?.Fail(e);
                // Closed during the copy: the letter went all the same, and that is what the caller must hear.
                copyError = "the mailbox was closed before the copy was saved";
            }
        }
        return new SubmissionResult(message.MessageId ?? string.Empty, envelope.Recipients.Select(r => r.Value).ToList(), copy, copyError);
    }

    /// <summary>How long the copy in Sent may take, reconnecting once included: a few of the operator's timeouts.</summary>
    private TimeSpan SentCopyTimeout => _options.Timeout * 3;

    /// <summary>
    /// Saves the copy in Sent. Copies of sends that finish while an APPEND runs wait for it and then go together in one
    /// command (MULTIAPPEND, RFC 3502, where the server offers it): parallel sends do not queue one round trip each on the
    /// one IMAP connection. A send alone appends its copy at once, as before.
    /// </summary>
    private Task<MessageRef> SaveSentCopyAsync(MimeMessage message)
    {
        var pending = new PendingCopy(message, new TaskCompletionSource<MessageRef>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool startFlush;
        lock (_pendingCopies)
        {
            _pendingCopies.Add(pending);
            startFlush = !_copiesFlushing;
            _copiesFlushing = true;
        }
        if (startFlush)
        {
            _ = FlushSentCopiesAsync();
        }
        return pending.Saved.Task;
    }

    /// <summary>Appends the waiting copies, group after group, until none waits; each group within <see cref="SentCopyTimeout"/>.</summary>
    private async Task FlushSentCopiesAsync()
    {
        while (true)
        {
            PendingCopy[] group;
            lock (_pendingCopies)
            {
                if (_pendingCopies.Count == 0)
                {
                    _copiesFlushing = false;
                    return;
                }
                group = [.. _pendingCopies];
                _pendingCopies.Clear();
            }
            using var bound = new CancellationTokenSource(SentCopyTimeout);
            if (group.Length > 1 && await TryAppendTogetherAsync(group, bound.Token).ConfigureAwait(false))
            {
                continue;
            }
            foreach (var copy in group)
            {
                try
                {
                    copy.Saved.TrySetResult(await AppendSentCopyAsync(copy.Message, lookFirst: group.Length > 1, bound.Token).ConfigureAwait(false));
                }
                catch (Exception e)
                {
                    copy.Saved.TrySetException(e);
                }
            }
        }
    }

    /// <summary>One APPEND of several copies; false when it failed (nothing or everything was stored: the copies then go one by one, each looked for first).</summary>
    private async Task<bool> TryAppendTogetherAsync(PendingCopy[] group, CancellationToken cancellationToken)
    {
        try
        {
            var sent = await SentPathAsync(cancellationToken).ConfigureAwait(false);
            var copies = await ImapAsync(async imap =>
            {
                var folder = await FolderAsync(imap, sent, cancellationToken).ConfigureAwait(false);
                var uids = await folder.AppendAsync([.. group.Select(c => (IAppendRequest)new AppendRequest(c.Message, ToMailKit(MessageMarks.Seen)))], cancellationToken).ConfigureAwait(false);
                var validity = uids.Count == group.Length ? 0 : await StatusAsync(folder, cancellationToken).ConfigureAwait(false);
                return group.Select((_, i) => uids.Count == group.Length ? new MessageRef(sent, uids[i].Validity, uids[i].Id) : new MessageRef(sent, validity, 0)).ToArray();
            }, idempotent: false, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < group.Length; i++)
            {
                _logger.SentCopySaved(group[i].Message.MessageId ?? string.Empty, LoggedMailbox);
                group[i].Saved.TrySetResult(copies[i]);
            }
            return true;
        }
        catch (Exception)
        {
            // Whatever went wrong, each copy then gets its own attempt and its own outcome.
            return false;
        }
    }

    /// <summary>
    /// Appends one copy in Sent. An APPEND whose connection dropped may have been stored all the same, so before appending
    /// again it looks for the message's Message-ID in Sent: one copy, never two. With <paramref name="lookFirst"/> (after a
    /// group APPEND that failed) it looks before the first APPEND too.
    /// </summary>
    private async Task<MessageRef> AppendSentCopyAsync(MimeMessage message, bool lookFirst, CancellationToken cancellationToken)
    {
        var sent = await SentPathAsync(cancellationToken).ConfigureAwait(false);
        var messageId = message.MessageId is { Length: > 0 } id ? id : null;
        Task<MessageRef> AppendUnlessThereAsync(bool look) => ImapAsync(async imap =>
            (look && messageId is not null ? await FindByMessageIdAsync(imap, sent, messageId, cancellationToken).ConfigureAwait(false) : null)
            ?? await AppendAsync(imap, sent, message, MessageMarks.Seen, cancellationToken).ConfigureAwait(false),
            idempotent: false, cancellationToken);
        MessageRef copy;
        try
        {
            copy = await AppendUnlessThereAsync(lookFirst).ConfigureAwait(false);
        }
        catch (MssanteConnectionException) when (messageId is not null)
        {
            _logger.SentCopyRetried(messageId);
            copy = await AppendUnlessThereAsync(look: true).ConfigureAwait(false);
        }
        _logger.SentCopySaved(message.MessageId ?? string.Empty, LoggedMailbox);
        return copy;
    }

    /// <summary>A copy waiting for the next APPEND to Sent, and where its outcome goes.</summary>
    private sealed record PendingCopy(MimeMessage Message, TaskCompletionSource<MessageRef> Saved);

    /// <summary>The message of a folder with this Message-ID, if there is one (SEARCH HEADER Message-ID).</summary>
    private async Task<MessageRef?> FindByMessageIdAsync(ImapClient imap, string folderPath, string messageId, CancellationToken cancellationToken)
    {
        var folder = await OpenAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
        var found = await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : new MessageRef(folderPath, folder.UidValidity, found[0].Id);
    }

    /// <summary>The Sent folder's path, looked up once (SPECIAL-USE, else its usual names).</summary>
    private async Task<string> SentPathAsync(CancellationToken cancellationToken) =>
        _sentPath ??= await ImapAsync(async imap =>
        {
            var sent = (await ListAsync(imap, cancellationToken).ConfigureAwait(false)).FirstOrDefault(f => f.Folder.Role == FolderRole.Sent);
            if (sent.Folder is null)
            {
                throw new MssanteFolderNotFoundException("Sent");
            }
            _logger.SentFolderResolved(LoggedMailbox, sent.Imap.Attributes.HasFlag(FolderAttributes.Sent) ? "by its \\Sent special use" : "by its name");
            return sent.Folder.Path;
        }, idempotent: true, cancellationToken).ConfigureAwait(false);

    /// <summary>This mailbox's address as the logs show it (a patient's redacted).</summary>
    private string LoggedMailbox => Redaction.Address(Mailbox.Address.Value);

    public Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            if (!imap.Capabilities.HasFlag(ImapCapabilities.Quota))
            {
                throw new NotSupportedException("The IMAP server does not support QUOTA (RFC 9208): it cannot report the storage used.");
            }
            var inbox = await FolderAsync(imap, "INBOX", cancellationToken).ConfigureAwait(false);
            FolderQuota quota;
            try
            {
                quota = await inbox.GetQuotaAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No)
            {
                // Dovecot, for one, shows a mailbox's quota only to its owner, not to the delegates of an organisational mailbox.
                throw new NotSupportedException($"The operator does not report this mailbox's quota to this account: {Redaction.ServerText(e.ResponseText)}");
            }
            var report = new QuotaReport((long)(quota.CurrentStorageSize ?? 0) * 1024, quota.StorageLimit is { } limit ? (long)limit * 1024 : null);
            _quota = report;
            return report;
        }, idempotent: true, cancellationToken);

    public Task<IReadOnlyList<FolderAclEntry>> GetAccessAsync(string folderPath, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var folder = await AclFolderAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
            var acl = await AdministerAsync(() => folder.GetAccessControlListAsync(cancellationToken)).ConfigureAwait(false);
            return (IReadOnlyList<FolderAclEntry>)acl.Select(a => new FolderAclEntry(a.Name, a.Rights.ToString())).ToList();
        }, idempotent: true, cancellationToken);

    public Task SetAccessAsync(string folderPath, string identifier, string? rights, CancellationToken cancellationToken = default) =>
        ImapAsync(async imap =>
        {
            var folder = await AclFolderAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
            return await AdministerAsync(async () =>
            {
                if (rights is null)
                {
                    await folder.RemoveAccessAsync(identifier, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await folder.SetAccessRightsAsync(identifier, new AccessRights(rights), cancellationToken).ConfigureAwait(false);
                }
                return true;
            }).ConfigureAwait(false);
        }, idempotent: true, cancellationToken);

    private async Task<IMailFolder> AclFolderAsync(ImapClient imap, string folderPath, CancellationToken cancellationToken) =>
        imap.Capabilities.HasFlag(ImapCapabilities.Acl)
            ? await FolderAsync(imap, folderPath, cancellationToken).ConfigureAwait(false)
            : throw new NotSupportedException("The IMAP server does not support ACL (RFC 4314): it cannot share folders.");

    /// <summary>Runs CREATE or RENAME: a NO that is not about rights or quota means the server refuses the name (too long, « ~ », « .. »).</summary>
    private static async Task<T> NamingAsync<T>(Func<Task<T>> command, string parameterName)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No && e.ResponseText.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("A folder with that name already exists.");
        }
        catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No && !IsOverQuota(e) && !IsPermissionDenied(e))
        {
            throw new ArgumentException($"The operator refused the folder name: {Redaction.ServerText(e.ResponseText)}", parameterName);
        }
    }

    /// <summary>Runs an ACL command: on a folder that exists, NO means the account lacks the administer right.</summary>
    private static async Task<T> AdministerAsync<T>(Func<Task<T>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No)
        {
            throw new MailboxAccessDeniedException($"The operator refused: this account may not see or change who shares the folder ({Redaction.ServerText(e.ResponseText)}).");
        }
    }

    public Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default)
    {
        var tag = SettingTag(name);
        return ImapAsync(async imap =>
        {
            var inbox = await MetadataFolderAsync(imap, cancellationToken).ConfigureAwait(false);
            string? value;
            try
            {
                value = await inbox.GetMetadataAsync(tag, cancellationToken).ConfigureAwait(false);
            }
            catch (ImapProtocolException e) when (!imap.IsConnected && e.Message.Contains("METADATA", StringComparison.Ordinal) && e.Message.Contains("NIL", StringComparison.Ordinal))
            {
                // An entry never set comes back as NIL (RFC 5464 §4.2), which MailKit 4.18 cannot parse: it drops the
                // connection, which the next call opens again. (Asking the parent with DEPTH 1 would avoid the NIL, but
                // MailKit writes the options after the mailbox name, which Dovecot refuses.) Settings, once written, are
                // removed by writing "" rather than NIL, so this happens at most once per setting.
                return null;
            }
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }
            if (!value.StartsWith(PartsMarker, StringComparison.Ordinal))
            {
                return value;
            }
            // Written in parts (SetSettingAsync), read one by one (MailKit's GETMETADATA of several entries, which puts the
            // entries in a list, is refused by Dovecot).
            if (!int.TryParse(value.AsSpan(PartsMarker.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count is < 1 or > MaxSettingParts)
            {
                throw new InvalidDataException($"The setting '{name}' is stored in parts, but their count cannot be read.");
            }
            var text = new StringBuilder();
            for (var i = 1; i <= count; i++)
            {
                text.Append(await inbox.GetMetadataAsync(SettingTag($"{name}-part-{i}"), cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"The setting '{name}' is stored in parts, and one of them is missing."));
            }
            return text.ToString();
        }, idempotent: true, cancellationToken);
    }

    public Task SetSettingAsync(string name, string? value, CancellationToken cancellationToken = default)
    {
        var tag = SettingTag(name);
        // MailKit reads no string longer than 4,096 bytes in a server's answer (it drops the connection instead), so a
        // longer value (a few signatures, many tags) is written in parts, all in one SETMETADATA, the entry itself then
        // naming how many; a shorter one is written whole, as before.
        var parts = SplitSetting(value ?? string.Empty);
        if (parts.Count > MaxSettingParts)
        {
            throw new NotSupportedException($"The setting '{name}' is too large to keep ({MaxSettingParts * SettingPartBytes / 1024} KB at most).");
        }
        // A value that itself begins as the marker is written in parts too, so that it is never misread.
        var entries = parts.Count == 1 && !parts[0].StartsWith(PartsMarker, StringComparison.Ordinal)
            ? [new Metadata(tag, parts[0])]
            : parts.Select((part, i) => new Metadata(SettingTag($"{name}-part-{i + 1}"), part))
                .Prepend(new Metadata(tag, PartsMarker + parts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();
        return ImapAsync(async imap =>
        {
            var inbox = await MetadataFolderAsync(imap, cancellationToken).ConfigureAwait(false);
            try
            {
                // Removed as "", not NIL: an entry that exists never answers NIL, which MailKit cannot read (GetSettingAsync).
                await inbox.SetMetadataAsync(new MetadataCollection(entries), cancellationToken).ConfigureAwait(false);
            }
            catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No)
            {
                throw new NotSupportedException($"The operator refused to keep the setting '{name}': {Redaction.ServerText(e.ResponseText)}");
            }
            return true;
        }, idempotent: true, cancellationToken);
    }

    /// <summary>What the entry of a setting written in parts holds, followed by their count.</summary>
    private const string PartsMarker = "esante-parts:";
    private const int SettingPartBytes = 3 * 1024;
    private const int MaxSettingParts = 256;

    /// <summary>A setting's value cut into pieces of at most <see cref="SettingPartBytes"/> UTF-8 bytes, never inside a character.</summary>
    internal static List<string> SplitSetting(string value)
    {
        var parts = new List<string>();
        var start = 0;
        var bytes = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var width = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(value.AsSpan(i, width));
            if (bytes + size > SettingPartBytes)
            {
                parts.Add(value[start..i]);
                (start, bytes) = (i, 0);
            }
            bytes += size;
            i += width - 1;
        }
        parts.Add(value[start..]);
        return parts;
    }

    /// <summary>Settings live on the mailbox's INBOX (for an organisational mailbox, its INBOX in the shared namespace).</summary>
    private async Task<IMailFolder> MetadataFolderAsync(ImapClient imap, CancellationToken cancellationToken)
    {
        if (!imap.Capabilities.HasFlag(ImapCapabilities.Metadata))
        {
            throw new NotSupportedException("The IMAP server does not support METADATA (RFC 5464): it cannot keep the mailbox's settings.");
        }
        if (Mailbox is { Kind: MailboxKind.Personal, IsOwn: false })
        {
            // A colleague's settings (signatures, tags) are theirs: only folders are shared with this account.
            throw new MailboxAccessDeniedException("A colleague's mailbox settings are not shared with this account.");
        }
        return await FolderAsync(imap, "INBOX", cancellationToken).ConfigureAwait(false);
    }

    private static MetadataTag SettingTag(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? new MetadataTag("/shared/vendor/esante-mssante/" + name)
            : throw new ArgumentException("A setting's name is lower-case letters, digits and '-'.", nameof(name));

    public async Task<MailboxRules> GetRulesAsync(CancellationToken cancellationToken = default)
    {
        // Stopped when the mailbox is closed, as the IMAP commands are.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        cancellationToken = running.Token;
        await using var sieve = await OpenSieveAsync(cancellationToken).ConfigureAwait(false);
        // Rules apply only while our script is the active one (the person may have activated another in their webmail).
        if (!(await sieve.ListScriptsAsync(cancellationToken).ConfigureAwait(false)).Contains((SieveRulesScript.Name, true)))
        {
            return MailboxRules.None;
        }
        var script = await sieve.GetScriptAsync(SieveRulesScript.Name, cancellationToken).ConfigureAwait(false);
        return (script is null ? null : SieveRulesScript.Read(script)?.Rules) ?? MailboxRules.None;
    }

    public async Task SetRulesAsync(MailboxRules rules, string patientFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        cancellationToken = running.Token;
        await using var sieve = await OpenSieveAsync(cancellationToken).ConfigureAwait(false);
        var missing = SieveRulesScript.ExtensionsFor(rules).Where(e => !sieve.SieveExtensions.Contains(e)).ToList();
        if (rules.NotificationAddress is not null && !(sieve.Capabilities.GetValueOrDefault("NOTIFY") ?? string.Empty).Split(' ').Contains("mailto", StringComparer.OrdinalIgnoreCase))
        {
            missing.Add("enotify mailto");
        }
        if (missing.Count > 0)
        {
            throw new NotSupportedException($"The operator's Sieve lacks {string.Join(", ", missing)}: it cannot apply these rules.");
        }
        // Only one script runs: keep the person's own (made in the operator's webmail, say) by including it after ours.
        var scripts = await sieve.ListScriptsAsync(cancellationToken).ConfigureAwait(false);
        var active = scripts.FirstOrDefault(s => s.Active).Name;
        var included = active != SieveRulesScript.Name ? active
            : await sieve.GetScriptAsync(SieveRulesScript.Name, cancellationToken).ConfigureAwait(false) is { } ours ? SieveRulesScript.Read(ours)?.Included : null;
        if (included is not null && !scripts.Any(s => s.Name == included))
        {
            included = null;
        }
        var script = SieveRulesScript.Compose(rules, Mailbox.Address.Value, patientFolder, included, sieve.SieveExtensions.Contains("include"));
        await sieve.PutScriptAsync(SieveRulesScript.Name, script, cancellationToken).ConfigureAwait(false);
        if (active != SieveRulesScript.Name)
        {
            await sieve.SetActiveAsync(SieveRulesScript.Name, cancellationToken).ConfigureAwait(false);
        }
        _logger.RulesInstalled(LoggedMailbox, Encoding.UTF8.GetByteCount(script));
    }

    /// <summary>
    /// A ManageSieve connection for this mailbox's own rules: as the person for their own mailbox, as the mailbox for a
    /// delegate signed in for it (authorization identity); an organisational mailbox used only through the shared namespace
    /// has its rules out of reach.
    /// </summary>
    private async Task<ManageSieveClient> OpenSieveAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Mailbox.IsOwn && _credential.AuthorizationId is null)
        {
            throw new NotSupportedException("This operator lets a mailbox's own account alone set its rules: a delegate it does not sign in for the mailbox, or a colleague, cannot.");
        }
        try
        {
            return await ManageSieveClient.ConnectAsync(_options, _credential, _time, _logger, cancellationToken).ConfigureAwait(false);
        }
        catch (MssanteAuthenticationException) when (_credential.AuthorizationId is not null)
        {
            // The same credential opened the mailbox over IMAP: the operator refuses this delegate its rules (a viewer).
            throw new MailboxAccessDeniedException("The operator refused this delegate the mailbox's rules: they may only read it.");
        }
    }

    /// <summary>
    /// Closes the mailbox without waiting on its callers for long, and never throws: callers waiting for a connection stop
    /// at once (ObjectDisposedException), running commands get <see cref="CloseGrace"/> to finish, then their connections
    /// are closed under them (a send cut so is reported as uncertain, as any send whose answer never came). Later calls
    /// throw ObjectDisposedException.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _closing.CancelAsync().ConfigureAwait(false);
        using var grace = new CancellationTokenSource(CloseGrace);
        var imapHeld = await EnterQuietlyAsync(_imapGate, grace.Token).ConfigureAwait(false);
        var idleLanes = new List<SmtpLane>();
        while (idleLanes.Count < _smtpLanes.Length && await EnterQuietlyAsync(_smtpSlots, grace.Token).ConfigureAwait(false))
        {
            idleLanes.Add(PopIdleLane());
        }
        // Held: nothing runs on the connection, so it is closed politely (LOGOUT, QUIT). Not held: a command still runs on
        // it; closing it makes that command fail at once rather than when the server answers.
        await CloseAsync(_imap, imapHeld).ConfigureAwait(false);
        foreach (var lane in _smtpLanes)
        {
            if (lane.Client is { } smtp)
            {
                await CloseAsync(smtp, idleLanes.Contains(lane)).ConfigureAwait(false);
            }
        }
        // Released, not disposed: a caller still queued finds the mailbox closed rather than waiting for ever.
        if (imapHeld)
        {
            _imapGate.Release();
        }
        idleLanes.ForEach(ReturnLane);
    }

    private static async Task<bool> EnterQuietlyAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task CloseAsync(MailService client, bool idle)
    {
        if (idle)
        {
            await QuitAsync(client).ConfigureAwait(false);
        }
        else
        {
            client.Dispose();
        }
    }

    // ---- IMAP plumbing ----

    private async Task<T> ImapAsync<T>(Func<ImapClient, Task<T>> operation, bool idempotent, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        try
        {
            await _imapGate.WaitAsync(running.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposed && !cancellationToken.IsCancellationRequested)
        {
            throw Closed();
        }
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await EnsureImapAsync(running.Token).ConfigureAwait(false);
            try
            {
                return await operation(_imap).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e) && idempotent && !_disposed)
            {
                _logger.ImapConnectionLost(LoggedMailbox, e.GetType().Name);
                await ReconnectImapAsync(running.Token).ConfigureAwait(false);
                _logger.ImapReconnected(LoggedMailbox);
                return await operation(_imap).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (_disposed && (IsConnectionFailure(e) || e is OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // Closed under the command by DisposeAsync.
            throw Closed();
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            _logger.ImapConnectionLost(LoggedMailbox, e.GetType().Name);
            _imap.Dispose();
            throw new MssanteConnectionException("The connection to the IMAP server dropped during the operation; it may not have been done. It reconnects at the next call.", e);
        }
        catch (ImapCommandException e) when (LogRefused(e))
        {
            throw;
        }
        catch (ImapCommandException e) when (IsOverQuota(e))
        {
            throw SdkTelemetry.ServerRefused("imap", new QuotaExceededException("The mailbox is full: delete messages and empty the Trash to free space.", _quota));
        }
        catch (ImapCommandException e) when (IsPermissionDenied(e))
        {
            // [NOPERM] (RFC 5530): a folder shared with fewer rights than the operation needs.
            throw SdkTelemetry.ServerRefused("imap", new MailboxAccessDeniedException($"The operator refused: this account's rights on the folder do not allow it ({Redaction.ServerText(e.ResponseText)})."));
        }
        catch (MailKit.FolderNotFoundException e)
        {
            throw new MssanteFolderNotFoundException(Relative(e.FolderName));
        }
        catch (ImapCommandException e)
        {
            throw Refused(e);
        }
        finally
        {
            _imapGate.Release();
        }
    }

    /// <summary>Logs a command the server refused; false, so the exception goes on to its handler.</summary>
    private bool LogRefused(ImapCommandException e)
    {
        _logger.ImapCommandRefused(LoggedMailbox, e.Response.ToString(), Redaction.ServerText(e.ResponseText));
        return false;
    }

    private async Task EnsureImapAsync(CancellationToken cancellationToken)
    {
        if (!_imap.IsConnected || !_imap.IsAuthenticated)
        {
            await ReconnectImapAsync(cancellationToken).ConfigureAwait(false);
            _logger.ImapReconnected(LoggedMailbox);
        }
    }

    private async Task ReconnectImapAsync(CancellationToken cancellationToken)
    {
        SdkTelemetry.Reconnected("imap");
        _imap.Dispose();
        _imap = await ImapOperator.ConnectImapAsync(_options, _credential, _time, _logger, cancellationToken).ConfigureAwait(false);
        if (_disposed)
        {
            // Closed while connecting: DisposeAsync closed the connection before this one.
            _imap.Dispose();
            throw Closed();
        }
    }

    private ObjectDisposedException Closed() => new(GetType().Name, "The mailbox was closed (disposed) during the operation.");

    private IMailFolder Root(ImapClient imap) =>
        _prefix.Length == 0 ? imap.GetFolder(imap.PersonalNamespaces[0]) : imap.GetFolder(_prefix.TrimEnd(Separator(imap)));

    private async Task<IMailFolder> FolderAsync(ImapClient imap, string path, CancellationToken cancellationToken)
    {
        if (!path.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return await imap.GetFolderAsync(_prefix + path, cancellationToken).ConfigureAwait(false);
        }
        // Another user's INBOX is the root of their tree in the shared namespace (shared/owner).
        return _prefix.Length == 0 ? imap.Inbox : await imap.GetFolderAsync(_prefix[..^1], cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ExistsAsync(ImapClient imap, string path, CancellationToken cancellationToken)
    {
        try
        {
            await FolderAsync(imap, path, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MailKit.FolderNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Selects a folder, unless it is already. <paramref name="refresh"/>: then ask the server for what arrived since (NOOP), or its count would stay as it was.</summary>
    private async Task<IMailFolder> OpenAsync(ImapClient imap, string path, CancellationToken cancellationToken, bool refresh = false)
    {
        var folder = await FolderAsync(imap, path, cancellationToken).ConfigureAwait(false);
        if (folder.IsOpen && folder.Access == FolderAccess.ReadWrite)
        {
            if (refresh)
            {
                await imap.NoOpAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            try
            {
                await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
            }
            catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No)
            {
                // Deleted since MailKit cached it, or never there ([NONEXISTENT]).
                throw new MailKit.FolderNotFoundException(folder.FullName);
            }
        }
        return folder;
    }

    private async Task<(IMailFolder Folder, IMessageSummary Summary)> LocateAsync(ImapClient imap, MessageRef message, CancellationToken cancellationToken)
    {
        IMailFolder folder;
        try
        {
            folder = await OpenAsync(imap, message.FolderPath, cancellationToken).ConfigureAwait(false);
        }
        catch (MailKit.FolderNotFoundException)
        {
            throw new MssanteMessageNotFoundException(message);
        }
        if (folder.UidValidity != message.UidValidity)
        {
            throw new MssanteMessageNotFoundException(message);
        }
        if (await FetchOneAsync(folder, message, cancellationToken).ConfigureAwait(false) is { } summary)
        {
            return (folder, summary);
        }
        // Not in this connection's view: it may have arrived since the server last told this connection of new messages
        // (the application learnt of it on another connection, a watch). A NOOP lets the server announce it; then ask again.
        await imap.NoOpAsync(cancellationToken).ConfigureAwait(false);
        return await FetchOneAsync(folder, message, cancellationToken).ConfigureAwait(false) is { } arrived
            ? (folder, arrived)
            : throw new MssanteMessageNotFoundException(message);
    }

    private static async Task<IMessageSummary?> FetchOneAsync(IMailFolder folder, MessageRef message, CancellationToken cancellationToken)
    {
        var found = await folder.FetchAsync([new UniqueId(message.UidValidity, message.Uid)], SummaryRequest(), cancellationToken).ConfigureAwait(false);
        // Only the one asked for: a change another session made meanwhile (flags, new messages) comes as an unsolicited
        // FETCH during the command, which MailKit adds to the answer, without a UID unless the server gives one.
        return found.FirstOrDefault(s => s.UniqueId.IsValid && s.UniqueId.Id == message.Uid);
    }

    private async Task<List<(MailboxFolder Folder, IMailFolder Imap)>> ListAsync(ImapClient imap, CancellationToken cancellationToken)
    {
        var shared = ImapOperator.OtherUsersNamespace(imap)?.Path;
        var folderNamespace = _prefix.Length == 0 ? imap.PersonalNamespaces[0] : ImapOperator.OtherUsersNamespace(imap)!;
        var all = await imap.GetFoldersAsync(folderNamespace, StatusItems.Count | StatusItems.Unread | StatusItems.UidValidity, subscribedOnly: false, cancellationToken).ConfigureAwait(false);
        var result = new List<(MailboxFolder, IMailFolder)>();
        foreach (var folder in all)
        {
            // Dovecot lists another user's INBOX as the root of their tree (shared/owner), and opens it as shared/owner/INBOX too.
            if (_prefix.Length > 0 && folder.FullName == _prefix[..^1])
            {
                // Not selectable when only some folders are shared: a colleague's INBOX stays theirs.
                if (folder.Attributes.HasFlag(FolderAttributes.NoSelect) || folder.Attributes.HasFlag(FolderAttributes.NonExistent))
                {
                    continue;
                }
                result.Add((new MailboxFolder("INBOX", "INBOX", FolderRole.Inbox, folder.Count, folder.Unread, folder.DirectorySeparator), folder));
                continue;
            }
            if (!folder.FullName.StartsWith(_prefix, StringComparison.Ordinal) || folder.FullName.Length == _prefix.Length ||
                folder.Attributes.HasFlag(FolderAttributes.NoSelect) || folder.Attributes.HasFlag(FolderAttributes.NonExistent) ||
                (_prefix.Length == 0 && shared is { Length: > 0 } && (folder.FullName == shared.TrimEnd(folder.DirectorySeparator) || folder.FullName.StartsWith(shared, StringComparison.Ordinal))))
            {
                continue;
            }
            var path = folder.FullName[_prefix.Length..];
            result.Add((new MailboxFolder(path, folder.Name, RoleOf(folder, path), folder.Count, folder.Unread, folder.DirectorySeparator), folder));
        }
        return result;
    }

    private async Task<MessageRef> AppendAsync(ImapClient imap, string folderPath, MimeMessage message, MessageMarks flags, CancellationToken cancellationToken, DateTimeOffset? arrivedAt = null)
    {
        var folder = await FolderAsync(imap, folderPath, cancellationToken).ConfigureAwait(false);
        var uid = await folder.AppendAsync(new AppendRequest(message, ToMailKit(flags)) { InternalDate = arrivedAt }, cancellationToken).ConfigureAwait(false);
        return new MessageRef(folderPath, uid?.Validity ?? await StatusAsync(folder, cancellationToken).ConfigureAwait(false), uid?.Id ?? 0);
    }

    private static async Task<uint> StatusAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        if (!folder.IsOpen)
        {
            await folder.StatusAsync(StatusItems.UidValidity, cancellationToken).ConfigureAwait(false);
        }
        return folder.UidValidity;
    }

    /// <summary>
    /// Refuses a send whose Sent copy would not fit. The quota is asked once, then kept up to date with what this mailbox
    /// appends; the server is asked again, and the message measured, only when the usage comes close to the limit.
    /// </summary>
    private async Task EnsureRoomForAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var quota = _quota;
        if (quota is null)
        {
            try
            {
                quota = await GetQuotaAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NotSupportedException)
            {
                return;
            }
        }
        if (quota.LimitBytes is not { } limit)
        {
            return;
        }
        if (limit - quota.UsedBytes > RoomWithoutMeasuring)
        {
            AddToQuota(quota, EstimateSize(message));
            return;
        }
        // Close to the limit: ask the server and measure exactly.
        quota = await GetQuotaAsync(cancellationToken).ConfigureAwait(false);
        var size = Measure(message);
        if (quota.UsedBytes + size > limit)
        {
            throw new QuotaExceededException("The mailbox is full: the copy in Sent would not fit, so nothing was sent. Delete messages and empty the Trash.", quota);
        }
        AddToQuota(quota, size);
    }

    /// <summary>Counts a send's copy in the usage last known (another send's may have been counted since <paramref name="read"/>).</summary>
    private void AddToQuota(QuotaReport read, long bytes)
    {
        lock (_quotaLock)
        {
            var current = _quota ?? read;
            _quota = current with { UsedBytes = current.UsedBytes + bytes };
        }
    }

    /// <summary>An upper bound of a message's size from its parts' lengths, without writing it (base64 grows content by 4/3).</summary>
    private static long EstimateSize(MimeMessage message)
    {
        long size = 8 * 1024;
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            size += part.Content?.Stream is { CanSeek: true } stream ? stream.Length * 4 / 3 + 1024 : 64 * 1024;
        }
        return size;
    }

    // ---- SMTP plumbing ----

    /// <summary>
    /// Sends over SMTP. The message is handed over once its last byte is written (the final dot follows): before that, a
    /// cancel or a drop means nothing was sent; after it, the caller's token no longer cancels, and the server's reply is
    /// awaited within the operator's timeout: a reply is the outcome, no reply is <see cref="DeliveryUncertainException"/>.
    /// </summary>
    private async Task SendAsync(MimeMessage message, SubmissionEnvelope envelope, CancellationToken cancellationToken)
    {
        await _smtpSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var lane = PopIdleLane();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var kept = lane.Client;
                var smtp = await EnsureSmtpAsync(lane, cancellationToken).ConfigureAwait(false);
                smtp.BeginSend(envelope.Recipients.Count, envelope.DeliveryStatus);
                _logger.SmtpSubmitting(LoggedMailbox, envelope.Recipients.Count);
                using var handOver = new SmtpHandOver(_options.Timeout, cancellationToken);
                try
                {
                    await smtp.SendAsync(FormatOptions.Default, message, new MailboxAddress(string.Empty, envelope.NullReversePath ? string.Empty : envelope.From.Value),
                        envelope.Recipients.Select(r => new MailboxAddress(string.Empty, r.Value)), handOver.Token, handOver).ConfigureAwait(false);
                    lane.LastUsed = _time.GetUtcNow();
                    _logger.SmtpAccepted(LoggedMailbox);
                    return;
                }
                catch (SmtpCommandException) when (smtp.Rejected.Count > 0)
                {
                    _logger.SmtpRecipientsRefused(smtp.Rejected.Count, envelope.Recipients.Count, LoggedMailbox);
                    throw SdkTelemetry.ServerRefused("smtp", new RecipientsRejectedException([.. smtp.Rejected]));
                }
                catch (SmtpCommandException e) when (LogRefused(e))
                {
                    throw;
                }
                catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.SenderNotAccepted)
                {
                    throw SdkTelemetry.ServerRefused("smtp", new MailboxAccessDeniedException($"The server refused to send under {envelope.From}: {(int)e.StatusCode} {Redaction.ServerText(e.Message)}"));
                }
                catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
                {
                    throw SdkTelemetry.ServerRefused("smtp", new RecipientsRejectedException([new RejectedRecipient(e.Mailbox?.Address ?? "?", $"{(int)e.StatusCode} {e.Message}")]));
                }
                catch (SmtpCommandException e)
                {
                    throw SdkTelemetry.ServerRefused("smtp", new MssanteException($"The server refused the message: {(int)e.StatusCode} {Redaction.ServerText(e.Message)}"));
                }
                catch (Exception e) when (IsConnectionFailure(e) || e is OperationCanceledException)
                {
                    // The session is in an unknown state (mid-DATA, say): never reused, so the server drops what it got without the final dot.
                    lane.Drop();
                    if (handOver.HandedOver)
                    {
                        throw new DeliveryUncertainException(message.MessageId ?? string.Empty,
                            e is OperationCanceledException or TimeoutException
                                ? "the server did not answer in time after the message was handed over"
                                : "the connection dropped after the message was handed over", e);
                    }
                    if (e is OperationCanceledException)
                    {
                        throw new OperationCanceledException("The send was cancelled before the message was handed over: nothing was sent.", e, cancellationToken);
                    }
                    if (attempt == 1 && ReferenceEquals(kept, smtp))
                    {
                        // A kept connection the server or the network closed while it sat idle: nothing was handed over, so
                        // the send is tried once more on a fresh one.
                        SdkTelemetry.Reconnected("smtp");
                        continue;
                    }
                    throw new MssanteConnectionException("The connection to the SMTP server dropped before the message was handed over: nothing was sent, and sending it again is safe.", e);
                }
            }
        }
        finally
        {
            ReturnLane(lane);
        }
    }

    /// <summary>Logs a message the SMTP server refused; false, so the exception goes on to its handler.</summary>
    private bool LogRefused(SmtpCommandException e)
    {
        _logger.SmtpRefused(LoggedMailbox, (int)e.StatusCode, Redaction.ServerText(e.Message));
        return false;
    }

    private SmtpLane PopIdleLane()
    {
        lock (_idleSmtpLanes)
        {
            return _idleSmtpLanes.Pop();
        }
    }

    private void ReturnLane(SmtpLane lane)
    {
        lock (_idleSmtpLanes)
        {
            _idleSmtpLanes.Push(lane);
        }
        _smtpSlots.Release();
    }

    /// <summary>One SMTP connection of the mailbox's pool, opened on first use; one send at a time holds it.</summary>
    private sealed class SmtpLane
    {
        public MssanteSmtpClient? Client { get; set; }

        public DateTimeOffset LastUsed { get; set; }

        /// <summary>Closes the connection without QUIT: its session is in an unknown state (mid-DATA, say), so it is never reused.</summary>
        public void Drop()
        {
            Client?.Dispose();
            Client = null;
        }
    }

    /// <summary>
    /// Where a send is handed over: MailKit's transfer progress reaching the message's size, with DATA (the SMTP client
    /// turns BDAT off), means the last byte is written and only the final dot follows. Until then the caller's token
    /// cancels the send; from then on only the reply timeout does.
    /// </summary>
    private sealed class SmtpHandOver : ITransferProgress, IDisposable
    {
        private const int Sending = 0, HandedOverState = 1, Cancelled = 2;
        private readonly CancellationTokenSource _cts = new();
        private readonly TimeSpan _replyTimeout;
        private readonly CancellationTokenRegistration _caller;
        private int _state;

        public SmtpHandOver(TimeSpan replyTimeout, CancellationToken caller)
        {
            _replyTimeout = replyTimeout;
            _caller = caller.Register(static s => ((SmtpHandOver)s!).CallerCancelled(), this);
        }

        public CancellationToken Token => _cts.Token;

        public bool HandedOver => Volatile.Read(ref _state) == HandedOverState;

        private void CallerCancelled()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Sending) == Sending)
            {
                _cts.Cancel();
            }
        }

        public void Report(long bytesTransferred, long totalSize)
        {
            if (bytesTransferred >= totalSize && Interlocked.CompareExchange(ref _state, HandedOverState, Sending) == Sending)
            {
                _cts.CancelAfter(_replyTimeout);
            }
        }

        public void Report(long bytesTransferred)
        {
            // MailKit gives the size with DATA; without it there is no hand-over point, and the caller's token keeps counting.
        }

        public void Dispose()
        {
            _caller.Dispose();
            _cts.Dispose();
        }
    }

    /// <summary>A lane's SMTP connection, opened on first use and checked with NOOP after a pause, so a stale connection is replaced before a send, never during one.</summary>
    private async Task<MssanteSmtpClient> EnsureSmtpAsync(SmtpLane lane, CancellationToken cancellationToken)
    {
        // A send queued behind one DisposeAsync cut off finds the mailbox closed: it does not open a new connection.
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (lane.Client is { IsConnected: true } kept && (kept.IsAuthenticated || _credential.Certificate is not null))
        {
            if (_time.GetUtcNow() - lane.LastUsed < SmtpIdleCheck)
            {
                return kept;
            }
            try
            {
                await kept.NoOpAsync(cancellationToken).ConfigureAwait(false);
                lane.LastUsed = _time.GetUtcNow();
                return kept;
            }
            catch (Exception e) when (IsConnectionFailure(e) || e is SmtpCommandException)
            {
                // Stale: replaced below.
            }
        }
        if (lane.Client is not null)
        {
            // A connection kept from an earlier send dropped or went stale: this is a new one.
            SdkTelemetry.Reconnected("smtp");
        }
        lane.Drop();
        var smtp = new MssanteSmtpClient(ProtocolLogs.Create(_options, MailProtocol.Smtp, _time, _logger));
        try
        {
            MailConnections.Configure(smtp, _options, _credential);
            await MailConnections.OpenAsync(smtp, _options.SubmissionHost, _options.SmtpPort, _options.SmtpSecurity, "SMTP", _credential, _time, _logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            smtp.Dispose();
            throw;
        }
        lane.Client = smtp;
        lane.LastUsed = _time.GetUtcNow();
        return smtp;
    }

    // ---- mapping ----

    private string Relative(string fullName) =>
        _prefix.Length > 0 && fullName == _prefix[..^1] ? "INBOX"
        : fullName.StartsWith(_prefix, StringComparison.Ordinal) ? fullName[_prefix.Length..] : fullName;

    private char Separator(ImapClient imap) =>
        (_prefix.Length == 0 ? imap.PersonalNamespaces[0] : ImapOperator.OtherUsersNamespace(imap)!).DirectorySeparator;

    private static (string? Parent, string Name) Split(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? (null, path) : (path[..slash], path[(slash + 1)..]);
    }

    private static FolderRole RoleOf(IMailFolder folder, string path)
    {
        var a = folder.Attributes;
        if (path.Equals("INBOX", StringComparison.OrdinalIgnoreCase) || a.HasFlag(FolderAttributes.Inbox))
        {
            return FolderRole.Inbox;
        }
        if (a.HasFlag(FolderAttributes.Sent))
        {
            return FolderRole.Sent;
        }
        if (a.HasFlag(FolderAttributes.Trash))
        {
            return FolderRole.Trash;
        }
        if (a.HasFlag(FolderAttributes.Drafts))
        {
            return FolderRole.Drafts;
        }
        if (a.HasFlag(FolderAttributes.Junk))
        {
            return FolderRole.Junk;
        }
        if (a.HasFlag(FolderAttributes.Archive))
        {
            return FolderRole.Archive;
        }
        // Shared namespaces rarely carry SPECIAL-USE: fall back on the usual names.
        return path switch
        {
            "Sent" or "Sent Messages" or "Envoyés" => FolderRole.Sent,
            "Trash" or "Deleted Messages" or "Corbeille" => FolderRole.Trash,
            "Drafts" or "Brouillons" => FolderRole.Drafts,
            "Junk" or "Spam" => FolderRole.Junk,
            PatientRoutingPolicy.DefaultFolderName => FolderRole.PatientExchanges,
            _ => FolderRole.None,
        };
    }

    private static IEnumerable<IMessageSummary> InUidOrder(IList<IMessageSummary> summaries)
    {
        if (summaries.Any(s => !s.UniqueId.IsValid))
        {
            // Unsolicited FETCH responses (another session's flag change) without a UID: not lines of the list.
            summaries = [.. summaries.Where(s => s.UniqueId.IsValid)];
        }
        for (var i = 1; i < summaries.Count; i++)
        {
            if (summaries[i].UniqueId.Id < summaries[i - 1].UniqueId.Id)
            {
                return summaries.OrderBy(s => s.UniqueId.Id);
            }
        }
        return summaries;
    }

    /// <summary>
    /// What a line of the message list needs: UID, flags, size, arrival time and the From, Subject and Date headers. Those
    /// three header fields rather than the ENVELOPE, which carries every address (To, Cc, Reply-To…) for MailKit to parse:
    /// listing 1,000 messages took ≈ 30 % less time so (benchmarks/RESULTS.md).
    /// </summary>
    private static FetchRequest SummaryRequest() =>
        new(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Size | MessageSummaryItems.InternalDate)
        {
            Headers = new HeaderSet([HeaderId.From, HeaderId.Subject, HeaderId.Date]),
        };

    private static MessageInfo ToSummary(string folderPath, uint uidValidity, IMessageSummary s)
    {
        var headers = s.Headers;
        var from = headers?.IndexOf(HeaderId.From) is >= 0 and var f && InternetAddressList.TryParse(ParserOptions.Default, headers[f].RawValue, out var addresses)
            ? FirstMailbox(addresses)
            : null;
        var date = headers?.IndexOf(HeaderId.Date) is >= 0 and var d && DateUtils.TryParse(headers[d].RawValue, 0, headers[d].RawValue.Length, out var parsed)
            ? parsed
            : (DateTimeOffset?)null;
        var received = s.InternalDate ?? date ?? DateTimeOffset.MinValue;
        return new MessageInfo
        {
            Ref = new MessageRef(folderPath, uidValidity, s.UniqueId.Id),
            From = from is null ? null : new MessageParty(string.IsNullOrEmpty(from.Name) ? null : from.Name, from.Address),
            Subject = headers?[HeaderId.Subject],
            Date = date ?? received,
            ReceivedAt = received,
            Marks = FromMailKit(s.Flags ?? MailKit.MessageFlags.None),
            Keywords = s.Keywords is { Count: > 0 } keywords ? [.. keywords] : [],
            Size = s.Size ?? 0,
        };
    }

    /// <summary>The first mailbox of an address list, groups searched in order (<c>Mailboxes.FirstOrDefault()</c> without its iterator, for each line of a listing).</summary>
    private static MailboxAddress? FirstMailbox(InternetAddressList addresses)
    {
        for (var i = 0; i < addresses.Count; i++)
        {
            var mailbox = addresses[i] switch
            {
                MailboxAddress m => m,
                GroupAddress g => FirstMailbox(g.Members),
                _ => null,
            };
            if (mailbox is not null)
            {
                return mailbox;
            }
        }
        return null;
    }

    private static MailKit.MessageFlags ToMailKit(MessageMarks flags)
    {
        var result = MailKit.MessageFlags.None;
        if (flags.HasFlag(MessageMarks.Seen)) result |= MailKit.MessageFlags.Seen;
        if (flags.HasFlag(MessageMarks.Answered)) result |= MailKit.MessageFlags.Answered;
        if (flags.HasFlag(MessageMarks.Flagged)) result |= MailKit.MessageFlags.Flagged;
        if (flags.HasFlag(MessageMarks.Deleted)) result |= MailKit.MessageFlags.Deleted;
        if (flags.HasFlag(MessageMarks.Draft)) result |= MailKit.MessageFlags.Draft;
        return result;
    }

    private static MessageMarks FromMailKit(MailKit.MessageFlags flags)
    {
        var result = MessageMarks.None;
        if (flags.HasFlag(MailKit.MessageFlags.Seen)) result |= MessageMarks.Seen;
        if (flags.HasFlag(MailKit.MessageFlags.Answered)) result |= MessageMarks.Answered;
        if (flags.HasFlag(MailKit.MessageFlags.Flagged)) result |= MessageMarks.Flagged;
        if (flags.HasFlag(MailKit.MessageFlags.Deleted)) result |= MessageMarks.Deleted;
        if (flags.HasFlag(MailKit.MessageFlags.Draft)) result |= MessageMarks.Draft;
        return result;
    }

    private static long Measure(MimeMessage message)
    {
        using var measure = new MeasuringStream();
        message.WriteTo(FormatOptions.Default, measure);
        return measure.Length;
    }

    internal static bool IsConnectionFailure(Exception e) =>
        e is IOException or SocketException or TimeoutException or ServiceNotConnectedException or ProtocolException or ObjectDisposedException;

    /// <summary>RFC 9208's OVERQUOTA response code, or the wording servers use without it.</summary>
    private static bool IsOverQuota(ImapCommandException e) =>
        e.Response == ImapCommandResponse.No &&
        (e.Message.Contains("OVERQUOTA", StringComparison.OrdinalIgnoreCase) || e.ResponseText.Contains("quota exceeded", StringComparison.OrdinalIgnoreCase) ||
         e.ResponseText.Contains("over quota", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Any other NO or BAD as the SDK's own exception: the server's words redacted, and the raw exception, whose message
    /// repeats them, not kept inside.
    /// </summary>
    private static MssanteException Refused(ImapCommandException e) =>
        SdkTelemetry.ServerRefused("imap", new MssanteException($"The IMAP server refused the operation ({e.Response}): {Redaction.ServerText(e.ResponseText)}"));

    /// <summary>[NOPERM] (RFC 5530), in the wording servers use.</summary>
    private static bool IsPermissionDenied(ImapCommandException e) =>
        e.Response == ImapCommandResponse.No && e.ResponseText.Contains("Permission denied", StringComparison.OrdinalIgnoreCase);

    private static async Task QuitAsync(MailService client)
    {
        try
        {
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsConnectionFailure(e) || e is OperationCanceledException or InvalidOperationException)
        {
            // Closing anyway (InvalidOperationException: MailKit's « currently busy », a command still running on it).
        }
        finally
        {
            client.Dispose();
        }
    }
}
