using System.Globalization;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>Reads an <c>acr</c> of the form <c>eidasN</c> as its level N, so levels compare (eidas1 &lt; eidas2 &lt; eidas3).</summary>
internal static class AuthenticationLevel
{
    private const string Prefix = "eidas";

    /// <summary>The level, or null when the value is not an eIDAS level.</summary>
    public static int? Parse(string? acr) =>
        acr is { Length: > 5 } && acr.StartsWith(Prefix, StringComparison.Ordinal) &&
        int.TryParse(acr.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level >= 1
            ? level
            : null;
}
