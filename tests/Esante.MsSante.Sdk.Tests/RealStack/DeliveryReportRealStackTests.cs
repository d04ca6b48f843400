using System.Diagnostics;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>Delivery status notifications that Postfix itself writes, read by the SDK in the sender's mailbox.</summary>
[Collection(MailStackCollection.Name)]
public sealed class DeliveryReportRealStackTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    [Fact]
    public async Task Postfix_bounces_a_message_for_an_unknown_mailbox_and_the_sender_reads_the_report_linked_to_it()
    {
        var sender = stack.NewAddress();
        stack.AddUser(sender, Password);
        var unknown = stack.NewAddress("personne");
        var letter = new OutgoingMessage { Subject = "Compte rendu", TextBody = "Bonjour." };
        letter.To.Add(MssanteAddress.Parse(unknown));
        using var mime = MssanteMessageComposer.Compose(letter, MssanteAddress.Parse(sender), null, "DEV935997", DateTimeOffset.Now);

        // Submission refuses an unknown recipient at RCPT; the local pickup does not, so Postfix queues the message,
        // Dovecot's LMTP refuses it, and Postfix's bounce service writes the DSN a remote operator would send.
        await InjectAsync(mime, sender, unknown);

        await using var box = await MailStack.OpenAsync(stack.Options(), sender, Password);
        var report = await WaitForReportAsync(box);
        Assert.Equal(mime.MessageId, report.OriginalMessageId);
        Assert.True(report.HasFailures);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal(unknown, recipient.FinalRecipient, ignoreCase: true);
        Assert.Equal(DeliveryAction.Failed, recipient.Action);
        Assert.Equal("5.1.1", recipient.Status);
        Assert.Equal(DeliveryProblem.MailboxUnknown, recipient.Problem);
        Assert.Contains("550 5.1.1", recipient.DiagnosticCode, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_report_the_SDK_asks_for_names_the_message_by_its_envelope_id()
    {
        var alice = stack.NewAddress();
        var bob = stack.NewAddress();
        stack.AddUser(alice, Password);
        stack.AddUser(bob, Password);
        await using var box = await MailStack.OpenAsync(stack.Options(), alice, Password);
        var letter = new OutgoingMessage { Subject = "Avis demandé", TextBody = "Bonjour.", DeliveryStatus = DeliveryStatusRequest.Success | DeliveryStatusRequest.Failure };
        letter.To.Add(MssanteAddress.Parse(bob));

        var sent = await box.SendAsync(letter);

        var report = await WaitForReportAsync(box);
        Assert.Equal(sent.MessageId, report.OriginalEnvelopeId);
        Assert.Equal(sent.MessageId, report.OriginalMessageId);
        Assert.False(report.HasFailures);
        var recipient = Assert.Single(report.Recipients);
        Assert.Contains(recipient.Action, new[] { DeliveryAction.Delivered, DeliveryAction.Relayed });
        Assert.StartsWith("2.", recipient.Status, StringComparison.Ordinal);
        Assert.Equal(DeliveryProblem.None, recipient.Problem);
    }

    private async Task InjectAsync(MimeKit.MimeMessage mime, string sender, string recipient)
    {
        var start = new ProcessStartInfo("/usr/sbin/sendmail")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-C", Path.Combine(stack.Directory, "postfix"), "-f", sender, "-N", "failure", recipient })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        await mime.WriteToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "sendmail failed: " + error);
    }

    private static async Task<DeliveryStatusReport> WaitForReportAsync(IMailboxClient box)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            await foreach (var summary in box.Messages.ListAsync())
            {
                if ((await box.Messages.ReadAsync(summary.Ref)).DeliveryStatusReport is { } report)
                {
                    return report;
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("No delivery report arrived within 20 s.");
    }
}
