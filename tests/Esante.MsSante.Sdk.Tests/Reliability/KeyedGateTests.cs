
namespace Esante.MsSante.Tests.Reliability;

public sealed class KeyedGateTests
{
    [Fact]
    public async Task One_holder_per_key_the_next_enters_when_it_leaves()
    {
        var gate = new KeyedGate<string>();
        var first = await gate.EnterAsync("brouillon 1", CancellationToken.None);
        var other = await gate.EnterAsync("brouillon 2", CancellationToken.None);

        var second = gate.EnterAsync("brouillon 1", CancellationToken.None);
        await Task.Yield();
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second).Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task Keys_are_forgotten_once_no_one_holds_or_waits_for_them()
    {
        var gate = new KeyedGate<string>();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            using (await gate.EnterAsync($"clé {i % 7}", CancellationToken.None))
            {
                await Task.Yield();
            }
        })));

        Assert.Equal(0, gate.Count);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_nothing_behind()
    {
        var gate = new KeyedGate<string>();
        var held = await gate.EnterAsync("réglage", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync("réglage", cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        held.Dispose();

        Assert.Equal(0, gate.Count);
        (await gate.EnterAsync("réglage", CancellationToken.None)).Dispose();
    }
}
