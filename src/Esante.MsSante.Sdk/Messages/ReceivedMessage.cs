using MimeKit;

namespace Esante.MsSante;

/// <summary>A message read from a mailbox: its summary, bodies, attachments and MSSanté headers.</summary>
public sealed class ReceivedMessage
{
    internal ReceivedMessage(MessageInfo summary, MimeMessage mime)
    {
        Summary = summary;
        Mime = mime;
        MessageId = mime.MessageId;
        InReplyTo = mime.InReplyTo;
        To = Parties(mime.To);
        Cc = Parties(mime.Cc);
        ReplyTo = Parties(mime.ReplyTo);
        Attachments = mime.Attachments.Select(p => new ReceivedAttachment(p)).ToList();
        ReadReceiptRequested = mime.Headers.Contains(HeaderId.DispositionNotificationTo);
        DispositionReport = DispositionReport.From(mime);
        DeliveryStatusReport = DeliveryStatusReport.From(mime);
        ProductReference = mime.Headers[MssanteHeaders.Nil];
        EndsPatientConversation =
            string.Equals(mime.Headers[MssanteHeaders.Mes]?.Trim(), MssanteHeaders.MesEndValue, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(mime.Subject?.Trim(), MssanteHeaders.EndSubject, StringComparison.Ordinal);
    }

    /// <summary>The message's line in the list: sender, subject, date, flags, size, MSSanté indicator.</summary>
    public MessageInfo Summary { get; }

    /// <summary>The Message-ID, without angle brackets.</summary>
    public string? MessageId { get; }

    /// <summary>The Message-ID this message answers, if any.</summary>
    public string? InReplyTo { get; }

    /// <summary>The main recipients.</summary>
    public IReadOnlyList<MessageParty> To { get; }

    /// <summary>The copy recipients.</summary>
    public IReadOnlyList<MessageParty> Cc { get; }

    /// <summary>Where the sender asked replies to go (<c>Reply-To</c>), if anywhere: else reply to <see cref="MessageInfo.From"/>.</summary>
    public IReadOnlyList<MessageParty> ReplyTo { get; }

    /// <summary>The plain-text body, if any.</summary>
    public string? TextBody => Mime.TextBody;

    /// <summary>The HTML body, if any.</summary>
    public string? HtmlBody => Mime.HtmlBody;

    /// <summary>The attachments.</summary>
    public IReadOnlyList<ReceivedAttachment> Attachments { get; }

    /// <summary>Whether the sender asked for a read receipt (<c>Disposition-Notification-To</c>).</summary>
    public bool ReadReceiptRequested { get; }

    /// <summary>When this message is a read receipt (MDN), what it reports; otherwise null.</summary>
    public DispositionReport? DispositionReport { get; }

    /// <summary>When this message is a delivery status notification (a bounce, RFC 3464), what it reports; otherwise null.</summary>
    public DeliveryStatusReport? DeliveryStatusReport { get; }

    /// <summary>The sending software's product reference (<c>X-MSS-NIL</c>), if present.</summary>
    public string? ProductReference { get; }

    /// <summary>Whether the message ends a conversation with a patient (<c>X-MSS-MES: FIN</c> or subject <c>[FIN]</c>).</summary>
    public bool EndsPatientConversation { get; }

    /// <summary>
    /// Reads the message's IHE XDM archive (the <c>IHE_XDM.zip</c> attachment): its documents and their metadata, each
    /// checked against its declared size and hash. Null when the message has none. The archive is found whatever its
    /// Content-Disposition (attachment, inline or none) and name: by its name, else by a zip type or signature with an XDM
    /// submission set inside.
    /// </summary>
    /// <exception cref="InvalidDataException">The attachment is not a readable XDM archive.</exception>
    public Xdm.XdmArchive? ReadXdmArchive()
    {
        var part = Xdm.XdmAttachment.Find(Mime);
        if (part?.Content is null)
        {
            return null;
        }
        // Memory blocks rather than a MemoryStream, whose doubling buffer would hold the archive up to twice over.
        using var zip = new MimeKit.IO.MemoryBlockStream();
        part.Content.DecodeTo(zip);
        zip.Position = 0;
        return Xdm.XdmArchive.Read(zip);
    }

    /// <summary>The whole MIME message, for what this type does not expose.</summary>
    public MimeMessage Mime { get; }

    private static List<MessageParty> Parties(InternetAddressList addresses) =>
        addresses.Mailboxes.Select(m => new MessageParty(string.IsNullOrEmpty(m.Name) ? null : m.Name, m.Address)).ToList();
}
