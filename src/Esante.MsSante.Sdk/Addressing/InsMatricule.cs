using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Esante.MsSante;

/// <summary>
/// The matricule of the Identité Nationale de Santé (INS): a NIR or NIA of 13 characters followed by a two-digit key,
/// <c>key = 97 − (first 13 digits mod 97)</c>, where the département <c>2A</c>/<c>2B</c> (born in Corsica) counts as <c>19</c>/<c>18</c>.
/// Always valid once constructed.
/// </summary>
/// <remarks>
/// An INS is health data: parse errors never repeat it, and <see cref="ToString"/> is the only member that returns it.
/// </remarks>
public sealed class InsMatricule : IEquatable<InsMatricule>
{
    /// <summary>Number of characters of a matricule with its key.</summary>
    public const int Length = 15;

    private InsMatricule(string value) => Value = value;

    /// <summary>The 15 characters, key included.</summary>
    public string Value { get; }

    /// <summary>The two-digit key (the last two characters).</summary>
    public int Key => int.Parse(Value.AsSpan(13, 2), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Whether the person was born in Corsica (département <c>2A</c> or <c>2B</c>).</summary>
    public bool IsBornInCorsica => Value[5] == '2' && Value[6] is 'A' or 'B';

    /// <summary>Computes the key of the first 13 characters of a matricule.</summary>
    /// <param name="first13">13 characters: digits, with <c>2A</c> or <c>2B</c> allowed at positions 6–7.</param>
    /// <exception cref="FormatException">The characters are not a NIR/NIA body.</exception>
    public static int ComputeKey(string first13)
    {
        ArgumentNullException.ThrowIfNull(first13);
        var error = CheckBody(first13.AsSpan(), out var number);
        if (error is not null || first13.Length != 13)
        {
            throw new FormatException(error ?? "The body of an INS matricule has 13 characters.");
        }
        return (int)(97 - (number % 97));
    }

    /// <summary>Parses a matricule.</summary>
    /// <exception cref="FormatException">The text is not a valid matricule; the message says why without repeating it.</exception>
    public static InsMatricule Parse(string s)
    {
        if (!TryParse(s, out var result, out var error))
        {
            throw new FormatException(error);
        }
        return result;
    }


    /// <summary>Tries to parse a matricule.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out InsMatricule? result) =>
        TryParse(s, out result, out _);


    /// <summary>Tries to parse a matricule, and says why when it cannot.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out InsMatricule? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (string.IsNullOrEmpty(s))
        {
            error = "The INS matricule is empty.";
            return false;
        }
        if (s.Length != Length)
        {
            error = $"An INS matricule has {Length} characters (13 for the NIR/NIA and a 2-digit key); this one has {s.Length}.";
            return false;
        }
        error = CheckBody(s.AsSpan(0, 13), out var number);
        if (error is not null)
        {
            return false;
        }
        if (!char.IsAsciiDigit(s[13]) || !char.IsAsciiDigit(s[14]))
        {
            error = "The key of an INS matricule (characters 14–15) must be two digits.";
            return false;
        }
        var expected = 97 - (number % 97);
        var actual = (s[13] - '0') * 10 + (s[14] - '0');
        if (actual != expected)
        {
            error = "The key of the INS matricule (characters 14–15) does not match its first 13 characters: the matricule is mistyped.";
            return false;
        }
        result = new InsMatricule(s.ToUpperInvariant());
        return true;
    }

    private static string? CheckBody(ReadOnlySpan<char> body, out long number)
    {
        number = 0;
        if (body.Length != 13)
        {
            return "The body of an INS matricule has 13 characters.";
        }
        if (body[0] is not ('1' or '2' or '3' or '4' or '7' or '8'))
        {
            return "The first character of an INS matricule (sex) must be 1, 2, 3, 4, 7 or 8.";
        }
        for (var i = 0; i < 13; i++)
        {
            var c = body[i];
            int digit;
            if (i == 6 && body[5] == '2' && c is 'A' or 'B' or 'a' or 'b')
            {
                // Corsica: 2A counts as 19 and 2B as 18 in the key computation.
                number = number / 10 * 100 + (c is 'A' or 'a' ? 19 : 18);
                continue;
            }
            if (!char.IsAsciiDigit(c))
            {
                return $"An INS matricule has only digits, except 2A or 2B at positions 6–7 for people born in Corsica; position {i + 1} is not a digit.";
            }
            digit = c - '0';
            number = number * 10 + digit;
        }
        return null;
    }

    /// <inheritdoc/>
    public bool Equals(InsMatricule? other) => other is not null && string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as InsMatricule);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <summary>The matricule. It is health data: never log it.</summary>
    public override string ToString() => Value;
}
