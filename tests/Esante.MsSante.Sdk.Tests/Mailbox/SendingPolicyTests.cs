using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Esante.MsSante.Tests.Contract;

namespace Esante.MsSante.Tests.Mailbox;

/// <summary>Sending checks every policy first, reports every problem at once, and sends nothing when refused.</summary>
public sealed class SendingPolicyTests : IAsyncLifetime
{
    private readonly FakeOperatorHarness _harness = new();
    private FakeAccount _alice = null!;
    private FakeAccount _bob = null!;
    private IMailboxClient _box = null!;

    public async Task InitializeAsync()
    {
        _alice = _harness.Server.CreateAccount("alice.martin", "Motdepasse-1");
        _bob = _harness.Server.CreateAccount("bob.durand", "Motdepasse-1");
        var session = await _harness.SignInAsync(_alice, "Motdepasse-1");
        _box = await session.OpenMailboxAsync(_alice.Address);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private OutgoingMessage ToBob(string subject = "Compte rendu")
    {
        var message = new OutgoingMessage { Subject = subject, TextBody = "Bonjour" };
        message.To.Add(_bob.Address);
        return message;
    }

    private async Task<MessageRejectedException> RefusedAsync(OutgoingMessage message)
    {
        var before = _harness.Server.Deliveries.Count;
        var outbox = _harness.Server.Outbox.Count;
        var e = await Assert.ThrowsAsync<MessageRejectedException>(() => _box.SendAsync(message));
        Assert.Equal(before, _harness.Server.Deliveries.Count);
        Assert.Equal(outbox, _harness.Server.Outbox.Count);
        return e;
    }

    [Fact]
    public async Task An_attachment_set_of_15_MB_plus_one_byte_is_refused_and_15_MB_is_sent()
    {
        var tooBig = ToBob();
        tooBig.Attachments.Add(OutgoingAttachment.FromBytes("a.bin", new byte[10 * 1024 * 1024]));
        tooBig.Attachments.Add(OutgoingAttachment.FromBytes("b.bin", new byte[5 * 1024 * 1024 + 1]));
        var e = await RefusedAsync(tooBig);
        var violation = Assert.Single(e.Violations);
        Assert.Equal(PolicyViolationCodes.AttachmentsTooLarge, violation.Code);
        Assert.Equal((15L * 1024 * 1024, 15L * 1024 * 1024 + 1), (violation.Limit, violation.Actual));

        var justRight = ToBob("Juste 15 Mo");
        justRight.Attachments.Add(OutgoingAttachment.FromBytes("a.bin", new byte[15 * 1024 * 1024]));
        await _box.SendAsync(justRight);
        await _harness.Server.WaitForMessageAsync(d => d.Mailbox == _bob.Address.Value && d.Message.Subject == "Juste 15 Mo");
    }

    [Theory]
    [InlineData("Objet\r\nBcc: intrus@pirate.mssante.fr")]
    [InlineData("Objet\nX-MSS-MES: FIN")]
    public async Task A_subject_with_a_line_break_is_refused(string subject)
    {
        var e = await RefusedAsync(ToBob(subject));
        var violation = Assert.Single(e.Violations);
        Assert.Equal(PolicyViolationCodes.HeaderInjection, violation.Code);
        Assert.Equal("Subject", violation.Target);
        Assert.DoesNotContain("Objet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_addresses_and_file_names_with_line_breaks_are_refused()
    {
        var message = new OutgoingMessage { Subject = "ok", TextBody = "ok" };
        message.To.Add(new Recipient(_bob.Address.Value, "Bob\r\nBcc: intrus@pirate.mssante.fr"));
        // An address with a line break cannot even be made into a recipient.
        Assert.Throws<ArgumentException>(() => new Recipient("carol@chu.mssante.fr\r\nBcc: intrus@pirate.mssante.fr"));
        message.Attachments.Add(OutgoingAttachment.FromBytes("cr.pdf\r\nX-Evil: 1", [1]));
        var e = await RefusedAsync(message);
        Assert.Equal([PolicyViolationCodes.HeaderInjection, PolicyViolationCodes.HeaderInjection], e.Violations.Select(v => v.Code));
        Assert.Equal("display name of To recipient 1", e.Violations[0].Target);
        Assert.Equal("file name of attachment 1", e.Violations[1].Target);
    }

    [Fact]
    public async Task Every_problem_is_reported_together()
    {
        var message = new OutgoingMessage { Subject = "Objet\r\n", TextBody = "x" };
        message.To.Add(new Recipient("jean@gmail.com"));
        message.Bcc.Add(new Recipient("279035121518980@patient.mssante.fr"));
        message.Attachments.Add(OutgoingAttachment.FromBytes("big.bin", new byte[16 * 1024 * 1024]));
        var e = await RefusedAsync(message);
        Assert.Equal(
            [PolicyViolationCodes.RecipientOutsideTrustSpace, PolicyViolationCodes.PatientAddressInvalid,
             PolicyViolationCodes.HeaderInjection, PolicyViolationCodes.AttachmentsTooLarge],
            e.Violations.Select(v => v.Code));
        Assert.DoesNotContain("27903512151898", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_is_checked_as_a_message_sent_is_and_a_refused_one_stores_nothing()
    {
        var message = new OutgoingMessage { Subject = "Objet\r\nBcc: intrus@pirate.mssante.fr", TextBody = "x" };
        message.To.Add(new Recipient("jean@gmail.com"));
        var e = await Assert.ThrowsAsync<MessageRejectedException>(() => _box.Drafts.SaveAsync(message));
        Assert.Equal([PolicyViolationCodes.RecipientOutsideTrustSpace, PolicyViolationCodes.HeaderInjection], e.Violations.Select(v => v.Code));
        var drafts = await _box.Folders.GetAsync(FolderRole.Drafts);
        Assert.Empty(await _box.Messages.ListAsync(drafts.Path).ToListAsync());

        var withXdm = ToBob();
        withXdm.Xdm = Esante.MsSante.Tests.Messages.XdmTests.Package();
        Assert.Equal("message", (await Assert.ThrowsAsync<ArgumentException>(() => _box.Drafts.SaveAsync(withXdm))).ParamName);
        Assert.Empty(await _box.Messages.ListAsync(drafts.Path).ToListAsync());
    }

    [Fact]
    public async Task A_message_without_recipients_is_refused() =>
        Assert.Equal(PolicyViolationCodes.NoRecipient, Assert.Single((await RefusedAsync(new OutgoingMessage { Subject = "x" })).Violations).Code);

    [Fact]
    public async Task Sending_without_a_product_reference_is_refused()
    {
        await using var harness = new FakeOperatorHarness(options: o => o.ProductReference = null);
        var alice = harness.Server.CreateAccount("alice.martin", "Motdepasse-1");
        await using var session = await harness.SignInAsync(alice, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(alice.Address);
        var message = new OutgoingMessage { Subject = "x" };
        message.To.Add(alice.Address);
        var e = await Assert.ThrowsAsync<MessageRejectedException>(() => box.SendAsync(message));
        Assert.Equal(PolicyViolationCodes.ProductReferenceMissing, Assert.Single(e.Violations).Code);
    }

    [Fact]
    public async Task A_patient_refused_by_the_operator_is_named_in_no_exception_message()
    {
        const string ins = "279035121518989";
        _harness.Server.RefuseRecipient($"{ins}@patient.mssante.fr", $"550 5.1.1 <{ins}@patient.mssante.fr>: Recipient address rejected: User unknown ({ins})");
        var message = ToBob("Résultats");
        message.To.Add(Esante.MsSante.MssanteAddress.Parse($"{ins}@patient.mssante.fr"));

        var e = await Assert.ThrowsAsync<RecipientsRejectedException>(() => _box.SendAsync(message));

        Assert.Contains("User unknown", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ins, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ins, Assert.Single(e.Recipients).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recipient_refused_by_the_operator_stops_the_whole_send()
    {
        _harness.Server.RefuseRecipient("carol.petit@chu-angers.mssante.fr", "550 5.7.1 Mailbox closed");
        var message = ToBob("Pour deux");
        message.Cc.Add(new Recipient("carol.petit@chu-angers.mssante.fr"));
        var e = await Assert.ThrowsAsync<RecipientsRejectedException>(() => _box.SendAsync(message));
        var refused = Assert.Single(e.Recipients);
        Assert.Equal("carol.petit@chu-angers.mssante.fr", refused.Address);
        Assert.Equal("550 5.7.1 Mailbox closed", refused.Reason);
        Assert.Empty(_harness.Server.Deliveries);
        Assert.DoesNotContain(_harness.Server.Outbox, o => o.Kind == FakeOutboxKind.RelayedMessage);
    }

    [Fact]
    public async Task Messages_to_other_operators_and_patients_are_relayed_out_with_redacted_errors()
    {
        var message = ToBob("Sortant");
        message.To.Add(new Recipient("jean.dupont@chu-angers.mssante.fr"));
        message.To.Add(new Recipient("279035121518989@patient.mssante.fr"));
        await _box.SendAsync(message);
        var relayed = _harness.Server.Outbox.Where(o => o.Kind == FakeOutboxKind.RelayedMessage).Select(o => o.To).ToList();
        Assert.Equal(["jean.dupont@chu-angers.mssante.fr", "279035121518989@patient.mssante.fr"], relayed);

        _harness.Server.RefuseRecipient("279035121518989@patient.mssante.fr", "550 5.1.1 Patient not found");
        var e = await Assert.ThrowsAsync<RecipientsRejectedException>(() => _box.SendAsync(message));
        Assert.DoesNotContain("279035121518989", e.Message, StringComparison.Ordinal);
        Assert.Contains("REDACTED@patient.mssante.fr", e.Message, StringComparison.Ordinal);
    }
}
