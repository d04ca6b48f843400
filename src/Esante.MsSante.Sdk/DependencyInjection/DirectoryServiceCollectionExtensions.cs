using Esante.MsSante;
using Esante.MsSante.Directory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the national directory as the application's <see cref="IDirectorySearch"/>.</summary>
public static class DirectoryServiceCollectionExtensions
{
    /// <summary>
    /// The name of the HTTP client the Annuaire Santé API is called with, from <see cref="IHttpClientFactory"/>: configure it
    /// (proxy, resilience handlers) through the builder <see cref="AddMssanteDirectory"/> returns.
    /// </summary>
    public const string HttpClientName = "Esante.MsSante.Directory";

    /// <summary>
    /// Makes <see cref="IDirectorySearch"/> search the national directory, from the source the options choose: the extraction
    /// file, loaded in the background at start into a <see cref="ReloadableDirectory"/> (also registered, to swap in a newer
    /// file) from its index snapshot when fresh (<see cref="MssanteDirectoryOptions.UseSnapshot"/>), or the Annuaire Santé FHIR API. Replaces an earlier registration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Chooses the source.</param>
    /// <returns>The builder of the HTTP client used for the Annuaire Santé API (proxy, handlers, resilience); unused with the extraction file.</returns>
    /// <exception cref="ArgumentException">No source, or both, are configured.</exception>
    public static IHttpClientBuilder AddMssanteDirectory(this IServiceCollection services, Action<MssanteDirectoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MssanteDirectoryOptions();
        configure(options);
        if ((options.ExtractionFilePath is null) == (options.Fhir is null))
        {
            throw new ArgumentException("Choose one directory source: ExtractionFilePath (the national extraction file) or Fhir (the Annuaire Santé API).", nameof(configure));
        }
        options.Fhir?.Validate();
        if (options.ExtractionFilePath is { } path)
        {
            services.Replace(ServiceDescriptor.Singleton(sp =>
            {
                ExtractionSnapshotOptions? snapshot = options.UseSnapshot
                    ? new() { Path = options.SnapshotPath, Logger = sp.GetService<ILoggerFactory>()?.CreateLogger<ReloadableDirectory>() }
                    : null;
                return new ReloadableDirectory(new LoadingDirectory(LoadAsync(path, options.ExtractionIndex, snapshot)));
            }));
            services.Replace(ServiceDescriptor.Singleton<IDirectorySearch>(sp => sp.GetRequiredService<ReloadableDirectory>()));
        }
        else
        {
            services.Replace(ServiceDescriptor.Singleton<IDirectorySearch>(sp =>
                new AnnuaireSanteFhirDirectory(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), options.Fhir!)));
        }
        return services.AddHttpClient(HttpClientName);
    }

    private static async Task<IDirectorySearch> LoadAsync(string path, ExtractionIndexOptions index, ExtractionSnapshotOptions? snapshot) =>
        await Task.Run(() => snapshot is null
            ? ExtractionDirectoryIndex.LoadAsync(path, index)
            : ExtractionDirectoryIndex.LoadWithSnapshotAsync(path, snapshot, index)).ConfigureAwait(false);
}
