using System.Globalization;
using System.Text;

namespace Esante.MsSante.Directory;

/// <summary>How directory text is compared: accents, case and punctuation ignored (« Hôtel-Dieu » matches « hotel dieu »).</summary>
internal static class DirectoryText
{
    /// <summary>Lower case, without diacritics, with every run of non-alphanumeric characters as one space.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }
                pendingSpace = false;
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pendingSpace = true;
            }
        }
        return builder.ToString();
    }

    /// <summary>The folded words of a text.</summary>
    public static string[] Words(string? text) => Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
