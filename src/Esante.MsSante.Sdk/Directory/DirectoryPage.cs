namespace Esante.MsSante.Directory;

/// <summary>One page of directory results.</summary>
/// <param name="Entries">The results of this page, best first.</param>
/// <param name="TotalCount">How many results match in all.</param>
/// <param name="Skip">How many results were skipped.</param>
public sealed record DirectoryPage(IReadOnlyList<DirectoryEntry> Entries, int TotalCount, int Skip)
{
    /// <summary>Whether more results follow this page.</summary>
    public bool HasMore => Skip + Entries.Count < TotalCount;
}
