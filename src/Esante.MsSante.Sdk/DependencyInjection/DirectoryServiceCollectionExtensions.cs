using Esante.MsSante;
using Esante.MsSante.Directory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the national directory as the application's <see cref="IDirectorySearch"/>.</summary>
public static class DirectoryServiceCollectionExtensions
{
    /// <summary>
    /// Makes <see cref="IDirectorySearch"/> search the national directory, from the source the options choose: the extraction
    /// file, loaded in the background at start into a <see cref="ReloadableDirectory"/> (also registered, to swap in a newer
    /// file), or the Annuaire Santé FHIR API. Replaces an earlier registration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Chooses the source.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentException">No source, or both, are configured.</exception>
    public static IServiceCollection AddMssanteDirectory(this IServiceCollection services, Action<MssanteDirectoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MssanteDirectoryOptions();
        configure(options);
        if ((options.ExtractionFilePath is null) == (options.Fhir is null))
        {
            throw new ArgumentException("Choose one directory source: ExtractionFilePath (the national extraction file) or Fhir (the Annuaire Santé API).", nameof(configure));
        }
        if (options.ExtractionFilePath is { } path)
        {
            services.Replace(ServiceDescriptor.Singleton(_ =>
                new ReloadableDirectory(new LoadingDirectory(LoadAsync(path, options.ExtractionIndex)))));
            services.Replace(ServiceDescriptor.Singleton<IDirectorySearch>(sp => sp.GetRequiredService<ReloadableDirectory>()));
        }
        else
        {
            services.Replace(ServiceDescriptor.Singleton<IDirectorySearch>(_ => new AnnuaireSanteFhirDirectory(new HttpClient(), options.Fhir!)));
        }
        return services;
    }

    private static async Task<IDirectorySearch> LoadAsync(string path, ExtractionIndexOptions index) =>
        await Task.Run(() => ExtractionDirectoryIndex.LoadAsync(path, index)).ConfigureAwait(false);
}
