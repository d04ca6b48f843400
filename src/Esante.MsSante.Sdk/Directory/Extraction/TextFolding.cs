using System.Runtime.CompilerServices;
namespace Esante.MsSante.Directory;

/// <summary>
/// <see cref="DirectoryText.Fold(string?)"/> without allocation for ASCII text (most of the file: addresses, codes, upper-case
/// names), falling back to it otherwise, so both give the same words.
/// </summary>
internal static class TextFolding
{
    /// <summary>Folds <paramref name="text"/> into <paramref name="buffer"/> (words separated by one space) and returns the length written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Fold(ReadOnlySpan<char> text, ref char[] buffer)
    {
        if (buffer.Length < text.Length)
        {
            buffer = new char[Math.Max(text.Length, buffer.Length * 2)];
        }
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c >= 0x80)
            {
                var folded = DirectoryText.Fold(text.ToString());
                if (buffer.Length < folded.Length)
                {
                    buffer = new char[folded.Length];
                }
                folded.CopyTo(buffer);
                return folded.Length;
            }
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingSpace && length > 0)
                {
                    buffer[length++] = ' ';
                }
                pendingSpace = false;
                buffer[length++] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            }
            else
            {
                pendingSpace = true;
            }
        }
        return length;
    }
}
