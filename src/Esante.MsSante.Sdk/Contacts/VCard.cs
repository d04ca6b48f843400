using System.Text;

namespace Esante.MsSante;

/// <summary>
/// Writes and reads the vCard 4.0 (RFC 6350) of a <see cref="Contact"/>: the properties it uses, text escaped (§3.4) and
/// lines folded at 75 octets without cutting a UTF-8 character (§3.2). Unknown properties are skipped when reading.
/// </summary>
internal static class VCard
{
    private const string NationalIdProperty = "X-MSSANTE-NATIONAL-ID";

    public static string Write(Contact contact)
    {
        var card = new StringBuilder();
        Line(card, "BEGIN", "VCARD", escape: false);
        Line(card, "VERSION", "4.0", escape: false);
        Line(card, "FN", contact.FullName);
        Line(card, "EMAIL", contact.Email);
        Line(card, "TEL", contact.Phone);
        Line(card, "ORG", contact.Organisation);
        Line(card, "TITLE", contact.Title);
        Line(card, NationalIdProperty, contact.NationalId);
        Line(card, "NOTE", contact.Note);
        Line(card, "END", "VCARD", escape: false);
        return card.ToString();
    }

    /// <exception cref="FormatException">The text is not a vCard with a name.</exception>
    public static Contact Read(string text)
    {
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in Unfold(text))
        {
            var colon = ValueStart(line);
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon].Split(';')[0];
            var group = name.LastIndexOf('.');
            properties.TryAdd(group < 0 ? name : name[(group + 1)..], Unescape(line[(colon + 1)..]));
        }
        if (!properties.TryGetValue("BEGIN", out var begin) || !begin.Equals("VCARD", StringComparison.OrdinalIgnoreCase) ||
            !properties.TryGetValue("FN", out var fullName) || string.IsNullOrWhiteSpace(fullName))
        {
            throw new FormatException("The contact is not a vCard with a name (FN).");
        }
        return new Contact(fullName)
        {
            Email = properties.GetValueOrDefault("EMAIL"),
            Phone = properties.GetValueOrDefault("TEL"),
            Organisation = properties.GetValueOrDefault("ORG"),
            Title = properties.GetValueOrDefault("TITLE"),
            NationalId = properties.GetValueOrDefault(NationalIdProperty),
            Note = properties.GetValueOrDefault("NOTE"),
        };
    }

    private static void Line(StringBuilder card, string name, string? value, bool escape = true)
    {
        if (value is null)
        {
            return;
        }
        var line = Encoding.UTF8.GetBytes(name + ":" + (escape ? Escape(value) : value));
        // Fold at 75 octets; a continuation line starts with a space and must not split a UTF-8 sequence.
        var start = 0;
        var limit = 75;
        while (line.Length - start > limit)
        {
            var end = start + limit;
            while ((line[end] & 0xC0) == 0x80)
            {
                end--;
            }
            card.Append(Encoding.UTF8.GetString(line, start, end - start)).Append("\r\n ");
            start = end;
            limit = 74;
        }
        card.Append(Encoding.UTF8.GetString(line, start, line.Length - start)).Append("\r\n");
    }

    private static string Escape(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace("\r\n", "\n", StringComparison.Ordinal)
        .Replace('\r', '\n')
        .Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Unescape(string value)
    {
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                text.Append(value[i] is 'n' or 'N' ? '\n' : value[i]);
            }
            else
            {
                text.Append(value[i]);
            }
        }
        return text.ToString();
    }

    /// <summary>Where the value starts: after the first ':' outside a quoted parameter value.</summary>
    private static int ValueStart(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ':' && !quoted)
            {
                return i;
            }
        }
        return -1;
    }

    private static IEnumerable<string> Unfold(string text)
    {
        var current = new StringBuilder();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.Length > 0 && raw[0] is ' ' or '\t')
            {
                current.Append(raw, 1, raw.Length - 1);
                continue;
            }
            if (current.Length > 0)
            {
                yield return current.ToString();
            }
            current.Clear().Append(raw);
        }
        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }
}
