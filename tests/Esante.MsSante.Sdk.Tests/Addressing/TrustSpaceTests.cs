using System.Text;
using Esante.MsSante.Tests.Contract;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Tests.Addressing;

public class TrustSpaceTests
{
    private const string Whitelist = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListeBlanche xmlns="https://listeblanche.mssante.fr/schema">
          <Domaine><Nom>hopital-partenaire.fr</Nom></Domaine>
          <Domaine><Nom> clinique-des-érables.fr </Nom></Domaine>
          <Domaine><Nom>labo.example.org</Nom></Domaine>
        </ListeBlanche>
        """;

    private static MemoryStream Xml(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task The_whitelist_adds_its_domains_unicode_included_to_the_trust_space()
    {
        var space = new TrustSpace();
        Assert.False(space.Current.Contains("hopital-partenaire.fr"));
        Assert.Equal(3, await space.LoadWhitelistAsync(Xml(Whitelist)));
        Assert.True(space.Current.Contains("hopital-partenaire.fr"));
        Assert.True(space.Current.Contains("CLINIQUE-DES-ÉRABLES.fr"));
        Assert.True(space.Current.Contains("chu-nantes.mssante.fr"));
        Assert.False(space.Current.Contains("example.org"));
    }

    [Theory]
    [InlineData("jean.dupont@chu-nantes.mssante.fr", true)]
    [InlineData("Jean.Dupont@CHU-Nantes.MsSante.FR", true)]
    [InlineData("\"Dupont, Jean\"@chu-nantes.mssante.fr", true)]
    [InlineData("jean@hopital-partenaire.fr", true)]
    [InlineData("jean@Clinique-Des-Érables.fr", true)]
    [InlineData("jean@mssante.fr", false)]
    [InlineData("jean@mssante.fr.example.org", false)]
    [InlineData("jean@gmail.com", false)]
    [InlineData("jean@", false)]
    [InlineData("@chu-nantes.mssante.fr", false)]
    [InlineData("no-at-sign", false)]
    public void A_sender_is_MSSante_when_its_domain_is_in_the_trust_space(string sender, bool expected)
    {
        var whitelisted = new TrustedDomainList(["hopital-partenaire.fr", "clinique-des-érables.fr"]);
        Assert.Equal(expected, whitelisted.ContainsDomainOf(sender));
        var mssanteOnly = sender.Contains(".mssante.fr", StringComparison.OrdinalIgnoreCase) && expected;
        Assert.Equal(mssanteOnly, TrustedDomainList.Default.ContainsDomainOf(sender));
    }

    [Theory]
    [InlineData("this is not XML", "not valid XML")]
    [InlineData("<ListeBlanche><Domaine>", "not valid XML")]
    [InlineData("<ListeBlanche xmlns=\"https://listeblanche.mssante.fr/schema\"/>", "no domain")]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ListeBlanche><Domaine><Nom>&e;</Nom></Domaine></ListeBlanche>", "not valid XML")]
    [InlineData("<ListeBlanche><Domaine><Nom>not a domain!</Nom></Domaine></ListeBlanche>", "not valid")]
    public async Task A_bad_whitelist_is_refused_and_the_previous_list_stays(string xml, string reason)
    {
        var space = new TrustSpace();
        await space.LoadWhitelistAsync(Xml(Whitelist));
        var before = space.Current;
        var e = await Assert.ThrowsAsync<FormatException>(() => space.LoadWhitelistAsync(Xml(xml)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Same(before, space.Current);
        Assert.True(space.Current.Contains("hopital-partenaire.fr"));
    }

    [Fact]
    public async Task A_whitelist_without_end_is_refused_once_past_its_bound_not_read_whole()
    {
        var space = new TrustSpace();
        var domain = "<Domaine><Nom>hopital-partenaire.fr</Nom></Domaine>\n";
        var text = new StringBuilder("<ListeBlanche>");
        while (text.Length <= TrustSpace.MaxWhitelistCharacters)
        {
            text.Append(domain);
        }

        var e = await Assert.ThrowsAsync<FormatException>(() => space.LoadWhitelistAsync(Xml(text.Append("</ListeBlanche>").ToString())));
        Assert.DoesNotContain("hopital", e.Message, StringComparison.Ordinal);
        Assert.False(space.Current.Contains("hopital-partenaire.fr"));
    }

    [Fact]
    public async Task A_reloaded_whitelist_feeds_the_address_policy_of_a_running_application()
    {
        await using var harness = new FakeOperatorHarness();
        var alice = harness.Server.CreateAccount("alice.martin", "Motdepasse-1");
        await using var session = await harness.SignInAsync(alice, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(alice.Address);
        var message = new OutgoingMessage { Subject = "Partenaire", TextBody = "x" };
        message.To.Add(new Recipient("jean@hopital-partenaire.fr"));

        var refused = await Assert.ThrowsAsync<MessageRejectedException>(() => box.SendAsync(message));
        Assert.True(refused.Has(PolicyViolationCodes.RecipientOutsideTrustSpace));

        await harness.Services.GetRequiredService<TrustSpace>().LoadWhitelistAsync(Xml(Whitelist));
        await box.SendAsync(message);
        Assert.Contains(harness.Server.Outbox, o => o.To == "jean@hopital-partenaire.fr");
    }
}
