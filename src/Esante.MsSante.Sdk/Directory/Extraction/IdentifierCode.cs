using System.Runtime.CompilerServices;
namespace Esante.MsSante.Directory;

/// <summary>
/// Packs an identifier of up to 12 digits and capital letters (an RPPS or ADELI number, a national id) into one integer,
/// so the index sorts and searches integers rather than strings. Two texts have the same code only when they are equal.
/// </summary>
internal static class IdentifierCode
{
    /// <summary>The longest text packed: a national id (prefix + 11-digit RPPS).</summary>
    public const int MaxLength = 12;

    private const int Radix = 37; // 0 pads short texts; '0'–'9' are 1–10, 'A'–'Z' 11–36; 37^12 < 2^63

    /// <summary>The code of <paramref name="text"/>, or 0 when it is empty, longer than 12 or holds another character.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Encode(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text.Length > MaxLength)
        {
            return 0;
        }
        ulong code = 0;
        for (var i = 0; i < MaxLength; i++)
        {
            ulong digit = 0;
            if (i < text.Length)
            {
                var c = text[i];
                if (char.IsAsciiDigit(c))
                {
                    digit = (ulong)(c - '0' + 1);
                }
                else if (char.IsAsciiLetterUpper(c))
                {
                    digit = (ulong)(c - 'A' + 11);
                }
                else
                {
                    return 0;
                }
            }
            code = (code * Radix) + digit;
        }
        return code;
    }
}
