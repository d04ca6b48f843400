namespace Esante.MsSante;

/// <summary>
/// Reads a national id (« identifiant national », idNat) into the identifier it carries:
/// <c>8</c> + RPPS, <c>0</c> + ADELI, <c>1</c> + FINESS.
/// </summary>
public static class NationalIdentifier
{
    /// <summary>Parses a national id of a professional or a structure.</summary>
    /// <returns>An <see cref="Rpps"/>, <see cref="Adeli"/> or <see cref="Finess"/>.</returns>
    /// <exception cref="FormatException">The prefix is unknown or the identifier after it is invalid.</exception>
    public static HealthIdentifier Parse(string nationalId) =>
        TryParse(nationalId, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>Tries to parse a national id, and says why when it cannot.</summary>
    public static bool TryParse(string? nationalId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HealthIdentifier? result, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        result = null;
        if (string.IsNullOrEmpty(nationalId))
        {
            error = "The national id is empty.";
            return false;
        }
        var rest = nationalId[1..];
        bool ok;
        switch (nationalId[0])
        {
            case Rpps.NationalIdPrefix:
                ok = Rpps.TryParse(rest, out var rpps, out error);
                result = rpps;
                return ok;
            case Adeli.NationalIdPrefix:
                ok = Adeli.TryParse(rest, out var adeli, out error);
                result = adeli;
                return ok;
            case Finess.NationalIdPrefix:
                ok = Finess.TryParse(rest, out var finess, out error);
                result = finess;
                return ok;
            default:
                error = "A national id starts with 8 (RPPS), 0 (ADELI) or 1 (FINESS).";
                return false;
        }
    }
}
