using MimeKit;
using MimeKit.Utils;

namespace Esante.MsSante;

/// <summary>
/// Turns an <see cref="OutgoingMessage"/> into the MIME message MSSanté expects: UTF-8 text, <c>X-MSS-NIL</c> on every message,
/// Message-ID, In-Reply-To, References and Reply-To per RFC 5322, <c>Disposition-Notification-To</c> when a read receipt is asked,
/// <c>X-MSS-MES: FIN</c> to end a patient conversation. Bcc recipients stay out of the headers.
/// </summary>
/// <remarks>The message must have passed the policies: this type does not validate.</remarks>
public static class MssanteMessageComposer
{
    /// <summary>Composes the MIME message.</summary>
    /// <param name="message">The message, already checked by the policies.</param>
    /// <param name="from">The sending mailbox's address (the structure's for an organisational mailbox).</param>
    /// <param name="fromDisplayName">The sending mailbox's display name, if any.</param>
    /// <param name="productReference">The software's product reference for <c>X-MSS-NIL</c>.</param>
    /// <param name="date">The Date header.</param>
    /// <param name="signature">A signature to end the bodies with, after the « -- » line of RFC 3676 §4.3; null for none.</param>
    /// <returns>The MIME message; attachments stream from their sources when it is written.</returns>
    public static MimeMessage Compose(OutgoingMessage message, MssanteAddress from, string? fromDisplayName, string productReference, DateTimeOffset date, string? signature = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentException.ThrowIfNullOrWhiteSpace(productReference);

        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(fromDisplayName ?? string.Empty, from.Value));
        mime.To.AddRange(message.To.Select(ToMailbox));
        mime.Cc.AddRange(message.Cc.Select(ToMailbox));
        mime.ReplyTo.AddRange(message.ReplyTo.Select(ToMailbox));
        mime.Subject = message.Subject ?? string.Empty;
        mime.Date = date;
        mime.MessageId = MimeUtils.GenerateMessageId(from.Domain);
        if (message.InReplyTo is not null)
        {
            mime.InReplyTo = message.InReplyTo;
        }
        foreach (var reference in message.References)
        {
            mime.References.Add(reference);
        }
        mime.Headers.Add(MssanteHeaders.Nil, productReference);
        if (message.EndsPatientConversation)
        {
            mime.Headers.Add(MssanteHeaders.Mes, MssanteHeaders.MesEndValue);
        }
        if (message.RequestReadReceipt)
        {
            mime.Headers.Add(HeaderId.DispositionNotificationTo, new MailboxAddress(fromDisplayName ?? string.Empty, from.Value).ToString());
        }

        if (message.Xdm is { } xdm)
        {
            // Référentiel #2 §3.8: the CDA documents' types, and whether the archive holds a qualified INS.
            var cdaCodes = xdm.Documents.Where(d => d.IsCda).Select(d => d.TypeCode.Code).Distinct().ToList();
            if (cdaCodes.Count > 0)
            {
                mime.Headers.Add(MssanteHeaders.CodeCda, string.Join(",", cdaCodes));
                mime.Headers.Add(MssanteHeaders.Ins, xdm.Patient.IsQualifiedWithAllTraits ? "O" : "N");
            }
        }

        var builder = new BodyBuilder
        {
            // va1.11: text/plain or multipart/alternative, so an HTML-only message gets a text part derived from its HTML.
            TextBody = Signed(message.TextBody ?? (message.HtmlBody is null ? string.Empty : HtmlText.ToPlainText(message.HtmlBody)), signature),
            HtmlBody = SignedHtml(message.HtmlBody, signature),
        };
        var attachments = message.Xdm is { } package
            ? [XdmAttachment(package, date, productReference, [.. message.To.Concat(message.Cc).Select(r => r.Address).Where(TextChecks.IsHl7Value)]), .. message.Attachments]
            : message.Attachments;
        mime.Body = WithAttachments(builder.ToMessageBody(), attachments);
        foreach (var part in mime.BodyParts.OfType<TextPart>())
        {
            part.ContentType.Charset = "utf-8";
        }
        return mime;
    }

    /// <summary>
    /// The IHE_XDM.zip attachment, written once into memory blocks (no doubling buffer, no copy to an array) that the message
    /// reads each time it is written: with 15 MB of documents, 15 MB more, not 60.
    /// </summary>
    private static OutgoingAttachment XdmAttachment(Xdm.XdmPackage package, DateTimeOffset date, string? productReference, IReadOnlyList<string> recipients)
    {
        var zip = new MimeKit.IO.MemoryBlockStream();
        package.WriteZip(zip, date, productReference, recipients);
        zip.Position = 0;
        return OutgoingAttachment.FromStream(Xdm.XdmPackage.FileName, zip, "application/zip");
    }

    // The draft's signature choice, for the SDK reading it back: "none", or the name of the signature to add when sent.
    private const string DraftSignatureHeader = "X-Esante-Draft-Signature";
    private const string NoSignature = "none";

    /// <summary>
    /// A draft: the message as <see cref="Compose"/> writes it (without the signature, added when it is sent), with its Bcc
    /// recipients kept in a Bcc header and its signature choice in a header of ours.
    /// </summary>
    internal static MimeMessage ComposeDraft(OutgoingMessage message, MssanteAddress from, string? fromDisplayName, string productReference, DateTimeOffset date)
    {
        var mime = Compose(message, from, fromDisplayName, productReference, date);
        mime.Bcc.AddRange(message.Bcc.Select(ToMailbox));
        if (!message.IncludeSignature || message.SignatureName is not null)
        {
            mime.Headers.Add(DraftSignatureHeader, message.IncludeSignature ? message.SignatureName! : NoSignature);
        }
        return mime;
    }

    /// <summary>A draft read back (from <see cref="ComposeDraft"/> or a webmail) as a message to go on writing.</summary>
    internal static async Task<OutgoingMessage> ReadDraftAsync(MimeMessage draft, CancellationToken cancellationToken)
    {
        var message = new OutgoingMessage
        {
            Subject = string.IsNullOrEmpty(draft.Subject) ? null : draft.Subject,
            TextBody = draft.TextBody,
            HtmlBody = draft.HtmlBody,
            RequestReadReceipt = draft.Headers.Contains(HeaderId.DispositionNotificationTo),
            InReplyTo = draft.InReplyTo,
            EndsPatientConversation = string.Equals(draft.Headers[MssanteHeaders.Mes]?.Trim(), MssanteHeaders.MesEndValue, StringComparison.OrdinalIgnoreCase),
        };
        if (draft.Headers[DraftSignatureHeader]?.Trim() is { Length: > 0 } signature)
        {
            message.IncludeSignature = signature != NoSignature;
            message.SignatureName = message.IncludeSignature ? signature : null;
        }
        AddRecipients(draft.To, message.To);
        AddRecipients(draft.Cc, message.Cc);
        AddRecipients(draft.Bcc, message.Bcc);
        AddRecipients(draft.ReplyTo, message.ReplyTo);
        foreach (var reference in draft.References)
        {
            message.References.Add(reference);
        }
        // Every part that is not one of the bodies comes back as an attachment (inline images and attached messages
        // included): a draft sent must carry all it held.
        var index = 0;
        foreach (var entity in draft.BodyParts)
        {
            if (entity is TextPart { IsAttachment: false } text && (text.IsPlain || text.IsHtml) && string.IsNullOrEmpty(text.FileName))
            {
                continue;
            }
            index++;
            var part = new ReceivedAttachment(entity);
            message.Attachments.Add(OutgoingAttachment.FromBytes(
                string.IsNullOrWhiteSpace(part.GivenFileName) ? $"piece-jointe-{index}" : part.GivenFileName,
                await part.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false),
                part.ContentType));
        }
        return message;
    }

    private static void AddRecipients(InternetAddressList addresses, IList<Recipient> recipients)
    {
        foreach (var mailbox in addresses.Mailboxes)
        {
            recipients.Add(Recipient.Unchecked(mailbox.Address, string.IsNullOrEmpty(mailbox.Name) ? null : mailbox.Name));
        }
    }

    /// <summary>The envelope recipients: To, Cc and Bcc, each address once.</summary>
    public static IReadOnlyList<MssanteAddress> EnvelopeRecipients(OutgoingMessage message, TrustedDomainList trustedDomains)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.AllRecipients
            .Select(r => MssanteAddress.Parse(r.Address, trustedDomains))
            .Distinct()
            .ToList();
    }

    private static string? Signed(string? text, string? signature) =>
        text is null || signature is null ? text : $"{(text.Length == 0 || text.EndsWith('\n') ? text : text + "\r\n")}-- \r\n{signature}";

    private static string? SignedHtml(string? html, string? signature)
    {
        if (html is null || signature is null)
        {
            return html;
        }
        var block = "<div class=\"signature\">-- <br>" +
            System.Net.WebUtility.HtmlEncode(signature).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal) + "</div>";
        var end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return end < 0 ? html + block : html.Insert(end, block);
    }

    private static MailboxAddress ToMailbox(Recipient recipient) => new(recipient.DisplayName ?? string.Empty, recipient.Address);

    private static MimeEntity WithAttachments(MimeEntity body, IList<OutgoingAttachment> attachments)
    {
        if (attachments.Count == 0)
        {
            return body;
        }
        var mixed = new Multipart("mixed") { body };
        foreach (var attachment in attachments)
        {
            mixed.Add(new MimePart(ContentType.Parse(attachment.ContentType))
            {
                Content = new MimeContent(attachment.OpenRead()),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.FileName,
            });
        }
        return mixed;
    }
}
