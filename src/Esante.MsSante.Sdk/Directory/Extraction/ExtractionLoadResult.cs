namespace Esante.MsSante.Directory;

/// <summary>The rows kept from an extraction file, and the report of the loading.</summary>
/// <param name="Rows">The rows kept.</param>
/// <param name="Report">Counts and the first problems.</param>
public sealed record ExtractionLoadResult(ExtractionRowSet Rows, ExtractionLoadReport Report)
{
    /// <summary>
    /// XXH64 of the file's bytes as they were read, when it was loaded from a path as text (not a zip): what a snapshot is
    /// tied to, so that it matches the rows indexed whatever happens to the file afterwards. Null otherwise.
    /// </summary>
    internal ulong? ContentHash { get; init; }
}
