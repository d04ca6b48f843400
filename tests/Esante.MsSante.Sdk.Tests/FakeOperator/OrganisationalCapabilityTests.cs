using Esante.MsSante.Tests.Contract;

namespace Esante.MsSante.Tests.FakeOperator;

/// <summary>
/// An operator that lacks a capability (no ManageSieve, no QUOTA) says so up front for an organisational mailbox too, and
/// the fake can be configured so, for an application to test that path.
/// </summary>
public sealed class OrganisationalCapabilityTests
{
    [Fact]
    public async Task Without_rules_at_the_operator_a_delegate_sees_it_up_front_and_the_call_is_refused()
    {
        await using var harness = new FakeOperatorHarness(o => o.Capabilities = MailboxCapabilities.All & ~(MailboxCapabilities.Rules | MailboxCapabilities.Quota));
        var alice = harness.Server.CreateAccount("alice.martin", "Motdepasse-1");
        var org = harness.Server.CreateOrganisationalMailbox($"accueil@{harness.Server.Options.DefaultDomain}", "Accueil", alice);
        await using var session = await harness.SignInAsync(alice, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(org.Address);

        Assert.Equal(MailboxCapabilities.Settings | MailboxCapabilities.Sharing, box.Capabilities);
        await Assert.ThrowsAsync<NotSupportedException>(() => box.Settings.SetRulesAsync(new MailboxRules { NotificationAddress = alice.Address.Value }));
        await Assert.ThrowsAsync<NotSupportedException>(() => box.GetQuotaAsync());
    }
}
