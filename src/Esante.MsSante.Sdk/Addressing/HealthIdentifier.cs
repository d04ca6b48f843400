using System.Runtime.CompilerServices;
using System.Diagnostics.CodeAnalysis;

namespace Esante.MsSante;

/// <summary>
/// Base of the national identifiers of professionals and structures (<see cref="Rpps"/>, <see cref="Adeli"/>, <see cref="Finess"/>):
/// a validated string value with value equality.
/// </summary>
public abstract class HealthIdentifier : IEquatable<HealthIdentifier>
{
    private protected HealthIdentifier(string value) => Value = value;

    /// <summary>The identifier as written in the national registers.</summary>
    public string Value { get; }

    /// <summary>The national identifier (« identifiant national », idNat): a one-digit register prefix followed by <see cref="Value"/>.</summary>
    public abstract string NationalId { get; }

    /// <inheritdoc/>
    public bool Equals(HealthIdentifier? other) => other is not null && other.GetType() == GetType() && other.Value == Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as HealthIdentifier);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(GetType(), Value);

    /// <summary>The identifier as written in the national registers.</summary>
    public override string ToString() => Value;

    /// <summary>Shared Parse/TryParse plumbing: <paramref name="check"/> returns an error text or null.</summary>
    private protected static bool TryCreate<T>(
        string? s,
        Func<string, string?> check,
        Func<string, T> create,
        [NotNullWhen(true)] out T? result,
        [NotNullWhen(false)] out string? error)
        where T : HealthIdentifier
    {
        result = null;
        error = string.IsNullOrEmpty(s) ? "The identifier is empty." : check(s);
        if (error is not null)
        {
            return false;
        }
        result = create(s!);
        return true;
    }

    /// <summary>Checks a fixed-length identifier of digits, allowing 2A/2B as its first two characters when <paramref name="corsicaPrefix"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected static string? CheckDigits(string s, int length, string name, bool corsicaPrefix)
    {
        if (s.Length != length)
        {
            return $"An {name} number has {length} characters; this one has {s.Length}.";
        }
        var i = FirstNonDigit(s, corsicaPrefix);
        if (i >= 0)
        {
            return corsicaPrefix
                ? $"An {name} number has only digits, except 2A or 2B as its first two characters; position {i + 1} is not a digit."
                : $"An {name} number has only digits; position {i + 1} is not a digit.";
        }
        return null;
    }

    /// <summary>Where the first character that is not a digit is (2A or 2B allowed as the first two when <paramref name="corsicaPrefix"/>), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected static int FirstNonDigit(ReadOnlySpan<char> s, bool corsicaPrefix)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (corsicaPrefix && i == 1 && s[0] == '2' && s[1] is 'A' or 'B')
            {
                continue;
            }
            if (!char.IsAsciiDigit(s[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
