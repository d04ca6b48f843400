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
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.DirectorySearch)?.Tag(Diagnostics.SdkTelemetry.DirectorySource, "in_memory");
        var ranked = DirectoryMatching.Rank(_entries(), query);
        traced?.Tag(Diagnostics.SdkTelemetry.ResultCount, ranked.Count);
        return Task.FromResult(new DirectoryPage(ranked.Skip(query.Skip).Take(query.Take).ToList(), ranked.Count, query.Skip));
    }
}
