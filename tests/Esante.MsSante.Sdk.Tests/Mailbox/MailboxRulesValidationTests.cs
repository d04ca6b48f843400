using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;

namespace Esante.MsSante.Tests.Mailbox;

public sealed class MailboxRulesValidationTests
{
    public static TheoryData<MailboxRules> Refused => new()
    {
        new MailboxRules { AutoReply = new AutoReply("Absent\r\nBcc: pirate@example.com", "Retour lundi.") },
        new MailboxRules { AutoReply = new AutoReply("Absent", "  ") },
        new MailboxRules { AutoReply = new AutoReply("Absent", "Retour\u0007 lundi.") },
        new MailboxRules { AutoReply = new AutoReply("Absent", "Retour lundi.") { FirstDay = new DateOnly(2026, 12, 24), LastDay = new DateOnly(2026, 12, 1) } },
        new MailboxRules { AutoReply = new AutoReply("Absent", "Retour lundi.") { DaysBetweenReplies = 0 } },
        new MailboxRules { AutoReply = new AutoReply("Absent", "Retour lundi.") { DaysBetweenReplies = 366 } },
        new MailboxRules { NotificationAddress = "pas une adresse" },
        new MailboxRules { NotificationAddress = "claire@example.fr\r\nBcc: pirate@example.com" },
        new MailboxRules { NotificationAddress = "claire@example.fr, pirate@example.com" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Rules_that_cannot_be_right_are_refused_and_nothing_changes(MailboxRules rules)
    {
        var fake = new FakeMailbox(0);
        var client = new MailboxClient(await fake.OpenAsync(), MssantePolicies.Default, "DEV935997");
        await Assert.ThrowsAsync<ArgumentException>(() => client.SetRulesAsync(rules));
        Assert.Equal(MailboxRules.None, await client.GetRulesAsync());
    }

    [Fact]
    public void The_script_carries_its_rules_back_and_quotes_what_it_writes()
    {
        var rules = new MailboxRules
        {
            AutoReply = new AutoReply("Absence \"Dr\" \\ Roux", "Ligne 1\r\nLigne \"2\"") { FirstDay = new DateOnly(2026, 12, 1), DaysBetweenReplies = 3 },
            NotificationAddress = "claire+mss@example.fr",
        };
        var script = SieveRulesScript.Compose(rules, "claire.roux@chu-angers.mssante.fr", "Échanges Patients", included: "perso");

        Assert.Contains(":subject \"Absence \\\"Dr\\\" \\\\ Roux\"", script, StringComparison.Ordinal);
        Assert.Contains("\"mailto:claire%2Bmss@example.fr\"", script, StringComparison.Ordinal);
        Assert.Contains("currentdate :value \"ge\" \"date\" \"2026-12-01\"", script, StringComparison.Ordinal);
        Assert.DoesNotContain("\"le\"", script, StringComparison.Ordinal);
        Assert.Contains("fileinto :create \"Échanges Patients\";", script, StringComparison.Ordinal);
        var (read, included) = SieveRulesScript.Read(script)!.Value;
        Assert.Equal(rules, read);
        Assert.Equal("perso", included);
        Assert.Null(SieveRulesScript.Read("require \"fileinto\";\r\nkeep;\r\n"));
        Assert.Null(SieveRulesScript.Read("# esante-mssante-rules v1 !!pas-du-base64\r\n"));
    }

    [Fact]
    public void Forwarding_redirects_with_copy_when_the_mailbox_keeps_its_own_and_files_nothing_when_it_does_not()
    {
        var keep = new MailboxRules { ForwardTo = "secretariat@chu-angers.mssante.fr" };
        var script = SieveRulesScript.Compose(keep, "claire.roux@chu-angers.mssante.fr", "Échanges Patients", included: null);
        Assert.Contains("redirect :copy \"secretariat@chu-angers.mssante.fr\";", script, StringComparison.Ordinal);
        Assert.Contains("fileinto", script, StringComparison.Ordinal);
        Assert.Equal(["fileinto", "mailbox", "copy"], SieveRulesScript.ExtensionsFor(keep));
        Assert.Equal(keep, SieveRulesScript.Read(script)!.Value.Rules);

        var drop = keep with { KeepForwardedCopy = false };
        script = SieveRulesScript.Compose(drop, "claire.roux@chu-angers.mssante.fr", "Échanges Patients", included: null);
        Assert.Contains("redirect \"secretariat@chu-angers.mssante.fr\";", script, StringComparison.Ordinal);
        Assert.DoesNotContain("fileinto :create", script, StringComparison.Ordinal);
        Assert.DoesNotContain("\"copy\"", script, StringComparison.Ordinal);
        Assert.Equal(drop, SieveRulesScript.Read(script)!.Value.Rules);
        // Without a local copy the person's own script (which could keep one) does not run, but is remembered.
        script = SieveRulesScript.Compose(drop, "claire.roux@chu-angers.mssante.fr", "Échanges Patients", included: "perso");
        Assert.DoesNotContain("include", script.Split('\n').Where(l => !l.StartsWith('#')).Aggregate("", string.Concat), StringComparison.Ordinal);
        Assert.Equal("perso", SieveRulesScript.Read(script)!.Value.Included);

        // A script written before forwarding existed reads back with none.
        var older = "# esante-mssante-rules v1 " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("{\"Notify\":\"a@b.fr\"}")) + "\r\n";
        Assert.Equal(new MailboxRules { NotificationAddress = "a@b.fr" }, SieveRulesScript.Read(older)!.Value.Rules);
    }

    [Fact]
    public void A_ManageSieve_string_cannot_carry_a_line_break()
    {
        Assert.Equal("\"a\\\"b\\\\c\"", ManageSieveClient.Quote("a\"b\\c"));
        Assert.Throws<ArgumentException>(() => ManageSieveClient.Quote("a\r\nLOGOUT"));
    }

    [Fact]
    public void The_script_writes_every_line_break_as_CRLF_and_requires_only_the_extensions_it_uses()
    {
        Assert.Equal("\"a\r\nb\r\nc\r\nd\"", SieveRulesScript.Quote("a\nb\rc\r\nd\0"));
        Assert.Equal(["fileinto", "mailbox"], SieveRulesScript.ExtensionsFor(MailboxRules.None));
        Assert.Equal(["fileinto", "mailbox", "vacation"], SieveRulesScript.ExtensionsFor(new MailboxRules { AutoReply = new AutoReply("a", "b") }));
        var script = SieveRulesScript.Compose(MailboxRules.None, "a@chu.mssante.fr", "Échanges Patients", included: "perso", canInclude: false);
        Assert.DoesNotContain("include", script, StringComparison.Ordinal);
    }
}
