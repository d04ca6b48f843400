using System.Runtime.CompilerServices;
using Esante.MsSante.Operators;
using MimeKit;

namespace Esante.MsSante.Testing;

/// <summary>A mailbox opened at the fake operator. Each call re-checks the sign-in and the delegation, as a server does.</summary>
internal sealed class FakeOperatorMailbox(FakeMssanteOperator server, OperatorGrant grant, FakeMailboxStore store, MailboxDescriptor descriptor) : IOperatorMailbox
{
    private volatile bool _disposed;

    // Cancelled at dispose: watches end, as on the real operator.
    private readonly CancellationTokenSource _closing = new();

    // The signed-in account's access, as of the running call (set under the operator's lock).
    private FakeAccess _access = FakeAccess.Owner;

    public MailboxDescriptor Mailbox => descriptor;

    // As the IMAP operator: what the operator offers, the rules and quota for the person's own mailbox and the organisational
    // ones they are a delegate of (who signs in for it), not for a colleague's.
    public MailboxCapabilities Capabilities => server.Options.Capabilities
        & (IsColleaguesMailbox ? ~(MailboxCapabilities.Rules | MailboxCapabilities.Quota) : MailboxCapabilities.All);

    // An operator configured without a capability refuses its calls as a server lacking the extension does.
    private void Require(MailboxCapabilities capability)
    {
        if (!server.Options.Capabilities.HasFlag(capability))
        {
            throw new NotSupportedException($"The operator does not offer this mailbox's {capability} (FakeOperatorOptions.Capabilities).");
        }
    }

    public Task<IReadOnlyList<MailboxFolder>> ListFoldersAsync(CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<MailboxFolder>>(s => s.Folders.Where(f => _access.RightsOn(f).Contains('l', StringComparison.Ordinal)).Select(FakeMailboxStore.Describe).ToList());

    public Task<MailboxFolder> CreateFolderAsync(string path, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            var slash = path.LastIndexOf('/');
            // As Dovecot's ACL: a mailbox's top level is its owner's; others create folders inside ones they hold « k » on.
            if (_access.IsColleague || _access.IsDelegate)
            {
                _ = slash < 0 ? throw FakeAccess.Denied() : _access.Need(s.Folder(path[..slash]), "k");
            }
            return FakeMailboxStore.Describe(s.Add(path));
        });

    public Task<MailboxFolder> RenameFolderAsync(string path, string newPath, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            _access.Need(s.Folder(path), "x");
            return FakeMailboxStore.Describe(s.Rename(path, newPath));
        });

    public Task DeleteFolderAsync(string path, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            _access.Need(s.Folder(path), "x");
            s.Remove(path);
            return true;
        });

    public async IAsyncEnumerable<MessageInfo> FetchSummariesAsync(string folderPath, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var summaries = await Run(s =>
        {
            var folder = _access.Need(s.Folder(folderPath), "r");
            return folder.Messages.Select(m => FakeMailboxStore.Summarize(folder, m)).ToList();
        }).ConfigureAwait(false);
        foreach (var summary in summaries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return summary;
        }
    }

    public async IAsyncEnumerable<MessageInfo> WatchAsync(string folderPath, MessageRef? after = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        cancellationToken = watching.Token;
        var (uidValidity, last) = await Run(s =>
        {
            var folder = _access.Need(s.Folder(folderPath), "r");
            return (folder.UidValidity, after is { } a && a.UidValidity == folder.UidValidity ? a.Uid : folder.NextUid - 1);
        }).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = server.ChangedAsync(cancellationToken);
            List<MessageInfo> arrived;
            try
            {
                arrived = await Run(s =>
                {
                    var folder = s.Folder(folderPath);
                    return folder.UidValidity != uidValidity
                        ? []
                        : folder.Messages.Where(m => m.Uid > last).Select(m => FakeMailboxStore.Summarize(folder, m)).ToList();
                }).ConfigureAwait(false);
            }
            catch (ObjectDisposedException) when (_closing.IsCancellationRequested)
            {
                // Closed while it looked: the watch ends, as when cancelled.
                yield break;
            }
            foreach (var summary in arrived)
            {
                last = Math.Max(last, summary.Ref.Uid);
                yield return summary;
            }
            try
            {
                await changed.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    public Task<(MessageInfo Summary, MimeMessage Message)> FetchMessageAsync(MessageRef message, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            var (folder, stored) = s.Locate(message);
            _access.Need(folder, "r");
            return (FakeMailboxStore.Summarize(folder, stored), StoredMessage.Parse(stored.Raw));
        });

    public Task StoreFlagsAsync(MessageRef message, MessageMarks flags, IReadOnlyCollection<string> keywords, bool add, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            var (folder, stored) = s.Locate(message);
            _access.Need(folder, "r");
            // RFC 4314: \Seen needs 's', \Deleted 't', other flags and keywords 'w'; what the account may not set is
            // left as it is without failing the command, as Dovecot does.
            var rights = _access.RightsOn(folder);
            var settable = (rights.Contains('s', StringComparison.Ordinal) ? MessageMarks.Seen : MessageMarks.None)
                | (rights.Contains('t', StringComparison.Ordinal) ? MessageMarks.Deleted : MessageMarks.None)
                | (rights.Contains('w', StringComparison.Ordinal) ? ~(MessageMarks.Seen | MessageMarks.Deleted) : MessageMarks.None);
            flags &= settable;
            stored.Flags = add ? stored.Flags | flags : stored.Flags & ~flags;
            if (!rights.Contains('w', StringComparison.Ordinal))
            {
                return true;
            }
            if (add)
            {
                stored.Keywords.UnionWith(keywords);
            }
            else
            {
                stored.Keywords.ExceptWith(keywords);
            }
            return true;
        });

    public Task<MessageRef> MoveAsync(MessageRef message, string targetFolderPath, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            var target = _access.Need(s.Folder(targetFolderPath), "i");
            var (folder, stored) = s.Locate(message);
            _access.Need(folder, "rte");
            var moved = stored.CopyAs(target.NextUid++);
            folder.Messages.Remove(stored);
            target.Messages.Add(moved);
            return new MessageRef(target.Path, target.UidValidity, moved.Uid);
        });

    public Task ExpungeAsync(MessageRef message, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            var (folder, stored) = s.Locate(message);
            _access.Need(folder, "te");
            return folder.Messages.Remove(stored);
        });

    public Task<int> ExpungeAsync(string folderPath, IReadOnlyCollection<MessageRef> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Any(m => m.FolderPath != folderPath))
        {
            throw new ArgumentException("Every message must be in the folder named.", nameof(messages));
        }
        return Run(s =>
        {
            var folder = _access.Need(s.Folder(folderPath), "te");
            var wanted = messages.Where(m => m.UidValidity == folder.UidValidity).Select(m => m.Uid).ToHashSet();
            return folder.Messages.RemoveAll(m => wanted.Contains(m.Uid));
        });
    }

    public Task<MessageRef> AppendAsync(string folderPath, MimeMessage message, MessageMarks flags, DateTimeOffset? arrivedAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var raw = StoredMessage.Serialize(message);
        return Run(s =>
        {
            var folder = _access.Need(s.Folder(folderPath), "i");
            var stored = s.Append(folder, raw, flags, arrivedAt ?? server.Now);
            server.Record(s, folder, stored);
            return new MessageRef(folder.Path, folder.UidValidity, stored.Uid);
        });
    }

    public Task<SubmissionResult> SubmitAsync(MimeMessage message, SubmissionEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        return server.Faults.TakeSubmissionFault() switch
        {
            FakeSubmissionFault.DropBeforeHandOver => Task.FromException<SubmissionResult>(new MssanteConnectionException(
                "The connection to the SMTP server dropped before the message was handed over: nothing was sent, and sending it again is safe (fault injected by the fake operator).")),
            FakeSubmissionFault.CancelBeforeHandOver => Task.FromException<SubmissionResult>(new OperationCanceledException(
                "The send was cancelled before the message was handed over: nothing was sent (fault injected by the fake operator).")),
            FakeSubmissionFault.LostAfterHandOver => Task.FromException<SubmissionResult>(Uncertain(message, "the server did not answer in time after the message was handed over")),
            FakeSubmissionFault.DropAfterHandOver => SubmitThenAsync(message, envelope, saveSentCopy: false, Uncertain(message, "the connection dropped after the message was handed over")),
            FakeSubmissionFault.SentCopyFails => SubmitThenAsync(message, envelope, saveSentCopy: false, failure: null),
            _ => SubmitThenAsync(message, envelope, saveSentCopy: true, failure: null),
        };
    }

    /// <summary>Delivers as the real operator would, then reports <paramref name="failure"/> if there is one instead of the result.</summary>
    private async Task<SubmissionResult> SubmitThenAsync(MimeMessage message, SubmissionEnvelope envelope, bool saveSentCopy, Exception? failure)
    {
        var result = await Run(s => IsColleaguesMailbox ? throw FakeAccess.Denied() : server.Submit(s, message, envelope, saveSentCopy)).ConfigureAwait(false);
        return failure is null ? result : throw failure;
    }

    private static DeliveryUncertainException Uncertain(MimeMessage message, string reason) =>
        new(message.MessageId ?? string.Empty, $"{reason} (fault injected by the fake operator)");

    public Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default)
    {
        Require(MailboxCapabilities.Quota);
        return Run(s => _access.IsColleague
            ? throw new NotSupportedException("The operator reports a mailbox's quota to its owner and delegates only.")
            : new QuotaReport(s.UsedBytes, s.QuotaBytes));
    }

    public Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            Require(MailboxCapabilities.Settings);
            ThrowIfColleague();
            return s.Settings.GetValueOrDefault(name);
        });

    public Task SetSettingAsync(string name, string? value, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            Require(MailboxCapabilities.Settings);
            ThrowIfColleague();
            if (value is null)
            {
                s.Settings.Remove(name);
            }
            else
            {
                s.Settings[name] = value;
            }
            return true;
        });

    public Task<MailboxRules> GetRulesAsync(CancellationToken cancellationToken = default) =>
        Run(s => OwnRules(s).Rules);

    public Task SetRulesAsync(MailboxRules rules, string patientFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return Run(s =>
        {
            OwnRules(s).Rules = rules;
            s.AutoReplies.Clear();
            return true;
        });
    }

    public Task<IReadOnlyList<FolderAclEntry>> GetAccessAsync(string folderPath, CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<FolderAclEntry>>(s =>
        {
            Require(MailboxCapabilities.Sharing);
            var folder = _access.Need(s.Folder(folderPath), "a");
            // An organisational mailbox's delegates hold their rights on every folder (add-org.sh sets them in each folder's ACL).
            return [new FolderAclEntry(s.Descriptor.Address.Value, FakeAccess.OwnerRights), .. server.DelegationsOf(s.Descriptor.Address), .. folder.Acl.Select(e => new FolderAclEntry(e.Key, e.Value))];
        });

    public Task SetAccessAsync(string folderPath, string identifier, string? rights, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            Require(MailboxCapabilities.Sharing);
            var folder = _access.Need(s.Folder(folderPath), "a");
            if (rights is null)
            {
                folder.Acl.Remove(identifier);
            }
            else
            {
                folder.Acl[identifier] = rights;
            }
            return true;
        });

    // As on a real operator, the rules are the mailbox's own: set by its owner, or by a delegate of an organisational mailbox
    // who may write in it (and signs in to ManageSieve for it); a colleague with shared folders has no way to them.
    private FakeMailboxStore OwnRules(FakeMailboxStore store) =>
        IsColleaguesMailbox ? throw new NotSupportedException("This operator lets a mailbox's own account alone set its rules: a colleague cannot.")
        // As the test stack's ManageSieve: a delegate without the write right (a viewer) does not sign in for the mailbox's rules.
        : _access.Delegation is { } rights && !rights.Contains('w', StringComparison.Ordinal) ? throw new MailboxAccessDeniedException("The operator refused this delegate the mailbox's rules: they may only read it.")
        : Capabilities.HasFlag(MailboxCapabilities.Rules) ? store : throw new NotSupportedException("The operator does not offer rules (FakeOperatorOptions.Capabilities).");

    // As the real operator decides from the mailbox it opened: a colleague's personal mailbox, of which only folders are
    // shared, is not theirs to send from nor to read the settings of; one whose INBOX is shared is a delegation.
    private bool IsColleaguesMailbox => descriptor is { Kind: MailboxKind.Personal, IsOwn: false };

    private void ThrowIfColleague()
    {
        if (IsColleaguesMailbox)
        {
            throw new MailboxAccessDeniedException("A colleague's mailbox settings are not shared with this account.");
        }
    }


    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _closing.CancelAsync().ConfigureAwait(false);
    }

    private async Task<T> Run<T>(Func<FakeMailboxStore, T> operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var faults = server.Faults;
        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency).ConfigureAwait(false);
            // Closed meanwhile: as a connection closed under a command.
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
        if (faults.TakeDrop())
        {
            throw new MssanteConnectionException("The connection to the operator dropped (fault injected by the fake operator).");
        }
        lock (server.Gate)
        {
            var authorized = server.AuthorizeMailbox(grant, store.Descriptor.Address, out _access);
            return operation(authorized);
        }
    }
}
