
namespace Esante.MsSante.Tests.Mailbox;

/// <summary>What an export does when the folder changes under it or the destination is wrong (the rest is in the contract suite).</summary>
public sealed class ExportTests
{
    [Fact]
    public async Task A_message_deleted_while_the_folder_is_exported_is_left_out_and_the_others_are_written()
    {
        var fake = new FakeMailbox(3);
        var client = await OpenAsync(fake);
        await using var other = await OpenAsync(fake);
        var messages = await client.GetMessagesAsync().ToListAsync();
        using var destination = new OnFirstWrite(() => other.DeleteAsync(messages[1].Ref));

        var exported = await client.ExportFolderAsync(null, destination);

        Assert.Equal(2, exported);
        var text = System.Text.Encoding.UTF8.GetString(destination.ToArray());
        Assert.Contains("Subject: Message 0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Subject: Message 1", text, StringComparison.Ordinal);
        Assert.Contains("Subject: Message 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_destination_that_cannot_be_written_is_refused_before_anything_is_read()
    {
        var client = await OpenAsync(new FakeMailbox(1));
        using var readOnly = new MemoryStream([], writable: false);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.ExportFolderAsync(null, readOnly));
        Assert.Equal("destination", e.ParamName);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ExportFolderAsync(null, new MemoryStream(), (MailboxExportFormat)7));
    }

    private static async Task<MailboxClient> OpenAsync(FakeMailbox fake) => new(await fake.OpenAsync(), MssantePolicies.Default, "DEV935997");
    /// <summary>A memory stream that runs an action (another client changing the folder) before its first write.</summary>
    private sealed class OnFirstWrite(Func<Task> action) : MemoryStream
    {
        private Func<Task>? _action = action;

        public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            await RunOnceAsync();
            await base.WriteAsync(buffer.AsMemory(offset, count), cancellationToken);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await RunOnceAsync();
            await base.WriteAsync(buffer, cancellationToken);
        }

        private async Task RunOnceAsync()
        {
            if (Interlocked.Exchange(ref _action, null) is { } action)
            {
                await action();
            }
        }
    }
}
