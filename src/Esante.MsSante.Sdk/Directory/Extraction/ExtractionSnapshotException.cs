namespace Esante.MsSante.Directory;

/// <summary>Why an index snapshot was refused.</summary>
public enum ExtractionSnapshotProblem
{
    /// <summary>There is no snapshot file.</summary>
    Missing,

    /// <summary>The extraction changed since the snapshot was written (another size, date or content), or the snapshot was made with other options.</summary>
    Stale,

    /// <summary>The file is not a snapshot, or is truncated, or its content does not match its checksum.</summary>
    Damaged,

    /// <summary>The snapshot was written by another version of the format.</summary>
    WrongVersion,
}

/// <summary>
/// An index snapshot (see <see cref="ExtractionDirectoryIndex.LoadSnapshot(string, string?, ExtractionIndexOptions?, ExtractionLoadOptions?, CancellationToken)"/>)
/// cannot be used: missing, stale, damaged or of another format version. Loading the extraction itself
/// (<see cref="ExtractionDirectoryIndex.LoadWithSnapshotAsync(string, ExtractionSnapshotOptions, ExtractionIndexOptions?, ExtractionLoadOptions?, IProgress{ExtractionLoadProgress}?, CancellationToken)"/>
/// does it) gives a fresh index and a fresh snapshot.
/// </summary>
public sealed class ExtractionSnapshotException : DirectorySourceException
{
    /// <summary>Creates the exception.</summary>
    public ExtractionSnapshotException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public ExtractionSnapshotException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ExtractionSnapshotException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with its problem.</summary>
    /// <param name="problem">Why the snapshot was refused.</param>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ExtractionSnapshotException(ExtractionSnapshotProblem problem, string message, Exception? innerException = null)
        : base(message, innerException!) => Problem = problem;

    /// <summary>Why the snapshot was refused.</summary>
    public ExtractionSnapshotProblem Problem { get; } = ExtractionSnapshotProblem.Damaged;
}
