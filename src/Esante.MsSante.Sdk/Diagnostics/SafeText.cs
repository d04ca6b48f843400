using System.Globalization;
using System.Text;

namespace Esante.MsSante.Diagnostics;

/// <summary>
/// Text chosen by a remote party made safe to show or write: no control character (a line break could forge a log line)
/// and no bidirectional-formatting character (U+202E makes <c>exe.pdf</c> look like <c>fdp.exe</c>). The one place these
/// characters are listed.
/// </summary>
internal static class SafeText
{
    /// <summary>Whether the character reorders or hides text: the bidirectional embeddings, overrides, isolates and marks.</summary>
    public static bool IsBidiControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>Whether the character must not reach a screen or a log as it is: a control, a line or paragraph separator, or a bidirectional control.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c) || IsBidiControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>Whether the text holds a character <see cref="IsUnsafe"/> refuses.</summary>
    public static bool HasUnsafe(string text) => text.Any(IsUnsafe);

    /// <summary>The text on one line: each control or separator becomes a space, bidirectional controls go.</summary>
    public static string OneLine(string text)
    {
        if (!HasUnsafe(text))
        {
            return text;
        }
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsBidiControl(c))
            {
                clean.Append(IsUnsafe(c) ? ' ' : c);
            }
        }
        return clean.ToString();
    }

    /// <summary><see cref="OneLine"/> for an optional value.</summary>
    public static string? OneLineOrNull(string? text) => text is null ? null : OneLine(text);
}
