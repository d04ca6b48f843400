using Microsoft.Extensions.Logging;

namespace Esante.MsSante.Directory;

/// <summary>
/// Where and whether <see cref="ExtractionDirectoryIndex.LoadWithSnapshotAsync(string, ExtractionSnapshotOptions, ExtractionIndexOptions?, ExtractionLoadOptions?, IProgress{ExtractionLoadProgress}?, CancellationToken)"/>
/// reads and writes the index snapshot of an extraction.
/// </summary>
public sealed class ExtractionSnapshotOptions
{
    /// <summary>The snapshot file; null (the default) for the extraction's path followed by <c>.index</c>, beside it.</summary>
    public string? Path { get; init; }

    /// <summary>Whether a snapshot is written after loading the extraction itself. Default true.</summary>
    public bool Write { get; init; } = true;

    /// <summary>Receives a warning when the snapshot is refused (stale, damaged) or cannot be written; the loading goes on.</summary>
    public ILogger? Logger { get; init; }
}
