using Esante.MsSante.Operators;

namespace Esante.MsSante.Directory;

/// <summary>
/// An <see cref="IDirectorySearch"/> over a small set of entries held in memory (an address book, the fake operator's accounts),
/// answering by a scan. Ranks exact matches before prefix matches, persons before structures, then by name.
/// </summary>
public sealed class InMemoryDirectory : IDirectorySearch
{
    private readonly Func<IEnumerable<DirectoryEntry>> _entries;

    /// <summary>Creates a directory over a live source of entries, read at each search.</summary>
    public InMemoryDirectory(Func<IEnumerable<DirectoryEntry>> entries) => _entries = entries ?? throw new ArgumentNullException(nameof(entries));

    /// <summary>Creates a directory over fixed entries.</summary>
    public InMemoryDirectory(IEnumerable<DirectoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var copy = entries.ToList();
        _entries = () => copy;
    }

    /// <inheritdoc/>
    public Task<DirectoryPage> SearchAsync(DirectoryQuery query, CancellationToken cancellationToken = default)
    {
        DirectoryQueryValidation.ThrowIfInvalid(query);
        var words = DirectoryText.Words(query.Text);
        var ranked = _entries()
            .Select(e => (Entry: e, Rank: Rank(e, query, words)))
            .Where(r => r.Rank >= 0)
            .OrderBy(r => r.Rank)
            .ThenBy(r => r.Entry.MailboxKind == MailboxKind.Personal ? 0 : 1)
            .ThenBy(r => DirectoryText.Fold(r.Entry.LastName ?? r.Entry.Organization), StringComparer.Ordinal)
            .ThenBy(r => DirectoryText.Fold(r.Entry.FirstName), StringComparer.Ordinal)
            .Select(r => r.Entry)
            .ToList();
        return Task.FromResult(new DirectoryPage(ranked.Skip(query.Skip).Take(query.Take).ToList(), ranked.Count, query.Skip));
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

/// <summary>The checks every <see cref="IDirectorySearch"/> applies to a query.</summary>
internal static class DirectoryQueryValidation
{
    public static void ThrowIfInvalid(DirectoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.HasCriteria)
        {
            throw new ArgumentException("A directory search needs at least one criterion (text, name, city, structure…).", nameof(query));
        }
        if (query.Skip < 0 || query.Take is < 1 or > 1000)
        {
            throw new ArgumentException("Skip must be 0 or more and Take between 1 and 1000.", nameof(query));
        }
    }
}
