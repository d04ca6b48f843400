namespace Esante.MsSante.Directory;

/// <summary>
/// An <see cref="IDirectorySearch"/> whose directory can be replaced while searches run: the daily extraction is loaded and
/// indexed aside, then swapped in atomically. A search uses the directory current when it starts; none waits for a reload.
/// </summary>
public sealed class ReloadableDirectory : IDirectorySearch
{
    private volatile IDirectorySearch _current;

    /// <summary>Starts with a directory.</summary>
    /// <param name="initial">The directory to search until the first swap.</param>
    public ReloadableDirectory(IDirectorySearch initial) => _current = initial ?? throw new ArgumentNullException(nameof(initial));

    /// <summary>The directory searches use now.</summary>
    public IDirectorySearch Current => _current;

    /// <summary>How many times the directory was replaced.</summary>
    public int Generation => _generation;

    private int _generation;

    /// <inheritdoc/>
    public Task<DirectoryPage> SearchAsync(DirectoryQuery query, CancellationToken cancellationToken = default) =>
        _current.SearchAsync(query, cancellationToken);

    /// <summary>Replaces the directory atomically.</summary>
    /// <param name="next">The new directory.</param>
    /// <returns>The directory replaced.</returns>
    public IDirectorySearch Swap(IDirectorySearch next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var previous = Interlocked.Exchange(ref _current, next);
        Interlocked.Increment(ref _generation);
        return previous;
    }

    /// <summary>
    /// Builds a new directory with <paramref name="load"/> (e.g. <see cref="ExtractionDirectoryIndex.LoadAsync(string, ExtractionIndexOptions?, ExtractionLoadOptions?, IProgress{ExtractionLoadProgress}?, CancellationToken)"/>)
    /// while the current one keeps answering, then swaps it in. If loading fails, the current directory stays; of two concurrent reloads, the last to finish wins.
    /// </summary>
    /// <param name="load">Builds the new directory.</param>
    /// <param name="cancellationToken">Cancels the wait and the loading.</param>
    /// <returns>The new directory.</returns>
    public async Task<T> ReloadAsync<T>(Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken = default)
        where T : IDirectorySearch
    {
        ArgumentNullException.ThrowIfNull(load);
        var next = await load(cancellationToken).ConfigureAwait(false);
        Swap(next);
        return next;
    }

    /// <summary>
    /// The daily refresh: loads and indexes an extraction in the background while searches go on with the current directory,
    /// writes its snapshot (when <paramref name="snapshot"/> is given and <see cref="ExtractionSnapshotOptions.Write"/>), then
    /// swaps it in. The loading runs on the thread pool, off the caller's thread (its stages use two or three pool threads
    /// at once, but the parts a first load splits over two threads run one after the other here, holding less memory at
    /// once); the current index stays whole and answers until the swap.
    /// </summary>
    /// <param name="path">The new extraction file.</param>
    /// <param name="snapshot">Where to read and write its snapshot; null for no snapshot.</param>
    /// <param name="options">Index options, or null for the defaults.</param>
    /// <param name="loadOptions">Loading options, or null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the loading; the current directory stays.</param>
    /// <returns>The new index, now current.</returns>
    /// <exception cref="InvalidDataException">The file is not an extraction; the current directory stays.</exception>
    /// <exception cref="OutOfMemoryException">
    /// The new index did not fit beside the current one (with the national file, a refresh peaks at about 400 MB of managed
    /// heap); the current directory stays, and searches go on with it.
    /// </exception>
    public Task<ExtractionDirectoryIndex> ReloadExtractionAsync(string path, ExtractionSnapshotOptions? snapshot = null, ExtractionIndexOptions? options = null,
        ExtractionLoadOptions? loadOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReloadAsync(token => Task.Run(() => BuildParallelism.OneAfterTheOther(() => snapshot is null
            ? ExtractionDirectoryIndex.LoadAsync(path, options, loadOptions, null, token)
            : ExtractionDirectoryIndex.LoadWithSnapshotAsync(path, snapshot, options, loadOptions, null, token)), token), cancellationToken);
    }
}
