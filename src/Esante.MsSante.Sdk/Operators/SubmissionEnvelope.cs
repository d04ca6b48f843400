
namespace Esante.MsSante.Operators;

/// <summary>The SMTP envelope of a submission: who sends, who receives (Bcc included), which delivery reports to ask for.</summary>
/// <param name="From">The sending mailbox (MAIL FROM).</param>
/// <param name="Recipients">Every recipient (RCPT TO), each once.</param>
/// <param name="DeliveryStatus">Which DSN to ask for (RFC 3461 NOTIFY).</param>
public sealed record SubmissionEnvelope(MssanteAddress From, IReadOnlyList<MssanteAddress> Recipients, DeliveryStatusRequest DeliveryStatus = DeliveryStatusRequest.Default)
{
    /// <summary>
    /// Send with the null reverse path (<c>MAIL FROM:&lt;&gt;</c>), as RFC 8098 §3 requires of a read receipt, so that no
    /// bounce or automatic answer comes back for it; <see cref="From"/> still says which mailbox submits.
    /// </summary>
    public bool NullReversePath { get; init; }
}
