using Esante.MsSante.Tests.Messages.Fixtures;
using MimeKit;

namespace Esante.MsSante.Tests.Messages;

/// <summary>The error MDN in the one-field form of ANS's volet, written and read, and the volet's own example read.</summary>
public class ErrorReceiptFormTests
{
    private const string VoletError = "902^Identifiant de patient inconnu^messageErrorCondition| E^Error^errorSeverity";

    [Fact]
    public void The_volets_example_error_MDN_is_read_with_its_code_original_and_recipient()
    {
        using var mime = MimeMessage.Load(new MemoryStream(Fixture.Bytes("volet-mdn-error-example.eml")));

        var report = Assert.IsType<DispositionReport>(DispositionReport.From(mime));

        Assert.True(report.IsError);
        Assert.Equal("processed", report.DispositionType);
        Assert.Equal(VoletError, report.Error);
        Assert.Equal("902", report.ErrorCode);
        Assert.Equal("20240219230100.23456@chb.mssante.fr", report.OriginalMessageId);
        Assert.Equal("serviceY_auto@chb.mssante.fr", report.FinalRecipient);
    }

    [Fact]
    public void An_error_receipt_carries_its_error_in_the_one_Disposition_field_as_the_volet_writes_it()
    {
        using var original = Original();
        using var mdn = ReadReceiptComposer.Compose(original, ReadReceipt.IntegrationFailed(VoletError),
            MssanteAddress.Parse("serviceY_auto@chb.mssante.fr"), null, MssanteAddress.Parse("serviceY@chb.mssante.fr"), "DEV935997", DateTimeOffset.UnixEpoch);

        var fields = Assert.IsType<MessageDispositionNotification>(Assert.IsType<MultipartReport>(mdn.Body)[1]).Fields;
        Assert.Equal("automatic-action/MDN-sent-automatically; processed/Error: " + VoletError, fields["Disposition"]);
        Assert.False(fields.Contains("Error"));
        Assert.Equal("[KO Intégration système !][902] XDM/1.0/DDM+CR d'imagerie MARTIN Claire", mdn.Subject);

        using var read = Reload(mdn);
        var report = DispositionReport.From(read)!;
        Assert.Equal(VoletError, report.Error);
        Assert.Equal("902", report.ErrorCode);
        Assert.Equal("orig-1@chu-angers.mssante.fr", report.OriginalMessageId);
    }

    [Fact]
    public void The_originals_IHE_XDM_zip_and_PDF_are_attached_again_after_the_original_and_nothing_else()
    {
        using var original = Original(
            Attachment("application/zip", "IHE_XDM.zip", [80, 75, 3, 4]),
            Attachment("application/pdf", "20220531_CR_d_imagerie_medicale_MARTIN_Claire.pdf", [37, 80, 68, 70]),
            Attachment("image/png", "photo.png", [137, 80, 78, 71]));

        using var mdn = Reload(ReadReceiptComposer.Compose(original, ReadReceipt.IntegrationFailed(VoletError),
            MssanteAddress.Parse("serviceY_auto@chb.mssante.fr"), null, MssanteAddress.Parse("serviceY@chb.mssante.fr"), "DEV935997", DateTimeOffset.UnixEpoch));

        var report = Assert.IsType<MultipartReport>(mdn.Body);
        Assert.Equal(5, report.Count);
        Assert.IsType<MessagePart>(report[2]);
        var zip = Assert.IsType<MimePart>(report[3]);
        Assert.Equal("IHE_XDM.zip", zip.FileName);
        Assert.True(zip.ContentType.IsMimeType("application", "zip"));
        Assert.Equal(new byte[] { 80, 75, 3, 4 }, Decoded(zip));
        var pdf = Assert.IsType<MimePart>(report[4]);
        Assert.Equal("20220531_CR_d_imagerie_medicale_MARTIN_Claire.pdf", pdf.FileName);
        Assert.Equal(new byte[] { 37, 80, 68, 70 }, Decoded(pdf));
        Assert.True(pdf.IsAttachment);
    }

    [Fact]
    public void A_receipt_for_a_message_without_documents_has_the_three_parts_only()
    {
        using var original = Original(Attachment("image/png", "photo.png", [137, 80, 78, 71]));
        using var mdn = ReadReceiptComposer.Compose(original, ReadReceipt.Displayed,
            MssanteAddress.Parse("serviceY_auto@chb.mssante.fr"), null, MssanteAddress.Parse("serviceY@chb.mssante.fr"), "DEV935997", DateTimeOffset.UnixEpoch);
        Assert.Equal(3, Assert.IsType<MultipartReport>(mdn.Body).Count);
    }

    private static MimePart Attachment(string type, string name, byte[] bytes) => new(type)
    {
        Content = new MimeContent(new MemoryStream(bytes)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = name,
    };

    private static byte[] Decoded(MimePart part)
    {
        using var bytes = new MemoryStream();
        part.Content!.DecodeTo(bytes);
        return bytes.ToArray();
    }

    internal static MimeMessage Original(params MimeEntity[] attachments)
    {
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress(string.Empty, "serviceY@chb.mssante.fr"));
        original.To.Add(new MailboxAddress(string.Empty, "serviceY_auto@chb.mssante.fr"));
        original.Subject = "XDM/1.0/DDM+CR d'imagerie MARTIN Claire";
        original.MessageId = "orig-1@chu-angers.mssante.fr";
        original.Headers.Add(HeaderId.DispositionNotificationTo, "serviceY@chb.mssante.fr");
        var text = new TextPart("plain") { Text = "Bonjour" };
        if (attachments.Length == 0)
        {
            original.Body = text;
            return original;
        }
        var mixed = new Multipart("mixed") { text };
        foreach (var attachment in attachments)
        {
            mixed.Add(attachment);
        }
        original.Body = mixed;
        return original;
    }

    internal static MimeMessage Reload(MimeMessage message)
    {
        var bytes = new MemoryStream();
        message.WriteTo(bytes);
        bytes.Position = 0;
        return MimeMessage.Load(bytes);
    }
}
