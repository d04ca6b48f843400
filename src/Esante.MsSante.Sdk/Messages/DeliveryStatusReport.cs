using MimeKit;

namespace Esante.MsSante;

/// <summary>
/// A delivery status notification received (a DSN, RFC 3464: a bounce, a delay or a delivery report), read the way read
/// receipts are (<see cref="DispositionReport"/>): which message it is about and what happened to each recipient. Match it to
/// the message sent with <see cref="OriginalMessageId"/>.
/// </summary>
public sealed class DeliveryStatusReport
{
    private DeliveryStatusReport(string? originalMessageId, string? originalEnvelopeId, string? reportingMta, IReadOnlyList<RecipientDeliveryStatus> recipients)
    {
        OriginalMessageId = originalMessageId;
        OriginalEnvelopeId = originalEnvelopeId;
        ReportingMta = reportingMta;
        Recipients = recipients;
    }

    /// <summary>
    /// The Message-ID of the message the report is about, without angle brackets: from the message or headers the server
    /// returned, else from the report's <c>In-Reply-To</c>, else from <c>Original-Envelope-Id</c> when it holds one (this SDK
    /// sends the Message-ID as the envelope id); null when the report names none.
    /// </summary>
    public string? OriginalMessageId { get; }

    /// <summary>The envelope id given when the message was sent (<c>Original-Envelope-Id</c>, RFC 3461 ENVID), if any.</summary>
    public string? OriginalEnvelopeId { get; }

    /// <summary>The server that wrote the report (<c>Reporting-MTA</c>, without its <c>dns;</c> type), if given.</summary>
    public string? ReportingMta { get; }

    /// <summary>What happened for each recipient the report is about.</summary>
    public IReadOnlyList<RecipientDeliveryStatus> Recipients { get; }

    /// <summary>Whether the message could not be delivered to at least one recipient (a bounce).</summary>
    public bool HasFailures => Recipients.Any(r => r.Action == DeliveryAction.Failed);

    /// <summary>Reads the report of a <c>multipart/report; report-type=delivery-status</c> message, or null for any other message.</summary>
    internal static DeliveryStatusReport? From(MimeMessage message)
    {
        try
        {
            return Read(message);
        }
        catch (FormatException)
        {
            // The status fields are parsed when first read: fields that do not parse make no report.
            return null;
        }
    }

    private static DeliveryStatusReport? Read(MimeMessage message)
    {
        if (message.Body is not MultipartReport report ||
            !string.Equals(report.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase) ||
            report.OfType<MessageDeliveryStatus>().FirstOrDefault() is not { } status ||
            status.StatusGroups.Count == 0)
        {
            return null;
        }
        var perMessage = status.StatusGroups[0];
        var recipients = status.StatusGroups.Skip(1)
            .Where(g => g["Final-Recipient"] is not null || g["Action"] is not null)
            .Select(g => new RecipientDeliveryStatus(
                ReportFields.WithoutType(g["Final-Recipient"]),
                ReportFields.WithoutType(g["Original-Recipient"]),
                ActionOf(g["Action"]),
                StatusOf(g["Status"]),
                g["Diagnostic-Code"]?.Trim(),
                ReportFields.WithoutType(g["Remote-MTA"])))
            .ToList();
        var envelopeId = perMessage["Original-Envelope-Id"]?.Trim();
        // The returned message (message/rfc822) or its headers (text/rfc822-headers, a MessagePart in MimeKit).
        var returned = report.OfType<MessagePart>().Select(p => p.Message?.MessageId).FirstOrDefault(id => !string.IsNullOrEmpty(id));
        var original = returned
            ?? (string.IsNullOrEmpty(message.InReplyTo) ? null : message.InReplyTo)
            ?? (envelopeId?.Contains('@', StringComparison.Ordinal) == true ? envelopeId.Trim('<', '>') : null);
        return new DeliveryStatusReport(original, envelopeId, ReportFields.WithoutType(perMessage["Reporting-MTA"]), recipients);
    }

    private static DeliveryAction ActionOf(string? action) => action?.Trim().ToLowerInvariant() switch
    {
        "failed" => DeliveryAction.Failed,
        "delayed" => DeliveryAction.Delayed,
        "delivered" => DeliveryAction.Delivered,
        "relayed" => DeliveryAction.Relayed,
        "expanded" => DeliveryAction.Expanded,
        _ => DeliveryAction.Unknown,
    };

    /// <summary>The status code alone (<c>5.1.1</c>), without the comment some servers add after it.</summary>
    private static string StatusOf(string? status)
    {
        var trimmed = status?.Trim() ?? string.Empty;
        var end = trimmed.IndexOfAny([' ', '\t', '(']);
        return end < 0 ? trimmed : trimmed[..end];
    }
}
