namespace Esante.MsSante;

/// <summary>
/// Why a policy refused something: a stable <see cref="Code"/> (from <see cref="PolicyViolationCodes"/>) that programs can test,
/// and a <see cref="Message"/> a person can act on. Messages never contain message content, subjects, patient addresses or INS.
/// </summary>
/// <param name="Code">A stable code from <see cref="PolicyViolationCodes"/>.</param>
/// <param name="Message">What is wrong and what to do, for a person.</param>
/// <param name="Target">What the violation is about, when it is safe to say (a header name, an attachment's position, a recipient's position); never a patient address.</param>
public sealed record PolicyViolation(string Code, string Message, string? Target = null)
{
    /// <summary>
    /// The rule's limit, where it has one, so that an application can word the refusal in its own language
    /// (<see cref="PolicyViolationCodes.AttachmentsTooLarge"/>: the largest total of the attachments, in bytes); else null.
    /// </summary>
    public long? Limit { get; init; }

    /// <summary>What was found against <see cref="Limit"/> (<see cref="PolicyViolationCodes.AttachmentsTooLarge"/>: the attachments' total, in bytes); else null.</summary>
    public long? Actual { get; init; }

    /// <summary>The code, the target and the message on one line.</summary>
    public override string ToString() => Target is null ? $"[{Code}] {Message}" : $"[{Code}] {Target}: {Message}";
}
