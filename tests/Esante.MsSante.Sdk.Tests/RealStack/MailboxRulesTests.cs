using Microsoft.Extensions.Logging.Abstractions;
using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>How the real operator installs a mailbox's rules over ManageSieve (the behaviour itself is in the contract suite).</summary>
[Collection(MailStackCollection.Name)]
public sealed class MailboxRulesTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    [Fact]
    public async Task The_persons_own_active_script_keeps_running_after_the_rules_are_set()
    {
        var address = NewUser();
        var credential = MailCredential.FromPassword(address, Password);
        await using (var sieve = await ManageSieveClient.ConnectAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default))
        {
            await sieve.PutScriptAsync("perso", "require [\"fileinto\", \"mailbox\"];\r\nif header :contains \"subject\" \"[labo]\" { fileinto :create \"Labo\"; }\r\n", default);
            await sieve.SetActiveAsync("perso", default);
        }
        await using var box = await OpenAsync(stack.Options(), address);

        await box.Settings.SetRulesAsync(new MailboxRules { AutoReply = new AutoReply("Absent", "Retour lundi.") });
        await box.Settings.SetRulesAsync(new MailboxRules { NotificationAddress = address });

        await using (var sieve = await ManageSieveClient.ConnectAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default))
        {
            var scripts = await sieve.ListScriptsAsync(default);
            Assert.Contains((SieveRulesScript.Name, true), scripts);
            Assert.Contains(("perso", false), scripts);
            Assert.Contains("include :personal \"perso\";", await sieve.GetScriptAsync(SieveRulesScript.Name, default), StringComparison.Ordinal);
        }
        var letter = new OutgoingMessage { Subject = "[labo] Kaliémie", TextBody = "4,1 mmol/L" };
        letter.To.Add(MssanteAddress.Parse(address));
        await using var sender = await OpenAsync(stack.Options(), NewUser());
        await sender.SendAsync(letter);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await FiledInLaboAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "The person's own rule did not file the message.");
            await Task.Delay(100);
        }

        // The rule creates « Labo » when it files the message: until delivery, the folder is not there.
        async Task<bool> FiledInLaboAsync()
        {
            try
            {
                return await box.Messages.ListAsync("Labo").AnyAsync(s => s.Subject == "[labo] Kaliémie");
            }
            catch (MssanteFolderNotFoundException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task Rules_are_set_by_an_account_signed_in_with_a_bearer_token()
    {
        var address = NewUser();
        var session = MailStack.Session(stack.Options());
        await session.SignInWithTokenAsync(address, _ => ValueTask.FromResult(stack.IssueToken(address, TimeSpan.FromMinutes(5))));
        await using var box = await session.OpenMailboxAsync(MssanteAddress.Parse(address));
        await box.Settings.SetRulesAsync(new MailboxRules { NotificationAddress = address });
        Assert.Equal(address, (await box.Settings.GetRulesAsync()).NotificationAddress);
    }

    [Fact]
    public async Task A_ManageSieve_port_with_nothing_behind_it_is_a_clear_connection_error()
    {
        var address = NewUser();
        await using var box = await OpenAsync(stack.Options(o => o.ManageSievePort = stack.Port("SMTP_SUBMISSION_PORT")), address);
        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => box.Settings.GetRulesAsync());
        Assert.Contains("did not answer as a ManageSieve server", e.Message, StringComparison.Ordinal);
    }

    private string NewUser()
    {
        var address = stack.NewAddress();
        stack.AddUser(address, Password);
        return address;
    }

    private static Task<IMailboxClient> OpenAsync(ImapOperatorOptions options, string address) => MailStack.OpenAsync(options, address, Password);
}
