using System.Diagnostics.CodeAnalysis;

namespace Esante.MsSante;

/// <summary>
/// An RPPS number (« Répertoire partagé des professionnels de santé »): 11 digits, the last a Luhn check digit.
/// Its national id is <c>8</c> followed by the number.
/// </summary>
public sealed class Rpps : HealthIdentifier
{
    /// <summary>The prefix of an RPPS national id.</summary>
    public const char NationalIdPrefix = '8';

    private Rpps(string value) : base(value) { }

    /// <inheritdoc/>
    public override string NationalId => NationalIdPrefix + Value;

    /// <summary>Parses an RPPS number.</summary>
    /// <exception cref="FormatException">Not 11 digits, or the Luhn check digit is wrong.</exception>
    public static Rpps Parse(string s) => TryParse(s, out var r, out var e) ? r : throw new FormatException(e);


    /// <summary>Tries to parse an RPPS number.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out Rpps? result) => TryParse(s, out result, out _);


    /// <summary>Tries to parse an RPPS number, and says why when it cannot.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out Rpps? result, [NotNullWhen(false)] out string? error) =>
        TryCreate(s, Check, v => new Rpps(v), out result, out error);

    /// <summary>Reads an RPPS number from its national id (<c>8</c> + RPPS).</summary>
    /// <exception cref="FormatException">The national id does not start with 8 or the RPPS is invalid.</exception>
    public static Rpps FromNationalId(string nationalId)
    {
        ArgumentNullException.ThrowIfNull(nationalId);
        if (nationalId.Length == 0 || nationalId[0] != NationalIdPrefix)
        {
            throw new FormatException("An RPPS national id starts with 8.");
        }
        return Parse(nationalId[1..]);
    }

    /// <summary>Whether <paramref name="s"/> is a valid RPPS number, nothing allocated (what <see cref="TryParse(string?, out Rpps?)"/> accepts).</summary>
    internal static bool IsValid(ReadOnlySpan<char> s) => s.Length == 11 && FirstNonDigit(s, corsicaPrefix: false) < 0 && Luhn.IsValid(s);

    private static string? Check(string s) =>
        CheckDigits(s, 11, "RPPS", corsicaPrefix: false)
        ?? (Luhn.IsValid(s) ? null : "The RPPS check digit (the 11th) is wrong: the number is mistyped.");
}
