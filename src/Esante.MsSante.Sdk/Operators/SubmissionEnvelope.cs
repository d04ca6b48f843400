using Esante.MsSante.Addressing;
using Esante.MsSante.Messages;

namespace Esante.MsSante.Operators;

/// <summary>The SMTP envelope of a submission: who sends, who receives (Bcc included), which delivery reports to ask for.</summary>
/// <param name="From">The sending mailbox (MAIL FROM).</param>
/// <param name="Recipients">Every recipient (RCPT TO), each once.</param>
/// <param name="DeliveryStatus">Which DSN to ask for (RFC 3461 NOTIFY).</param>
public sealed record SubmissionEnvelope(MssanteAddress From, IReadOnlyList<MssanteAddress> Recipients, DeliveryStatusRequest DeliveryStatus = DeliveryStatusRequest.Default);
