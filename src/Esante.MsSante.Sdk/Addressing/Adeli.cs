using System.Diagnostics.CodeAnalysis;

namespace Esante.MsSante;

/// <summary>
/// An ADELI number (« Automatisation DEs LIstes »), the older register of some professions: 9 characters,
/// digits, starting with the département (2A/2B in Corsica). Its national id is <c>0</c> followed by the number.
/// </summary>
public sealed class Adeli : HealthIdentifier
{
    /// <summary>The prefix of an ADELI national id.</summary>
    public const char NationalIdPrefix = '0';

    private Adeli(string value) : base(value) { }

    /// <inheritdoc/>
    public override string NationalId => NationalIdPrefix + Value;

    /// <summary>Parses an ADELI number.</summary>
    /// <exception cref="FormatException">Not 9 characters of the expected shape.</exception>
    public static Adeli Parse(string s) => TryParse(s, out var r, out var e) ? r : throw new FormatException(e);


    /// <summary>Tries to parse an ADELI number.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out Adeli? result) => TryParse(s, out result, out _);


    /// <summary>Tries to parse an ADELI number, and says why when it cannot.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out Adeli? result, [NotNullWhen(false)] out string? error) =>
        TryCreate(s, v => CheckDigits(v, 9, "ADELI", corsicaPrefix: true), v => new Adeli(v), out result, out error);

    /// <summary>Whether <paramref name="s"/> is a valid ADELI number, nothing allocated (what <see cref="TryParse(string?, out Adeli?)"/> accepts).</summary>
    internal static bool IsValid(ReadOnlySpan<char> s) => s.Length == 9 && FirstNonDigit(s, corsicaPrefix: true) < 0;

    /// <summary>Reads an ADELI number from its national id (<c>0</c> + ADELI).</summary>
    /// <exception cref="FormatException">The national id does not start with 0 or the ADELI is invalid.</exception>
    public static Adeli FromNationalId(string nationalId)
    {
        ArgumentNullException.ThrowIfNull(nationalId);
        if (nationalId.Length == 0 || nationalId[0] != NationalIdPrefix)
        {
            throw new FormatException("An ADELI national id starts with 0.");
        }
        return Parse(nationalId[1..]);
    }
}
