using System.Runtime.CompilerServices;
using Esante.MsSante.Messages;
using Esante.MsSante.Operators;
using MimeKit;

namespace Esante.MsSante.Testing;

/// <summary>A mailbox opened at the fake operator. Each call re-checks the sign-in and the delegation, as a server does.</summary>
internal sealed class FakeOperatorMailbox(FakeMssanteOperator server, OperatorGrant grant, FakeMailboxStore store) : IOperatorMailbox
{
    private bool _disposed;

    public MailboxDescriptor Mailbox => store.Descriptor;

    public Task<IReadOnlyList<MailFolder>> ListFoldersAsync(CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<MailFolder>>(s => s.Folders.Select(FakeMailboxStore.Describe).ToList());

    public Task<MailFolder> CreateFolderAsync(string path, CancellationToken cancellationToken = default) =>
        Run(s => FakeMailboxStore.Describe(s.Add(path)));

    public Task<MailFolder> RenameFolderAsync(string path, string newPath, CancellationToken cancellationToken = default) =>
        Run(s => FakeMailboxStore.Describe(s.Rename(path, newPath)));

    public Task DeleteFolderAsync(string path, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            s.Remove(path);
            return true;
        });

    public async IAsyncEnumerable<MessageSummary> FetchSummariesAsync(string folderPath, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var summaries = await Run(s =>
        {
            var folder = s.Folder(folderPath);
            return folder.Messages.Select(m => FakeMailboxStore.Summarize(folder, m)).ToList();
        }).ConfigureAwait(false);
        foreach (var summary in summaries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return summary;
        }
    }

    public async IAsyncEnumerable<MessageSummary> WatchAsync(string folderPath, MessageRef? after = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (uidValidity, last) = await Run(s =>
        {
            var folder = s.Folder(folderPath);
            return (folder.UidValidity, after is { } a && a.UidValidity == folder.UidValidity ? a.Uid : folder.NextUid - 1);
        }).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = server.ChangedAsync(cancellationToken);
            var arrived = await Run(s =>
            {
                var folder = s.Folder(folderPath);
                return folder.UidValidity != uidValidity
                    ? []
                    : folder.Messages.Where(m => m.Uid > last).Select(m => FakeMailboxStore.Summarize(folder, m)).ToList();
            }).ConfigureAwait(false);
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

    public Task<(MessageSummary Summary, MimeMessage Message)> FetchMessageAsync(MessageRef message, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            var (folder, stored) = s.Locate(message);
            return (FakeMailboxStore.Summarize(folder, stored), StoredMessage.Parse(stored.Raw));
        });

    public Task StoreFlagsAsync(MessageRef message, MessageFlags flags, IReadOnlyCollection<string> keywords, bool add, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            var (_, stored) = s.Locate(message);
            stored.Flags = add ? stored.Flags | flags : stored.Flags & ~flags;
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
            var target = s.Folder(targetFolderPath);
            var (folder, stored) = s.Locate(message);
            var moved = stored.CopyAs(target.NextUid++);
            folder.Messages.Remove(stored);
            target.Messages.Add(moved);
            return new MessageRef(target.Path, target.UidValidity, moved.Uid);
        });

    public Task ExpungeAsync(MessageRef message, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
            var (folder, stored) = s.Locate(message);
            return folder.Messages.Remove(stored);
        });

    public Task<MessageRef> AppendAsync(string folderPath, MimeMessage message, MessageFlags flags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var raw = StoredMessage.Serialize(message);
        return Run(s =>
        {
            var folder = s.Folder(folderPath);
            var stored = s.Append(folder, raw, flags, server.Now);
            server.Record(s, folder, stored);
            return new MessageRef(folder.Path, folder.UidValidity, stored.Uid);
        });
    }

    public Task<SubmissionResult> SubmitAsync(MimeMessage message, SubmissionEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        return Run(s => server.Submit(s, message, envelope));
    }

    public Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default) =>
        Run(s => new QuotaReport(s.UsedBytes, s.QuotaBytes));

    public Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default) =>
        Run(s => s.Settings.GetValueOrDefault(name));

    public Task SetSettingAsync(string name, string? value, CancellationToken cancellationToken = default) =>
        Run(s =>
        {
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

    // As on a real operator (ManageSieve signs in as the person), the rules are the mailbox owner's own.
    private static FakeMailboxStore OwnRules(FakeMailboxStore store) => store.Descriptor.Kind == MailboxKind.Personal
        ? store
        : throw new NotSupportedException("An organisational mailbox's rules are set by its own account at the operator, not by a delegate.");

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private async Task<T> Run<T>(Func<FakeMailboxStore, T> operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var faults = server.Faults;
        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency).ConfigureAwait(false);
        }
        if (faults.TakeDrop())
        {
            throw new MssanteConnectionException("The connection to the operator dropped (fault injected by the fake operator).");
        }
        lock (server.Gate)
        {
            return operation(server.AuthorizeMailbox(grant, store.Descriptor.Address));
        }
    }
}
