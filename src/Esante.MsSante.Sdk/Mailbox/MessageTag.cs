using System.Globalization;
using System.Text;

namespace Esante.MsSante;

/// <summary>
/// A tag (« Création de tags »): a name and a colour, put on messages as an IMAP keyword (<see cref="Keyword"/>), so every
/// IMAP client sees it; the names and colours are kept at the operator with the mailbox.
/// </summary>
/// <param name="Name">The name, unique in the mailbox regardless of case, e.g. « Urgent labo ».</param>
/// <param name="Colour">The colour, <c>#RRGGBB</c>.</param>
public sealed record MessageTag(string Name, string Colour)
{
    /// <summary>
    /// The IMAP keyword on tagged messages (see <see cref="MessageInfo.Keywords"/>): the name with letters, digits,
    /// '.' and '-' kept and every other byte of its UTF-8 written <c>_HH</c>, e.g. <c>Urgent_20labo</c>.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Keyword { get; } = KeywordFor(Name);

    internal static string KeywordFor(string name)
    {
        var keyword = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'-')
            {
                keyword.Append((char)b);
            }
            else
            {
                keyword.Append('_').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return keyword.ToString();
    }
}
