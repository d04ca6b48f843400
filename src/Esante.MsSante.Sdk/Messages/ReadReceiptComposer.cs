using System.Globalization;
using MimeKit;
using MimeKit.Utils;

namespace Esante.MsSante;

/// <summary>
/// Composes a read receipt (MDN, RFC 8098) the way the ANS volet on CDA documents sent by MSSanté (v1.1.3) describes it:
/// <c>multipart/report; report-type=disposition-notification</c> with a text for people, the
/// <c>message/disposition-notification</c> fields for software, the original message whole as <c>message/rfc822</c>, then
/// the original's IHE_XDM.zip and PDF attached again.
/// </summary>
internal static class ReadReceiptComposer
{
    /// <summary>The subject prefix of a failed integration, followed by <c>[code]</c> and the original subject.</summary>
    public const string FailureSubjectPrefix = "[KO Intégration système !]";

    /// <summary>Composes the receipt. The original is embedded, not copied: dispose it after the receipt is sent.</summary>
    public static MimeMessage Compose(MimeMessage original, ReadReceipt receipt, MssanteAddress from, string? fromDisplayName, MssanteAddress to, string productReference, DateTimeOffset date)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(fromDisplayName ?? string.Empty, from.Value));
        mime.To.Add(new MailboxAddress(string.Empty, to.Value));
        var subject = original.Subject ?? string.Empty;
        mime.Subject = receipt.Error is null ? subject : $"{FailureSubjectPrefix}[{receipt.ErrorCode}] {subject}";
        mime.Date = date;
        mime.MessageId = MimeUtils.GenerateMessageId(from.Domain);
        if (original.MessageId is { } originalId)
        {
            mime.InReplyTo = originalId;
            mime.References.Add(originalId);
        }
        mime.Headers.Add(MssanteHeaders.Nil, productReference);
        if (receipt.IsAutomatic)
        {
            // RFC 3834: an automatic answer, which no autoresponder answers in turn.
            mime.Headers.Add("Auto-Submitted", "auto-replied");
        }

        var notification = new MessageDispositionNotification();
        notification.Fields.Add("Reporting-UA", $"{from.Domain}; Esante.MsSante ({productReference})");
        if (original.Headers["Original-Recipient"] is { } originalRecipient)
        {
            notification.Fields.Add("Original-Recipient", originalRecipient.Trim());
        }
        notification.Fields.Add("Final-Recipient", "rfc822;" + from.Value);
        if (original.MessageId is not null)
        {
            notification.Fields.Add("Original-Message-ID", "<" + original.MessageId + ">");
        }
        // One field, error included (« processed/Error: code^libellé »), as the volet's text and example write it.
        notification.Fields.Add("Disposition", receipt.Disposition);

        var report = new MultipartReport("disposition-notification")
        {
            new TextPart("plain") { Text = HumanText(original, receipt, from), ContentType = { Charset = "utf-8" } },
            notification,
            new MessagePart("rfc822") { Message = original },
        };
        // The volet: « les pièces jointes envoyées avec le courriel d'origine (IHE_XDM.zip et le pdf) doivent être remises
        // en pièces jointes du courriel MDN », after the original, as its example shows.
        foreach (var attachment in DocumentsOf(original))
        {
            report.Add(attachment);
        }
        mime.Body = report;
        return mime;
    }

    /// <summary>Copies of the original's IHE_XDM.zip and PDF attachments, in their order.</summary>
    private static IEnumerable<MimePart> DocumentsOf(MimeMessage original)
    {
        foreach (var part in original.BodyParts.OfType<MimePart>())
        {
            var name = part.FileName ?? string.Empty;
            var isXdm = string.Equals(name, Xdm.XdmPackage.FileName, StringComparison.OrdinalIgnoreCase);
            var isPdf = part.ContentType.IsMimeType("application", "pdf") || name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);
            if ((!isXdm && !isPdf) || part.Content is null)
            {
                continue;
            }
            var content = new MemoryStream();
            part.Content.DecodeTo(content);
            content.Position = 0;
            yield return new MimePart(isXdm ? "application/zip" : "application/pdf")
            {
                Content = new MimeContent(content),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = string.IsNullOrEmpty(name) ? "document.pdf" : name,
            };
        }
    }

    private static string HumanText(MimeMessage original, ReadReceipt receipt, MssanteAddress from)
    {
        var sent = original.Date == DateTimeOffset.MinValue ? string.Empty : " du " + original.Date.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);
        return receipt.Error is not null
            ? $"Le message{sent} ci-dessous n'a pas pu être intégré automatiquement par {from.Value} pour la raison suivante : {receipt.ErrorLabel}\r\n" +
              $"Le système a retourné l'erreur {receipt.Error}\r\n"
            : receipt.DispositionType == "displayed"
                ? $"Le message{sent} ci-dessous a été affiché par {from.Value}.\r\n"
                : $"Le message{sent} ci-dessous a été traité et intégré automatiquement par {from.Value}.\r\n";
    }
}
