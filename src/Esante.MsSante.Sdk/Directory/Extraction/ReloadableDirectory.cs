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
}
