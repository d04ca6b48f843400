namespace Esante.MsSante;

/// <summary>
/// A message was refused by the SDK's policies before anything was sent. Carries every violation found, not only the first.
/// </summary>
public sealed class MessageRejectedException : MssanteException
{
    /// <summary>Creates the exception with the violations found.</summary>
    /// <param name="violations">At least one violation.</param>
    public MessageRejectedException(IReadOnlyList<PolicyViolation> violations)
        : base(BuildMessage(violations))
    {
        Violations = violations;
    }

    /// <summary>Every violation found, in the order the checks ran.</summary>
    public IReadOnlyList<PolicyViolation> Violations { get; }

    /// <summary>Whether a violation with the given code is present.</summary>
    public bool Has(string code) => Violations.Any(v => v.Code == code);

    private static string BuildMessage(IReadOnlyList<PolicyViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (violations.Count == 0)
        {
            throw new ArgumentException("A rejected message has at least one violation.", nameof(violations));
        }
        return violations.Count == 1
            ? "The message was not sent: " + violations[0]
            : $"The message was not sent ({violations.Count} problems): " + string.Join(" ", violations);
    }
}
