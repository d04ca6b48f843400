
namespace Esante.MsSante.Tests.Mailbox;

public sealed class SignatureAndTagTests
{
    public static TheoryData<MailboxSignatures> Refused => new()
    {
        new MailboxSignatures { Signatures = [new MailboxSignature("", "x")] },
        new MailboxSignatures { Signatures = [new MailboxSignature("Deux\r\nlignes", "x")] },
        new MailboxSignatures { Signatures = [new MailboxSignature(new string('n', 65), "x")] },
        new MailboxSignatures { Signatures = [new MailboxSignature("A", "x"), new MailboxSignature("a", "y")] },
        new MailboxSignatures { Signatures = [new MailboxSignature("A", new string('x', 10_001))] },
        new MailboxSignatures { Signatures = [new MailboxSignature("A", "x")], DefaultName = "B" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Signatures_that_cannot_be_right_are_refused_and_nothing_changes(MailboxSignatures signatures)
    {
        var client = new MailboxClient(await new FakeMailbox(0).OpenAsync(), MssantePolicies.Default, "DEV935997");
        await Assert.ThrowsAsync<ArgumentException>(() => client.SetSignaturesAsync(signatures));
        Assert.Equal(MailboxSignatures.None, await client.GetSignaturesAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Deux\nlignes")]
    [InlineData("#12345")]
    public async Task A_tag_with_an_empty_or_broken_name_or_colour_is_refused(string value)
    {
        var client = new MailboxClient(await new FakeMailbox(0).OpenAsync(), MssantePolicies.Default, "DEV935997");
        await Assert.ThrowsAsync<ArgumentException>(() => value.StartsWith('#') ? client.CreateTagAsync("Urgent", value) : client.CreateTagAsync(value, "#FF0000"));
        Assert.Empty(await client.GetTagsAsync());
    }

    [Fact]
    public void A_tags_keyword_is_an_IMAP_atom_that_differs_for_different_names()
    {
        Assert.Equal("R_C3_A9sultats_20_2F_20labo", new MessageTag("Résultats / labo", "#000000").Keyword);
        Assert.Equal("a_5Fb", new MessageTag("a_b", "#000000").Keyword);
        Assert.NotEqual(new MessageTag("a b", "#000000").Keyword, new MessageTag("a_20b", "#000000").Keyword);
    }

    [Fact]
    public void The_signature_ends_the_text_after_the_separator_and_the_HTML_before_its_end_encoded()
    {
        var message = new OutgoingMessage { Subject = "s", TextBody = "Bonjour", HtmlBody = "<html><body><p>Bonjour</p></body></html>" };
        message.To.Add(new Recipient("bob@chu-angers.mssante.fr"));
        using var mime = MssanteMessageComposer.Compose(message, MssanteAddress.Parse("alice@chu-angers.mssante.fr"), null, "DEV935997", DateTimeOffset.UnixEpoch, "Dr <Alice>\nCardiologie");
        Assert.Equal("Bonjour\n-- \nDr <Alice>\nCardiologie", mime.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal("<html><body><p>Bonjour</p><div class=\"signature\">-- <br>Dr &lt;Alice&gt;<br>Cardiologie</div></body></html>", mime.HtmlBody);
    }
}

public sealed class StoredSettingsTests
{
    [Theory]
    [InlineData("{\"Archives\":null}")]
    [InlineData("{\"\":{\"count\":3,\"unit\":0}}")]
    [InlineData("{\"Archives\":{\"count\":0,\"unit\":0}}")]
    [InlineData("pas du JSON")]
    public async Task A_retention_setting_written_by_another_program_is_reported_as_unreadable_and_the_policy_still_applies(string stored)
    {
        var operatorMailbox = await new FakeMailbox(1).OpenAsync();
        await operatorMailbox.SetSettingAsync("retention", stored);
        var client = new MailboxClient(operatorMailbox, MssantePolicies.Default, "DEV935997");

        await Assert.ThrowsAsync<InvalidDataException>(() => client.GetFolderRetentionAsync());
        Assert.Equal(0, await client.ApplyRetentionAsync());
    }
}
