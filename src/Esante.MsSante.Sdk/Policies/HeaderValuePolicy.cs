namespace Esante.MsSante;

/// <summary>
/// Refuses header values that could inject headers: a line break or another control character in a subject,
/// a display name or an attachment's file name.
/// </summary>
public static class HeaderValuePolicy
{
    /// <summary>Checks one header value.</summary>
    /// <param name="target">What the value is (e.g. "Subject", "display name of recipient 2"); appears in the violation.</param>
    /// <param name="value">The value; null is allowed.</param>
    /// <returns>No violation, or one <see cref="PolicyViolationCodes.HeaderInjection"/>.</returns>
    public static IReadOnlyList<PolicyViolation> Evaluate(string target, string? value)
    {
        if (value is null)
        {
            return [];
        }
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\r' or '\n' || (char.IsControl(c) && c != '\t'))
            {
                return
                [
                    new PolicyViolation(
                        PolicyViolationCodes.HeaderInjection,
                        c is '\r' or '\n'
                            ? $"contains a line break at position {i + 1}; header values must be on one line."
                            : $"contains a control character at position {i + 1}.",
                        target),
                ];
            }
        }
        return [];
    }
}
