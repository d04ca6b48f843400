
namespace Esante.MsSante;

/// <summary>What the operator did with a submitted message.</summary>
/// <param name="MessageId">The message's Message-ID, without angle brackets.</param>
/// <param name="AcceptedRecipients">The envelope recipients the operator accepted (all of them: a refusal sends nothing).</param>
/// <param name="SentCopy">Where the copy saved in Sent is, if the operator reports it.</param>
/// <param name="SentCopyError">
/// Why the copy in Sent could not be saved although the message was sent, or null. The message is not sent again for it.
/// </param>
public sealed record SubmissionResult(string MessageId, IReadOnlyList<string> AcceptedRecipients, MessageRef? SentCopy, string? SentCopyError = null)
{
    /// <summary>
    /// What the message was sent with although a national rule advises otherwise, e.g. a PDF beside an XDM archive not
    /// named as ECO.2.1.6 says (<see cref="PolicyViolationCodes.PdfNameNotConventional"/>); empty when none.
    /// </summary>
    public IReadOnlyList<PolicyViolation> Warnings { get; init; } = [];
}
