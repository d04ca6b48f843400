using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.Testing;

namespace Esante.MsSante.Tests.Contract;

/// <summary>The contract suite against the fake operator.</summary>
public sealed class FakeOperatorContractTests : MailboxContract, IAsyncLifetime
{
    private readonly FakeOperatorHarness _harness = new();
    private readonly Dictionary<string, FakeAccount> _accounts = [];
    private int _next;

    protected override string HostedDomain => _harness.Server.Options.DefaultDomain;

    protected override string OperatorName => "fake";

    /// <summary>The fake answers at once, in one go: a millisecond per call lets concurrent calls interleave, as on a network.</summary>
    protected override IDisposable Interleaved()
    {
        _harness.Server.Faults.Latency = TimeSpan.FromMilliseconds(1);
        return new Restore(() => _harness.Server.Faults.Latency = TimeSpan.Zero);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    protected override Task<TestUser> CreateUserAsync(long? quotaBytes = null)
    {
        var userName = $"user{++_next}.test";
        var account = _harness.Server.CreateAccount(userName, "Motdepasse-1");
        if (quotaBytes is not null)
        {
            _harness.Server.SetQuota(account.Address.Value, quotaBytes.Value);
        }
        _accounts[userName] = account;
        return Task.FromResult(new TestUser(userName, account.Address, "Motdepasse-1"));
    }

    protected override Task<MssanteAddress> CreateOrganisationalMailboxAsync(Organisation organisation, params TestUser[] delegates)
    {
        var org = _harness.Server.CreateOrganisationalMailbox($"structure{++_next}@{HostedDomain}", organisation.Name);
        foreach (var d in delegates)
        {
            org.AddDelegate(_accounts[d.UserName], organisation.Rights);
        }
        return Task.FromResult(org.Address);
    }

    protected override Task<IMssanteSession> SignInAsync(TestUser user) => _harness.SignInAsync(_accounts[user.UserName], user.Password);

    protected override IMssanteSession NewSession() => _harness.NewSession();

    protected override Task DeliverRawAsync(TestUser recipient, byte[] raw)
    {
        _harness.Server.DeliverRawFromOutside(raw, recipient.Address.Value);
        return Task.CompletedTask;
    }

    protected override X509Certificate2 IssueClientCertificate(TestUser user) => _harness.Server.IssueClientCertificate(_accounts[user.UserName]);

    protected override string IssueToken(TestUser user, TimeSpan lifetime, bool validSignature = true)
    {
        var token = _harness.Server.IssueAccessToken(_accounts[user.UserName], lifetime);
        return validSignature ? token : token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
