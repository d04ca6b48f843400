using MimeKit;

namespace Esante.MsSante;

/// <summary>
/// A read receipt received (an MDN, RFC 8098): which message it is about, for whom, and what happened to it there. Match it
/// to the message sent with <see cref="OriginalMessageId"/>.
/// </summary>
public sealed class DispositionReport
{
    private DispositionReport(string? originalMessageId, string? finalRecipient, string disposition, string? error)
    {
        OriginalMessageId = originalMessageId;
        FinalRecipient = finalRecipient;
        Disposition = disposition;
        var modes = disposition.Split(';', 2);
        var type = modes.Length == 2 ? modes[1].Trim() : string.Empty;
        var slash = type.IndexOf('/', StringComparison.Ordinal);
        DispositionType = (slash < 0 ? type : type[..slash]).Trim().ToLowerInvariant();
        var modifier = slash < 0 ? string.Empty : type[(slash + 1)..].Trim();
        IsError = error is not null || modifier.StartsWith("error", StringComparison.OrdinalIgnoreCase);
        // The ANS volet writes the error in the modifier (« processed/Error: 902^… »); earlier versions of this SDK, and
        // other programs, write « processed/error » and a separate Error: field: read both.
        Error = error ?? (modifier.StartsWith("error:", StringComparison.OrdinalIgnoreCase) ? modifier["error:".Length..].Trim() : null);
    }

    /// <summary>The Message-ID of the message the receipt is about, without angle brackets.</summary>
    public string? OriginalMessageId { get; }

    /// <summary>The address that handled the message (<c>Final-Recipient</c>, without its <c>rfc822;</c> type).</summary>
    public string? FinalRecipient { get; }

    /// <summary>The <c>Disposition:</c> field as received, e.g. <c>automatic-action/MDN-sent-automatically; processed</c>.</summary>
    public string Disposition { get; }

    /// <summary>What happened: <c>displayed</c>, <c>processed</c>, <c>deleted</c>, <c>dispatched</c> (lower case).</summary>
    public string DispositionType { get; }

    /// <summary>Whether the recipient reports an error (modifier <c>error</c>, or an <c>Error:</c> field).</summary>
    public bool IsError { get; }

    /// <summary>The consumer's error (<c>code^libellé…</c>), from the disposition's modifier or an <c>Error:</c> field, if any.</summary>
    public string? Error { get; }

    /// <summary>The error code: <see cref="Error"/> up to its first <c>^</c>, if any.</summary>
    public string? ErrorCode => Error is null ? null : Error.Split('^')[0].Trim();

    /// <summary>Reads the report of a <c>multipart/report; report-type=disposition-notification</c> message, or null for any other message.</summary>
    internal static DispositionReport? From(MimeMessage message)
    {
        try
        {
            return Read(message);
        }
        catch (FormatException)
        {
            // The notification's fields are parsed when first read: fields that do not parse make no report.
            return null;
        }
    }

    private static DispositionReport? Read(MimeMessage message)
    {
        if (message.Body is not MultipartReport report ||
            !string.Equals(report.ReportType, "disposition-notification", StringComparison.OrdinalIgnoreCase) ||
            report.OfType<MessageDispositionNotification>().FirstOrDefault() is not { } notification ||
            notification.Fields["Disposition"] is not { } disposition)
        {
            return null;
        }
        var fields = notification.Fields;
        return new DispositionReport(
            fields["Original-Message-ID"]?.Trim().Trim('<', '>'),
            ReportFields.WithoutType(fields["Final-Recipient"]),
            disposition.Trim(),
            fields["Error"]?.Trim());
    }
}
