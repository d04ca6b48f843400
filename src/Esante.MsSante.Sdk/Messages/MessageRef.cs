using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Esante.MsSante;

/// <summary>
/// Where a message is: its folder, the folder's UIDVALIDITY and its UID (IMAP semantics, RFC 3501 §2.3.1.1).
/// A reference stays valid while the message stays in its folder.
/// </summary>
/// <remarks>
/// Its string (<see cref="ToString"/>) reads back with <see cref="Parse(string)"/>, so a web application
/// can carry a reference in one query parameter or form field; ASP.NET Core binds it from one, as it does any
/// <see cref="IParsable{TSelf}"/>. The string names the folder: keep it within the signed-in user's pages.
/// </remarks>
/// <param name="FolderPath">The folder's path.</param>
/// <param name="UidValidity">The folder's UIDVALIDITY when the reference was made.</param>
/// <param name="Uid">The message's UID in the folder.</param>
public readonly record struct MessageRef(string FolderPath, uint UidValidity, uint Uid) : IParsable<MessageRef>
{
    private const string ValidityMark = ";UIDVALIDITY=";
    private const string UidMark = ";UID=";

    /// <summary>For example <c>INBOX;UIDVALIDITY=1;UID=42</c>; <see cref="Parse(string)"/> reads it back.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FolderPath}{ValidityMark}{UidValidity}{UidMark}{Uid}");

    /// <summary>Reads a reference written by <see cref="ToString"/>.</summary>
    /// <param name="s">For example <c>INBOX;UIDVALIDITY=1;UID=42</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="s"/> is not a reference (the message does not repeat it).</exception>
    public static MessageRef Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return TryParse(s, out var result)
            ? result
            : throw new FormatException("Not a message reference: expected a folder's path, then « ;UIDVALIDITY= » and « ;UID= » with their numbers.");
    }

    /// <inheritdoc cref="Parse(string)"/>
    static MessageRef IParsable<MessageRef>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(string?, out MessageRef)"/>
    static bool IParsable<MessageRef>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out MessageRef result) => TryParse(s, out result);

    /// <summary>Reads a reference written by <see cref="ToString"/>; false when <paramref name="s"/> is not one.</summary>
    /// <param name="s">For example <c>INBOX;UIDVALIDITY=1;UID=42</c>.</param>
    /// <param name="result">The reference, when true.</param>
    public static bool TryParse([NotNullWhen(true)] string? s, out MessageRef result)
    {
        result = default;
        // Read from the end: a folder's path may hold « ; », the numbers cannot.
        var uidAt = s?.LastIndexOf(UidMark, StringComparison.Ordinal) ?? -1;
        if (uidAt <= 0)
        {
            return false;
        }
        var validityAt = s!.LastIndexOf(ValidityMark, uidAt, StringComparison.Ordinal);
        if (validityAt <= 0 || validityAt + ValidityMark.Length > uidAt
            || !Number(s.AsSpan(validityAt + ValidityMark.Length, uidAt - validityAt - ValidityMark.Length), out var validity)
            || !Number(s.AsSpan(uidAt + UidMark.Length), out var uid))
        {
            return false;
        }
        result = new MessageRef(s[..validityAt], validity, uid);
        return true;

        // Digits only: no sign, space or leading « + » that uint.TryParse would let through.
        static bool Number(ReadOnlySpan<char> digits, out uint value)
        {
            value = 0;
            return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9')
                && uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
    }
}
