namespace Esante.MsSante;

/// <summary>
/// What text may hold where it becomes part of a format (a header, a vCard, a Sieve script, an HL7 field): one line, or
/// several lines, and no HL7 separator in an HL7 field. The one place these rules are written.
/// </summary>
internal static class TextChecks
{
    /// <summary>Whether the text is one line: no control character at all.</summary>
    public static bool IsOneLine(string text) => !text.Any(char.IsControl);

    /// <summary>Whether the text is one line of 1 to <paramref name="maxLength"/> characters, not blank.</summary>
    public static bool IsOneLine(string? text, int maxLength) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= maxLength && IsOneLine(text);

    /// <summary>Whether the text holds no control character other than line breaks and tabs.</summary>
    public static bool IsLines(string text) => !text.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t'));

    /// <summary>Whether the text can stand in an HL7 field: one line, none of the separators <c>^ &amp; | ~ \</c>.</summary>
    public static bool IsHl7Value(string text) => IsOneLine(text) && text.AsSpan().IndexOfAny("^&|~\\") < 0;
}
