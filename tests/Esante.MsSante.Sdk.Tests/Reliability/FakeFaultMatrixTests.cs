using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Esante.MsSante.Tests.Contract;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Esante.MsSante.Tests.Reliability;

/// <summary>
/// The fault matrix on the fake operator: every outcome <see cref="FakeOperatorFaults.FailNextSubmissions"/> plays, for each
/// send-like operation, is reported as the real operator reports it, and the fake delivers accordingly.
/// </summary>
public sealed class FakeFaultMatrixTests : IAsyncDisposable
{
    private const string Password = "Motdepasse-1";
    private readonly FakeOperatorHarness _harness = new();
    private int _next;

    public static TheoryData<string, FakeSubmissionFault> Cells()
    {
        var cells = new TheoryData<string, FakeSubmissionFault>();
        foreach (var operation in new[] { "send", "send draft", "read receipt" })
        {
            foreach (var fault in Enum.GetValues<FakeSubmissionFault>())
            {
                cells.Add(operation, fault);
            }
        }
        return cells;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_outcome_is_reported_as_the_fake_delivered_it(string operation, FakeSubmissionFault fault)
    {
        var (_, box) = await OpenAsync();
        var (recipient, other) = await OpenAsync();
        var subject = $"Cellule {Guid.NewGuid():N}";
        var letter = new OutgoingMessage { Subject = subject, TextBody = "x" };
        MessageRef? draft = null;
        MessageRef? original = null;
        if (operation == "read receipt")
        {
            var asking = new OutgoingMessage { Subject = subject, TextBody = "x", RequestReadReceipt = true };
            asking.To.Add(box.Mailbox.Address);
            await other.SendAsync(asking);
            original = (await box.Messages.ListAsync().ToListAsync()).Single(s => s.Subject == subject).Ref;
        }
        else
        {
            letter.To.Add(recipient.Address);
            draft = operation == "send draft" ? await box.Drafts.SaveAsync(letter) : null;
        }
        _harness.Server.Faults.FailNextSubmissions(fault);

        string outcome;
        try
        {
            await (operation switch
            {
                "send" => box.SendAsync(letter),
                "send draft" => box.Drafts.SendAsync(draft!.Value),
                _ => box.Messages.SendReadReceiptAsync(original!.Value, ReadReceipt.Displayed),
            });
            outcome = "success";
        }
        catch (DeliveryUncertainException e)
        {
            Assert.Contains("may or may not have been delivered", e.Message, StringComparison.Ordinal);
            Assert.Equal(draft is not null, e.Message.Contains("the draft was kept", StringComparison.Ordinal));
            outcome = "uncertain";
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
        }
        catch (MssanteConnectionException)
        {
            outcome = "failed";
        }

        var expected = fault switch
        {
            FakeSubmissionFault.DropBeforeHandOver => ("failed", 0),
            FakeSubmissionFault.CancelBeforeHandOver => ("cancelled", 0),
            FakeSubmissionFault.DropAfterHandOver => ("uncertain", 1),
            FakeSubmissionFault.LostAfterHandOver => ("uncertain", 0),
            _ => ("success", 1),
        };
        var delivered = (await other.Messages.ListAsync().ToListAsync()).Count(s => s.Subject == subject);
        Assert.Equal(expected, (outcome, delivered));
        var inSent = (await box.Messages.ListAsync((await box.Folders.GetAsync(FolderRole.Sent)).Path).ToListAsync()).Count(s => s.Subject == subject);
        Assert.Equal(outcome == "success" && fault != FakeSubmissionFault.SentCopyFails ? 1 : 0, inSent);
        if (draft is not null)
        {
            var drafts = (await box.Messages.ListAsync((await box.Folders.GetAsync(FolderRole.Drafts)).Path).ToListAsync()).Count(s => s.Subject == subject);
            Assert.Equal(outcome == "success" ? 0 : 1, drafts);
        }
        if (original is { } asked)
        {
            var marked = (await box.Messages.ListAsync().ToListAsync()).Single(s => s.Ref == asked).Keywords.Contains("$MDNSent");
            Assert.Equal(outcome is "success" or "uncertain", marked);
        }
    }

    [Fact]
    public async Task An_uncertain_send_is_logged_as_event_40_with_its_Message_ID_and_no_health_data()
    {
        var server = new FakeMssanteOperator();
        await using var provider = Mailbox.PrivacyTests.LoggedProvider(server, out var collector);
        var doctor = server.CreateAccount("claire.roux", Password);
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInAsync("claire.roux", Password);
        await session.CompleteSignInAsync(server.LastCodeSentTo(doctor.OtpEmail!));
        await using var box = await session.OpenMailboxAsync(doctor.Address);
        var letter = new OutgoingMessage { Subject = "Diagnostic confidentiel", TextBody = "x" };
        letter.To.Add(MssanteAddress.Parse("279035121518989@patient.mssante.fr"));
        var draft = await box.Drafts.SaveAsync(letter);
        server.Faults.FailNextSubmissions(FakeSubmissionFault.DropAfterHandOver);

        var e = await Assert.ThrowsAsync<DeliveryUncertainException>(() => box.Drafts.SendAsync(draft));

        var records = collector.GetSnapshot();
        var uncertain = Assert.Single(records, r => r.Id.Id == 40);
        Assert.Equal(LogLevel.Warning, uncertain.Level);
        Assert.Contains($"Message {e.MessageId} may or may not have been delivered", uncertain.Message, StringComparison.Ordinal);
        Assert.Contains(records, r => r.Id.Id == 41 && r.Message.Contains(e.MessageId, StringComparison.Ordinal));
        var logs = string.Join(Environment.NewLine, records.Select(r => r.Message));
        Assert.DoesNotContain("Diagnostic", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("279035121518989", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("279035121518989", e.Message, StringComparison.Ordinal);
    }

    private async Task<(FakeAccount Account, IMailboxClient Box)> OpenAsync()
    {
        var account = _harness.Server.CreateAccount($"matrice{++_next}.test", Password);
        var session = await _harness.SignInAsync(account, Password);
        return (account, await session.OpenMailboxAsync(account.Address));
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();
}
