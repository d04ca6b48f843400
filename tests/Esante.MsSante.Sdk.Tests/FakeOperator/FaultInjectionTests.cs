using Esante.MsSante.Operators;
using Esante.MsSante.Tests.Contract;

namespace Esante.MsSante.Tests.FakeOperator;

/// <summary>The fake operator's injected failures, for applications to test their error handling.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private readonly FakeOperatorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_dropped_connection_fails_the_next_operations_then_the_mailbox_works_again()
    {
        var alice = _harness.Server.CreateAccount("alice.martin", "Motdepasse-1");
        await using var session = await _harness.SignInAsync(alice, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(alice.Address);
        _harness.Server.Faults.DropNextOperations(2);
        await Assert.ThrowsAsync<MssanteConnectionException>(() => box.GetQuotaAsync());
        await Assert.ThrowsAsync<MssanteConnectionException>(() => box.Folders.ListAsync());
        Assert.Contains(await box.Folders.ListAsync(), f => f.Role == FolderRole.Inbox);
    }

    [Fact]
    public async Task Refused_sign_ins_and_latency_can_be_injected()
    {
        var alice = _harness.Server.CreateAccount("alice.martin", "Motdepasse-1");
        _harness.Server.Faults.RejectSignIns = true;
        await using var refused = _harness.NewSession();
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => refused.SignInAsync("alice.martin", "Motdepasse-1"));
        Assert.Contains("fault injected", e.Message, StringComparison.Ordinal);

        _harness.Server.Faults.RejectSignIns = false;
        _harness.Server.Faults.Latency = TimeSpan.FromMilliseconds(20);
        await using var session = await _harness.SignInAsync(alice, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(alice.Address);
        Assert.Equal(500L * 1024 * 1024, (await box.GetQuotaAsync()).LimitBytes);
    }
}
