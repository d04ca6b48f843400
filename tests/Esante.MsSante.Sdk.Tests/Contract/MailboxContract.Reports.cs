using System.Text;

namespace Esante.MsSante.Tests.Contract;

/// <summary>Delivery status notifications arriving in a mailbox, read through the SDK on every operator.</summary>
public abstract partial class MailboxContract
{
    [Fact]
    public async Task A_bounce_that_arrives_is_read_as_a_delivery_report_linked_to_the_message_sent()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var sent = await alice.Box.SendAsync(Letter(bob.Address, "Résultats de biologie"));
        const string patient = "279035121518989@patient.mssante.fr";

        // As a receiving server writes it (RFC 3464), returning the message's headers.
        var bounce = string.Join("\r\n",
            "From: Mail Delivery System <MAILER-DAEMON@" + HostedDomain + ">",
            "To: " + alice.Address.Value,
            "Subject: Undelivered Mail Returned to Sender",
            "Message-ID: <" + Guid.NewGuid().ToString("N") + "@bounce.test>",
            "Date: Thu, 26 Nov 2026 09:00:00 +0100",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"dsn\"",
            "",
            "--dsn",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Le message n'a pas pu être distribué.",
            "--dsn",
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mx.patient.mssante.fr",
            "",
            "Final-Recipient: rfc822; " + patient,
            "Action: failed",
            "Status: 5.1.1",
            "Diagnostic-Code: smtp; 550 5.1.1 <" + patient + ">: patient inconnu",
            "",
            "--dsn",
            "Content-Type: text/rfc822-headers",
            "",
            "From: " + alice.Address.Value,
            "Message-ID: <" + sent.MessageId + ">",
            "Subject: Résultats de biologie",
            "",
            "--dsn--",
            "");
        await DeliverRawAsync(alice.User, Encoding.UTF8.GetBytes(bounce));

        var summary = await WaitForMessageAsync(alice.Box, s => s.Subject == "Undelivered Mail Returned to Sender");
        var report = Assert.IsType<DeliveryStatusReport>((await alice.Box.Messages.ReadAsync(summary.Ref)).DeliveryStatusReport);
        Assert.Equal(sent.MessageId, report.OriginalMessageId);
        Assert.True(report.HasFailures);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal(patient, recipient.FinalRecipient);
        Assert.Equal(DeliveryProblem.MailboxUnknown, recipient.Problem);
        Assert.DoesNotContain("279035121518989", recipient.DiagnosticCode, StringComparison.Ordinal);
    }
}
