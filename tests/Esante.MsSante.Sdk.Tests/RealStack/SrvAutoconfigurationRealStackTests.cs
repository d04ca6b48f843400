using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;
using Esante.MsSante.Tests.Operators;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>Signing in to the real Dovecot + Postfix stack with only its mail domain, the servers found by DNS SRV records.</summary>
[Collection(MailStackCollection.Name)]
public sealed class SrvAutoconfigurationRealStackTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    [Fact]
    public async Task A_person_signs_in_sends_and_sets_rules_with_servers_found_by_SRV_records()
    {
        // The stack's certificate names localhost only, so the records point there and the application trusts that domain.
        using var dns = new FakeDnsServer()
            .Srv($"_imaps._tcp.{stack.Domain}", (0, 0, stack.Port("IMAPS_PORT"), "localhost."))
            .Srv($"_imap._tcp.{stack.Domain}", (0, 0, stack.Port("IMAP_PORT"), "localhost."))
            .Srv($"_submission._tcp.{stack.Domain}", (0, 0, stack.Port("SMTP_SUBMISSION_PORT"), "localhost."))
            .Srv($"_sieve._tcp.{stack.Domain}", (0, 0, stack.Port("MANAGESIEVE_PORT"), "localhost."));
        var options = stack.Options(o =>
        {
            (o.ImapHost, o.ImapPort, o.SmtpPort, o.ManageSievePort) = (string.Empty, 1, 1, 1);  // nothing but the domain
            o.AutoconfigureDomain = stack.Domain;
            o.TrustedServerDomains.Add("localhost");
            o.NameServers.Add(dns.EndPoint);
        });
        var address = stack.NewAddress();
        stack.AddUser(address, Password);
        var imapOperator = new ImapOperator(options);
        MssanteSession NewSession() => new(imapOperator, Microsoft.Extensions.Options.Options.Create(new MssanteOptions { ProductReference = "DEV935997" }));

        var session = NewSession();
        Assert.True((await session.SignInAsync(address, Password)).IsSignedIn);
        await using var box = await session.OpenMailboxAsync(MssanteAddress.Parse(address));
        await box.Settings.SetRulesAsync(new MailboxRules { NotificationAddress = address });     // ManageSieve from _sieve._tcp
        var letter = new OutgoingMessage { Subject = "Autoconfiguration", TextBody = "Bonjour," };
        letter.To.Add(MssanteAddress.Parse(address));
        await box.SendAsync(letter);                                                     // submission from _submission._tcp

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await box.Messages.ListAsync("INBOX").AnyAsync(s => s.Subject == "Autoconfiguration"))
        {
            Assert.True(DateTime.UtcNow < deadline, "The message sent through the submission server the records named did not arrive.");
            await Task.Delay(100);
        }
        Assert.Equal(address, (await box.Settings.GetRulesAsync()).NotificationAddress);

        // The servers were looked up once: a second sign-in on the same operator asks DNS nothing.
        var queries = dns.Queries.Count;
        Assert.True((await NewSession().SignInAsync(address, Password)).IsSignedIn);
        Assert.Equal(queries, dns.Queries.Count);
        Assert.DoesNotContain($"_imap._tcp.{stack.Domain}", dns.Queries);                  // implicit TLS was found first
    }
}
