using System.Text;
using MimeKit;

namespace Esante.MsSante.Tests.Messages;

public class ReadReceiptTests
{
    [Theory]
    [InlineData("902")]
    [InlineData("902^")]
    [InlineData("^Identifiant de patient inconnu")]
    [InlineData("9 02^Identifiant de patient inconnu")]
    [InlineData("902^Identifiant\r\nBcc: pirate@example.com")]
    [InlineData("902^Identifiant\ninconnu")]
    public void An_integration_error_that_is_not_one_line_of_code_and_label_is_refused(string error)
    {
        var e = Assert.Throws<ArgumentException>(() => ReadReceipt.IntegrationFailed(error));
        Assert.Equal("error", e.ParamName);
    }

    [Fact]
    public void The_dispositions_follow_RFC_8098_and_the_ANS_volet()
    {
        Assert.Equal("manual-action/MDN-sent-manually; displayed", ReadReceipt.Displayed.Disposition);
        Assert.False(ReadReceipt.Displayed.IsAutomatic);
        Assert.Equal("automatic-action/MDN-sent-automatically; processed", ReadReceipt.Processed.Disposition);
        Assert.True(ReadReceipt.Processed.IsAutomatic);
        var failed = ReadReceipt.IntegrationFailed("902^Identifiant de patient inconnu^applicationErrorCondition");
        Assert.Equal("automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu^applicationErrorCondition", failed.Disposition);
        Assert.Equal("902", failed.ErrorCode);
        Assert.Equal("Identifiant de patient inconnu", failed.ErrorLabel);
        Assert.Equal("automatic-action/MDN-sent-manually; processed/Error: 902^Identifiant de patient inconnu^applicationErrorCondition", failed.ConfirmedByUser().Disposition);
    }

    [Fact]
    public void A_receipt_from_another_program_and_one_in_the_volets_older_form_are_read()
    {
        var thunderbird = Report("Disposition: manual-action/MDN-sent-manually; displayed");
        Assert.Equal("displayed", thunderbird!.DispositionType);
        Assert.False(thunderbird.IsError);
        Assert.Equal("abc@chu-angers.mssante.fr", thunderbird.OriginalMessageId);
        Assert.Equal("claire.roux@chu-angers.mssante.fr", thunderbird.FinalRecipient);

        var older = Report("Disposition: automatic-action/MDN-sent-automatically; processed/error", "Error: 902^Identifiant de patient inconnu");
        Assert.True(older!.IsError);
        Assert.Equal("processed", older.DispositionType);
        Assert.Equal("902", older.ErrorCode);
        Assert.Equal("902^Identifiant de patient inconnu", older.Error);
    }

    [Fact]
    public void A_message_that_is_not_a_disposition_report_has_none()
    {
        var delivery = Parse("Content-Type: multipart/report; report-type=delivery-status; boundary=b", "", "--b", "Content-Type: text/plain", "", "x", "--b--");
        Assert.Null(DispositionReport.From(delivery));
        Assert.Null(DispositionReport.From(Parse("Content-Type: text/plain", "", "Bonjour")));
    }

    private static DispositionReport? Report(params string[] fields) => DispositionReport.From(Parse([
        "Content-Type: multipart/report; report-type=disposition-notification; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "Lu.",
        "--b",
        "Content-Type: message/disposition-notification",
        "",
        "Final-Recipient: rfc822;claire.roux@chu-angers.mssante.fr",
        "Original-Message-ID: <abc@chu-angers.mssante.fr>",
        .. fields,
        "",
        "--b--"]));

    private static MimeMessage Parse(params string[] lines)
    {
        var text = "From: a@chu-angers.mssante.fr\r\nSubject: s\r\nMIME-Version: 1.0\r\n" + string.Join("\r\n", lines) + "\r\n";
        return MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)));
    }
}
