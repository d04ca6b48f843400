namespace Esante.MsSante.Directory;

/// <summary>A directory being loaded: searches wait for the load, then use what it produced (or see why it failed).</summary>
internal sealed class LoadingDirectory(Task<IDirectorySearch> load) : IDirectorySearch
{
    /// <summary>The loading, for the health check.</summary>
    public Task<IDirectorySearch> Load => load;

    public async Task<DirectoryPage> SearchAsync(DirectoryQuery query, CancellationToken cancellationToken = default)
    {
        var directory = await load.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await directory.SearchAsync(query, cancellationToken).ConfigureAwait(false);
    }
}
