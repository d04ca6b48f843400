using System.Diagnostics.CodeAnalysis;

namespace Esante.MsSante;

/// <summary>
/// A FINESS number of a health or social structure (« Fichier national des établissements sanitaires et sociaux »):
/// 9 characters starting with the département (2A/2B in Corsica). Its national id is <c>1</c> followed by the number.
/// </summary>
/// <remarks>
/// The last character is documented as a Luhn-style key, but that rule is not confirmed against the official text,
/// so parsing does not enforce it; <see cref="HasValidLuhnKey"/> reports it.
/// </remarks>
public sealed class Finess : HealthIdentifier
{
    /// <summary>The prefix of a FINESS national id.</summary>
    public const char NationalIdPrefix = '1';

    private Finess(string value) : base(value) { }

    /// <inheritdoc/>
    public override string NationalId => NationalIdPrefix + Value;

    /// <summary>Whether the last digit is the Luhn key of the others (Corsica's 2A/2B counted as 20). Informative only.</summary>
    public bool HasValidLuhnKey => Luhn.IsValid(Value[1] is 'A' or 'B' ? "20" + Value[2..] : Value);

    /// <summary>Parses a FINESS number.</summary>
    /// <exception cref="FormatException">Not 9 characters of the expected shape.</exception>
    public static Finess Parse(string s) => TryParse(s, out var r, out var e) ? r : throw new FormatException(e);


    /// <summary>Tries to parse a FINESS number.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out Finess? result) => TryParse(s, out result, out _);


    /// <summary>Tries to parse a FINESS number, and says why when it cannot.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out Finess? result, [NotNullWhen(false)] out string? error) =>
        TryCreate(s, v => CheckDigits(v, 9, "FINESS", corsicaPrefix: true), v => new Finess(v), out result, out error);
}
