using Esante.MsSante.Operators;
using MimeKit;

namespace Esante.MsSante.Tests.Mailbox;

/// <summary>A delete finds the Trash from the folders already listed, and lists again when that Trash has moved.</summary>
public sealed class FolderLookupTests
{
    [Fact]
    public async Task Deleting_lists_the_folders_once_then_follows_a_Trash_that_moved()
    {
        var counting = new CountingMailbox(await new FakeMailbox(3).OpenAsync());
        var client = new MailboxClient(counting, MssantePolicies.Default, "DEV935997");
        var messages = await client.GetMessagesAsync().ToListAsync();

        Assert.Equal("Trash", (await client.DeleteAsync(messages[0].Ref))?.FolderPath);
        Assert.Equal("Trash", (await client.DeleteAsync(messages[1].Ref))?.FolderPath);
        Assert.Equal(1, counting.Lists);

        // Another client renamed the Trash: the folder remembered is gone, so the delete lists again and follows it.
        counting.PretendTrashIsAt = "Corbeille-ancienne";
        counting.Lists = 0;
        await client.GetFoldersAsync();
        counting.PretendTrashIsAt = null;
        Assert.Equal("Trash", (await client.DeleteAsync(messages[2].Ref))?.FolderPath);
        Assert.Equal(2, counting.Lists);
        Assert.Equal(3, (await client.GetFolderAsync(FolderRole.Trash)).MessageCount);
    }

    /// <summary>Counts LIST calls and can report the Trash under another (stale) path.</summary>
    private sealed class CountingMailbox(IOperatorMailbox inner) : IOperatorMailbox
    {
        public int Lists { get; set; }

        public string? PretendTrashIsAt { get; set; }

        public MailboxDescriptor Mailbox => inner.Mailbox;

        public MailboxCapabilities Capabilities => inner.Capabilities;

        public async Task<IReadOnlyList<MailboxFolder>> ListFoldersAsync(CancellationToken cancellationToken = default)
        {
            Lists++;
            var folders = await inner.ListFoldersAsync(cancellationToken);
            return PretendTrashIsAt is { } path
                ? folders.Select(f => f.Role == FolderRole.Trash ? f with { Path = path, Name = path } : f).ToList()
                : folders;
        }

        public Task<MailboxFolder> CreateFolderAsync(string path, CancellationToken cancellationToken = default) => inner.CreateFolderAsync(path, cancellationToken);

        public Task<MailboxFolder> RenameFolderAsync(string path, string newPath, CancellationToken cancellationToken = default) =>
            inner.RenameFolderAsync(path, newPath, cancellationToken);

        public Task DeleteFolderAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteFolderAsync(path, cancellationToken);

        public IAsyncEnumerable<MessageInfo> FetchSummariesAsync(string folderPath, CancellationToken cancellationToken = default) =>
            inner.FetchSummariesAsync(folderPath, cancellationToken);

        public IAsyncEnumerable<MessageInfo> WatchAsync(string folderPath, MessageRef? after = null, CancellationToken cancellationToken = default) =>
            inner.WatchAsync(folderPath, after, cancellationToken);

        public Task<(MessageInfo Summary, MimeMessage Message)> FetchMessageAsync(MessageRef message, CancellationToken cancellationToken = default) =>
            inner.FetchMessageAsync(message, cancellationToken);

        public Task StoreFlagsAsync(MessageRef message, MessageMarks flags, IReadOnlyCollection<string> keywords, bool add, CancellationToken cancellationToken = default) =>
            inner.StoreFlagsAsync(message, flags, keywords, add, cancellationToken);

        public Task<MessageRef> MoveAsync(MessageRef message, string targetFolderPath, CancellationToken cancellationToken = default) =>
            inner.MoveAsync(message, targetFolderPath, cancellationToken);

        public Task ExpungeAsync(MessageRef message, CancellationToken cancellationToken = default) => inner.ExpungeAsync(message, cancellationToken);

        public Task<int> ExpungeAsync(string folderPath, IReadOnlyCollection<MessageRef> messages, CancellationToken cancellationToken = default) =>
            inner.ExpungeAsync(folderPath, messages, cancellationToken);

        public Task<MessageRef> AppendAsync(string folderPath, MimeMessage message, MessageMarks flags, DateTimeOffset? arrivedAt = null, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(folderPath, message, flags, arrivedAt, cancellationToken);

        public Task<SubmissionResult> SubmitAsync(MimeMessage message, SubmissionEnvelope envelope, CancellationToken cancellationToken = default) =>
            inner.SubmitAsync(message, envelope, cancellationToken);

        public Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default) => inner.GetQuotaAsync(cancellationToken);

        public Task<IReadOnlyList<FolderAclEntry>> GetAccessAsync(string folderPath, CancellationToken cancellationToken = default) => inner.GetAccessAsync(folderPath, cancellationToken);

        public Task SetAccessAsync(string folderPath, string identifier, string? rights, CancellationToken cancellationToken = default) =>
            inner.SetAccessAsync(folderPath, identifier, rights, cancellationToken);

        public Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default) => inner.GetSettingAsync(name, cancellationToken);

        public Task SetSettingAsync(string name, string? value, CancellationToken cancellationToken = default) => inner.SetSettingAsync(name, value, cancellationToken);

        public Task<MailboxRules> GetRulesAsync(CancellationToken cancellationToken = default) => inner.GetRulesAsync(cancellationToken);

        public Task SetRulesAsync(MailboxRules rules, string patientFolder, CancellationToken cancellationToken = default) =>
            inner.SetRulesAsync(rules, patientFolder, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
