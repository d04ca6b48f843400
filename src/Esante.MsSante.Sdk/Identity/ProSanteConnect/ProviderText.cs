using System.Text.RegularExpressions;
using Esante.MsSante.Diagnostics;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>Makes a provider's own words (<c>error</c>, <c>error_description</c>) safe for a message: no secret, no token, no patient address or INS, no control character, short.</summary>
internal static partial class ProviderText
{
    /// <summary>
    /// An OAuth <c>error</c> code (RFC 6749 §4.1.2.1, §5.2): kept as it is when it has the shape of one (lower-case letters and
    /// underscores, such as <c>temporarily_unavailable</c> or <c>interaction_required</c>) and is no part of a secret sent;
    /// otherwise made safe as any other text.
    /// </summary>
    public static string ErrorCode(string code, params string?[] secrets) =>
        ErrorCodeShape().IsMatch(code) && !secrets.Any(s => !string.IsNullOrEmpty(s) && (s.Contains(code, StringComparison.Ordinal) || code.Contains(s, StringComparison.Ordinal)))
            ? code
            : Sanitize(code, secrets);

    /// <summary>The text with <paramref name="secrets"/> and anything shaped like a token or code replaced by REDACTED, then redacted as any server text (<see cref="Redaction.ServerText"/>).</summary>
    public static string Sanitize(string? text, params string?[] secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, Redaction.Redacted, StringComparison.Ordinal);
            }
        }
        // A code, token or verifier echoed back is a long run of URL-safe characters, words are not; a shorter run that is
        // a piece of a secret goes too.
        text = TokenLike().Replace(text, Redaction.Redacted);
        text = Word().Replace(text, word => secrets.Any(s => s is not null && s.Contains(word.Value, StringComparison.Ordinal)) ? Redaction.Redacted : word.Value);
        return Redaction.ServerText(text);
    }

    [GeneratedRegex("^[a-z_]{1,64}$")]
    private static partial Regex ErrorCodeShape();

    [GeneratedRegex("[A-Za-z0-9_.~+/=-]{20,}")]
    private static partial Regex TokenLike();

    [GeneratedRegex("[A-Za-z0-9_.~+/=-]{8,}")]
    private static partial Regex Word();
}
