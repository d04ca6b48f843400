using Esante.MsSante.Operators;

namespace Esante.MsSante.Directory;

/// <summary>
/// How every <see cref="IDirectorySearch"/> decides that an entry matches a query and ranks the matches, so that a
/// directory held in memory and a remote one that filters locally what its server cannot express answer alike.
/// </summary>
internal static class DirectoryMatching
{
    /// <summary>
    /// The entries matching the query, best first: exact matches before prefix matches, persons before structures,
    /// then by name.
    /// </summary>
    public static List<DirectoryEntry> Rank(IEnumerable<DirectoryEntry> entries, DirectoryQuery query)
    {
        var words = DirectoryText.Words(query.Text);
        return entries
            .Select(e => (Entry: e, Rank: Rank(e, query, words)))
            .Where(r => r.Rank >= 0)
            .OrderBy(r => r.Rank)
            .ThenBy(r => r.Entry.MailboxKind == MailboxKind.Personal ? 0 : 1)
            .ThenBy(r => DirectoryText.Fold(r.Entry.LastName ?? r.Entry.Organization), StringComparer.Ordinal)
            .ThenBy(r => DirectoryText.Fold(r.Entry.FirstName), StringComparer.Ordinal)
            .Select(r => r.Entry)
            .ToList();
    }

    /// <summary>-1 when the entry does not match; else 0 for an exact match of every word, 1 when some word matched only as a prefix.</summary>
    private static int Rank(DirectoryEntry e, DirectoryQuery q, string[] words)
    {
        if (!(Field(q.LastName, e.LastName) && Field(q.FirstName, e.FirstName) && Field(q.PostalCode, e.PostalCode) &&
              Field(q.City, e.City) && (Field(q.Department, e.Department) || (q.Department is { Length: > 0 } && e.PostalCode?.StartsWith(q.Department, StringComparison.Ordinal) == true)) &&
              Field(q.Profession, e.Profession) && Field(q.Organization, e.Organization) &&
              Field(q.Email, e.Address.Value) && Identifier(q.Identifier, e) &&
              (q.MailboxKind is null || q.MailboxKind == e.MailboxKind)))
        {
            return -1;
        }
        if (words.Length == 0)
        {
            // Text made only of punctuation matches nothing rather than everything.
            return string.IsNullOrWhiteSpace(q.Text) ? 0 : -1;
        }
        var haystack = DirectoryText.Words(string.Join(' ', new[] { e.LastName, e.FirstName, e.Organization, e.City, e.Service }.Concat(e.AddressLines)));
        var rank = 0;
        foreach (var word in words)
        {
            if (haystack.Contains(word, StringComparer.Ordinal))
            {
                continue;
            }
            if (!haystack.Any(h => h.StartsWith(word, StringComparison.Ordinal)))
            {
                return -1;
            }
            rank = 1;
        }
        return rank;
    }

    /// <summary>A field criterion matches when every word of it starts a word of the value.</summary>
    private static bool Field(string? criterion, string? value)
    {
        var words = DirectoryText.Words(criterion);
        if (words.Length == 0)
        {
            return true;
        }
        var valueWords = DirectoryText.Words(value);
        return words.All(w => valueWords.Any(v => v.StartsWith(w, StringComparison.Ordinal)));
    }

    private static bool Identifier(string? criterion, DirectoryEntry e)
    {
        if (string.IsNullOrWhiteSpace(criterion))
        {
            return true;
        }
        var c = criterion.Trim();
        return e.Identifier is not null && (e.Identifier.Value == c || e.Identifier.NationalId == c);
    }
}

