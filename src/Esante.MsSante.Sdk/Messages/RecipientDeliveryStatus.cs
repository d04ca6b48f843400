using Esante.MsSante.Diagnostics;

namespace Esante.MsSante;

/// <summary>What a delivery status notification says of one recipient (RFC 3464 §2.3, per-recipient fields).</summary>
public sealed class RecipientDeliveryStatus
{
    internal RecipientDeliveryStatus(string? finalRecipient, string? originalRecipient, DeliveryAction action, string status, string? diagnosticCode, string? remoteMta)
    {
        FinalRecipient = finalRecipient;
        OriginalRecipient = originalRecipient;
        Action = action;
        Status = status;
        DiagnosticCode = diagnosticCode is null ? null : Redaction.ServerText(diagnosticCode);
        RemoteMta = remoteMta;
        Problem = ProblemOf(action, status);
    }

    /// <summary>The recipient the report is about (<c>Final-Recipient</c>, without its <c>rfc822;</c> type).</summary>
    public string? FinalRecipient { get; }

    /// <summary>The recipient as the message was addressed (<c>Original-Recipient</c>), when the server gives it.</summary>
    public string? OriginalRecipient { get; }

    /// <summary>What the server did: failed (a bounce), delayed, delivered, relayed, expanded.</summary>
    public DeliveryAction Action { get; }

    /// <summary>The RFC 3463 status code, e.g. <c>5.1.1</c>; <c>2.0.0</c> when delivered.</summary>
    public string Status { get; }

    /// <summary>Whether the failure is final (status class 5): sending the same message again will fail again.</summary>
    public bool IsPermanentFailure => Status.StartsWith('5');

    /// <summary>Whether the failure may pass (status class 4): the server may still deliver, or a later send may succeed.</summary>
    public bool IsTransientFailure => Status.StartsWith('4');

    /// <summary>Why the message did not reach this recipient, from <see cref="Status"/>.</summary>
    public DeliveryProblem Problem { get; }

    /// <summary>
    /// The receiving server's own words (<c>Diagnostic-Code</c>, e.g. <c>smtp; 550 5.1.1 User unknown</c>), redacted as any
    /// server text (patients' addresses and INS removed) and cut to a few hundred characters; null when absent.
    /// </summary>
    public string? DiagnosticCode { get; }

    /// <summary>The server that answered for the recipient (<c>Remote-MTA</c>), when given.</summary>
    public string? RemoteMta { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Redaction.Address(FinalRecipient)}: {Action} {Status}";

    private static DeliveryProblem ProblemOf(DeliveryAction action, string status)
    {
        if (action is DeliveryAction.Delivered or DeliveryAction.Relayed or DeliveryAction.Expanded || status.Length < 5 || status[0] is not ('4' or '5'))
        {
            return DeliveryProblem.None;
        }
        return status[2..] switch
        {
            "1.1" or "1.6" => DeliveryProblem.MailboxUnknown,
            "1.2" or "1.3" => DeliveryProblem.InvalidAddress,
            "2.1" => DeliveryProblem.MailboxClosed,
            "2.2" => DeliveryProblem.MailboxFull,
            "2.3" or "3.4" => DeliveryProblem.MessageTooLarge,
            _ when status[2..].StartsWith("7.", StringComparison.Ordinal) => DeliveryProblem.Refused,
            _ => DeliveryProblem.Other,
        };
    }
}
