using Esante.MsSante.Testing;
using Esante.MsSante.Tests.Contract;

namespace Esante.MsSante.Tests.FakeOperator;

/// <summary>The fake operator bounces a relayed message as Mon Espace Santé would, and the SDK reads the bounce.</summary>
public sealed class FakeBounceTests : IAsyncLifetime
{
    private const string Patient = "279035121518989@patient.mssante.fr";
    private readonly FakeOperatorHarness _harness = new();
    private IMailboxClient _box = null!;

    public async Task InitializeAsync()
    {
        var alice = _harness.Server.CreateAccount("alice.martin", "Motdepasse-1");
        _box = await (await _harness.SignInAsync(alice, "Motdepasse-1")).OpenMailboxAsync(alice.Address);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("5.2.1", DeliveryProblem.MailboxClosed, DeliveryAction.Failed)]
    [InlineData("5.1.1", DeliveryProblem.MailboxUnknown, DeliveryAction.Failed)]
    [InlineData("5.3.4", DeliveryProblem.MessageTooLarge, DeliveryAction.Failed)]
    [InlineData("4.2.2", DeliveryProblem.MailboxFull, DeliveryAction.Delayed)]
    public async Task A_patients_operator_refusing_a_relayed_message_bounces_it_to_the_sender_who_reads_why(string status, DeliveryProblem problem, DeliveryAction action)
    {
        var letter = new OutgoingMessage { Subject = "Résultats", TextBody = "Bonjour." };
        letter.To.Add(new Recipient(Patient));
        var sent = await _box.SendAsync(letter);
        var relayed = Assert.Single(_harness.Server.Outbox, o => o.Kind == FakeOutboxKind.RelayedMessage);

        _harness.Server.BounceRelayed(relayed, status, $"550 {status} <{Patient}> refused");

        var report = await ReportAsync();
        Assert.Equal(sent.MessageId, report.OriginalMessageId);
        Assert.Equal(sent.MessageId, report.OriginalEnvelopeId);
        Assert.Equal(action == DeliveryAction.Failed, report.HasFailures);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal(Patient, recipient.FinalRecipient);
        Assert.Equal(action, recipient.Action);
        Assert.Equal(status, recipient.Status);
        Assert.Equal(problem, recipient.Problem);
        Assert.DoesNotContain("279035121518989", recipient.DiagnosticCode, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_relayed_message_bounces_and_only_with_a_failure_or_delay_status()
    {
        var code = new FakeOutboxMessage(FakeOutboxKind.OneTimeCode, "alice.martin@esante-test.mssante.fr", DateTimeOffset.UnixEpoch, Code: "123456");
        Assert.Throws<ArgumentException>(() => _harness.Server.BounceRelayed(code, "5.1.1", "550 5.1.1 unknown"));
        var relayed = new FakeOutboxMessage(FakeOutboxKind.RelayedMessage, Patient, DateTimeOffset.UnixEpoch, Message: new MimeKit.MimeMessage());
        Assert.Throws<ArgumentException>(() => _harness.Server.BounceRelayed(relayed, "5.1.1", "550 5.1.1 unknown"));
    }

    private async Task<DeliveryStatusReport> ReportAsync()
    {
        await foreach (var info in _box.Messages.ListAsync())
        {
            if ((await _box.Messages.ReadAsync(info.Ref)).DeliveryStatusReport is { } report)
            {
                return report;
            }
        }
        throw new InvalidOperationException("No delivery report in the inbox.");
    }
}
