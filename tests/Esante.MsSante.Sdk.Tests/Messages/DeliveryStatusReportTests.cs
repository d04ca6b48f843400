using System.Text;
using MimeKit;

namespace Esante.MsSante.Tests.Messages;

/// <summary>Delivery status notifications (RFC 3464) read into a report linked to the message sent.</summary>
public class DeliveryStatusReportTests
{
    private const string Ins = "279035121518989";

    [Fact]
    public void A_bounce_for_a_closed_patient_space_is_linked_to_the_message_and_its_diagnostic_keeps_no_ins()
    {
        var report = Assert.IsType<DeliveryStatusReport>(DeliveryStatusReport.From(Dsn(
            [
                "Reporting-MTA: dns; mx.patient.mssante.fr",
                "",
                $"Final-Recipient: rfc822; {Ins}@patient.mssante.fr",
                $"Original-Recipient: rfc822;{Ins}@patient.mssante.fr",
                "Action: failed",
                "Status: 5.2.1",
                "Remote-MTA: dns; mx.patient.mssante.fr",
                $"Diagnostic-Code: smtp; 550 5.2.1 <{Ins}@patient.mssante.fr> Espace santé clos ({Ins})",
            ],
            returned: ["Content-Type: text/rfc822-headers", "", "From: a@chu-angers.mssante.fr", "Message-ID: <sent-1@chu-angers.mssante.fr>", "Subject: Résultats"])));

        Assert.Equal("sent-1@chu-angers.mssante.fr", report.OriginalMessageId);
        Assert.Equal("mx.patient.mssante.fr", report.ReportingMta);
        Assert.True(report.HasFailures);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal($"{Ins}@patient.mssante.fr", recipient.FinalRecipient);
        Assert.Equal($"{Ins}@patient.mssante.fr", recipient.OriginalRecipient);
        Assert.Equal(DeliveryAction.Failed, recipient.Action);
        Assert.Equal("5.2.1", recipient.Status);
        Assert.True(recipient.IsPermanentFailure);
        Assert.False(recipient.IsTransientFailure);
        Assert.Equal(DeliveryProblem.MailboxClosed, recipient.Problem);
        Assert.Equal("mx.patient.mssante.fr", recipient.RemoteMta);
        Assert.StartsWith("smtp; 550 5.2.1", recipient.DiagnosticCode, StringComparison.Ordinal);
        Assert.DoesNotContain(Ins, recipient.DiagnosticCode, StringComparison.Ordinal);
        Assert.DoesNotContain(Ins, recipient.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("failed", "5.1.1", DeliveryProblem.MailboxUnknown)]
    [InlineData("failed", "5.1.6", DeliveryProblem.MailboxUnknown)]
    [InlineData("failed", "5.1.3", DeliveryProblem.InvalidAddress)]
    [InlineData("failed", "5.2.1", DeliveryProblem.MailboxClosed)]
    [InlineData("failed", "5.2.2", DeliveryProblem.MailboxFull)]
    [InlineData("failed", "5.2.3", DeliveryProblem.MessageTooLarge)]
    [InlineData("failed", "5.3.4 (message too big)", DeliveryProblem.MessageTooLarge)]
    [InlineData("failed", "5.7.1", DeliveryProblem.Refused)]
    [InlineData("delayed", "4.4.1", DeliveryProblem.Other)]
    [InlineData("delivered", "2.0.0", DeliveryProblem.None)]
    public void Each_status_code_says_why_the_message_did_not_arrive(string action, string status, DeliveryProblem problem)
    {
        var report = DeliveryStatusReport.From(Dsn(["Reporting-MTA: dns; mx.test", "", "Final-Recipient: rfc822;b@chu-angers.mssante.fr", "Action: " + action, "Status: " + status]))!;

        var recipient = Assert.Single(report.Recipients);
        Assert.Equal(problem, recipient.Problem);
        Assert.Equal(status.Split(' ')[0], recipient.Status);
        Assert.Equal(action == "failed", report.HasFailures);
        Assert.Equal(status.StartsWith('4'), recipient.IsTransientFailure);
    }

    [Fact]
    public void Every_recipient_of_the_report_is_read()
    {
        var report = DeliveryStatusReport.From(Dsn([
            "Reporting-MTA: dns; mx.test",
            "",
            "Final-Recipient: rfc822;b@chu-angers.mssante.fr",
            "Action: delivered",
            "Status: 2.0.0",
            "",
            "Final-Recipient: rfc822;c@chu-angers.mssante.fr",
            "Action: failed",
            "Status: 5.1.1",
        ]))!;

        Assert.Equal(["b@chu-angers.mssante.fr", "c@chu-angers.mssante.fr"], report.Recipients.Select(r => r.FinalRecipient));
        Assert.Equal([DeliveryAction.Delivered, DeliveryAction.Failed], report.Recipients.Select(r => r.Action));
        Assert.True(report.HasFailures);
    }

    [Fact]
    public void Without_the_returned_message_the_report_is_linked_by_In_Reply_To_then_by_the_envelope_id()
    {
        var byReply = DeliveryStatusReport.From(Dsn(["Reporting-MTA: dns; mx.test", "", "Final-Recipient: rfc822;b@x.mssante.fr", "Action: failed", "Status: 5.1.1"], inReplyTo: "<sent-2@chu-angers.mssante.fr>"))!;
        Assert.Equal("sent-2@chu-angers.mssante.fr", byReply.OriginalMessageId);

        var byEnvelope = DeliveryStatusReport.From(Dsn(["Original-Envelope-Id: sent-3@chu-angers.mssante.fr", "Reporting-MTA: dns; mx.test", "", "Final-Recipient: rfc822;b@x.mssante.fr", "Action: failed", "Status: 5.1.1"]))!;
        Assert.Equal("sent-3@chu-angers.mssante.fr", byEnvelope.OriginalMessageId);
        Assert.Equal("sent-3@chu-angers.mssante.fr", byEnvelope.OriginalEnvelopeId);

        var foreignEnvelope = DeliveryStatusReport.From(Dsn(["Original-Envelope-Id: QQ314159", "", "Final-Recipient: rfc822;b@x.mssante.fr", "Action: failed", "Status: 5.1.1"]))!;
        Assert.Null(foreignEnvelope.OriginalMessageId);
    }

    [Fact]
    public void A_read_receipt_or_a_plain_message_is_no_delivery_report_and_a_delivery_report_is_no_read_receipt()
    {
        var receipt = Parse("Content-Type: multipart/report; report-type=disposition-notification; boundary=b", "", "--b", "Content-Type: text/plain", "", "Lu.",
            "--b", "Content-Type: message/disposition-notification", "", "Final-Recipient: rfc822;b@x.mssante.fr", "Disposition: manual-action/MDN-sent-manually; displayed", "", "--b--");
        Assert.Null(DeliveryStatusReport.From(receipt));
        Assert.Null(DeliveryStatusReport.From(Parse("Content-Type: text/plain", "", "Bonjour")));
        Assert.Null(DispositionReport.From(Dsn(["Reporting-MTA: dns; mx.test", "", "Final-Recipient: rfc822;b@x.mssante.fr", "Action: failed", "Status: 5.1.1"])));
    }

    private static MimeMessage Dsn(string[] status, string[]? returned = null, string? inReplyTo = null)
    {
        string[] lines =
        [
            .. inReplyTo is null ? Array.Empty<string>() : ["In-Reply-To: " + inReplyTo],
            "Content-Type: multipart/report; report-type=delivery-status; boundary=b",
            "",
            "--b",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Votre message n'a pas pu être distribué.",
            "--b",
            "Content-Type: message/delivery-status",
            "",
            .. status,
            "",
            .. returned is null ? Array.Empty<string>() : ["--b", .. returned, ""],
            "--b--",
        ];
        return Parse(lines);
    }

    private static MimeMessage Parse(params string[] lines)
    {
        var text = "From: MAILER-DAEMON@mx.test\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n" + string.Join("\r\n", lines) + "\r\n";
        return MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)));
    }
}
