using MimeKit;

namespace Esante.MsSante.Tests.Messages;

public class MssanteMessageComposerTests
{
    private static readonly MssanteAddress From = MssanteAddress.Parse("secretariat-cardio@esantepdl.mssante.fr");

    private static MimeMessage Compose(OutgoingMessage message) =>
        MssanteMessageComposer.Compose(message, From, "Secrétariat cardio", "DEV935997", new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Every_message_carries_X_MSS_NIL_a_Message_ID_and_UTF8_text()
    {
        var message = new OutgoingMessage { Subject = "Compte rendu", TextBody = "Résultats ci-joints." };
        message.To.Add(new Recipient("adeline.goudal@chu-nantes.mssante.fr", "Adeline Goudal"));
        var mime = Compose(message);
        Assert.Equal("DEV935997", mime.Headers[MssanteHeaders.Nil]);
        Assert.EndsWith("@esantepdl.mssante.fr", mime.MessageId, StringComparison.Ordinal);
        Assert.Equal("secretariat-cardio@esantepdl.mssante.fr", mime.From.Mailboxes.Single().Address);
        var text = Assert.IsType<TextPart>(mime.Body);
        Assert.Equal("utf-8", text.ContentType.Charset);
        Assert.Null(mime.Headers[MssanteHeaders.Mes]);
        Assert.False(mime.Headers.Contains(HeaderId.DispositionNotificationTo));
    }

    [Fact]
    public void Bcc_recipients_stay_out_of_the_headers_but_in_the_envelope()
    {
        var message = new OutgoingMessage { Subject = "x", TextBody = "y" };
        message.To.Add(new Recipient("a@chu-nantes.mssante.fr"));
        message.Cc.Add(new Recipient("b@chu-nantes.mssante.fr"));
        message.Bcc.Add(new Recipient("c@chu-nantes.mssante.fr"));
        message.Bcc.Add(new Recipient("A@chu-nantes.mssante.fr"));
        var mime = Compose(message);
        using var written = new MemoryStream();
        mime.WriteTo(written);
        Assert.DoesNotContain("c@chu-nantes", System.Text.Encoding.UTF8.GetString(written.ToArray()), StringComparison.Ordinal);
        var envelope = MssanteMessageComposer.EnvelopeRecipients(message, TrustedDomainList.Default);
        Assert.Equal(["a@chu-nantes.mssante.fr", "b@chu-nantes.mssante.fr", "c@chu-nantes.mssante.fr"], envelope.Select(a => a.Value));
    }

    [Fact]
    public void Read_receipt_reply_threading_and_end_of_patient_conversation_headers()
    {
        var message = new OutgoingMessage { Subject = "Re: question", TextBody = "Réponse", RequestReadReceipt = true, InReplyTo = "abc@patient.mssante.fr", EndsPatientConversation = true };
        message.References.Add("abc@patient.mssante.fr");
        message.To.Add(new Recipient("279035121518989@patient.mssante.fr"));
        var mime = Compose(message);
        Assert.Contains("secretariat-cardio@esantepdl.mssante.fr", mime.Headers[HeaderId.DispositionNotificationTo], StringComparison.Ordinal);
        Assert.Equal("abc@patient.mssante.fr", mime.InReplyTo);
        Assert.Equal("abc@patient.mssante.fr", mime.References.Single());
        Assert.Equal("FIN", mime.Headers[MssanteHeaders.Mes]);
    }

    [Fact]
    public void Attachments_and_html_make_a_mixed_message_with_alternative_bodies()
    {
        var message = new OutgoingMessage { Subject = "x", TextBody = "texte", HtmlBody = "<p>texte</p>" };
        message.To.Add(new Recipient("a@chu-nantes.mssante.fr"));
        message.Attachments.Add(OutgoingAttachment.FromBytes("cr.pdf", [1, 2, 3], "application/pdf"));
        var mime = Compose(message);
        var mixed = Assert.IsType<Multipart>(mime.Body);
        Assert.Equal("mixed", mixed.ContentType.MediaSubtype);
        Assert.IsType<MultipartAlternative>(mixed[0]);
        var attachment = Assert.Single(mime.Attachments.OfType<MimePart>());
        Assert.Equal("cr.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
    }

    [Fact]
    public void A_stream_attachment_is_read_when_sent_and_the_callers_stream_stays_open()
    {
        using var stream = new MemoryStream([9, 8, 7, 6]);
        stream.Position = 1;
        var attachment = OutgoingAttachment.FromStream("data.bin", stream);
        Assert.Equal(3, attachment.Length);
        var message = new OutgoingMessage { Subject = "x", TextBody = "y" };
        message.To.Add(new Recipient("a@chu-nantes.mssante.fr"));
        message.Attachments.Add(attachment);
        using var output = new MemoryStream();
        Compose(message).WriteTo(output);
        Assert.True(stream.CanRead);
        Assert.Throws<ArgumentException>(() => OutgoingAttachment.FromStream("x", new NonSeekable()));
    }

    private sealed class NonSeekable : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
