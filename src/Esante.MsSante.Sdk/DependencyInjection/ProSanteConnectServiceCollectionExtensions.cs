using Esante.MsSante.Identity.ProSanteConnect;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Pro Santé Connect client, which signs professionals in and keeps their access token fresh.</summary>
public static class ProSanteConnectServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="ProSanteConnectClient"/> (a singleton) with its options, validated at start: the client id, secret and
    /// redirect address are required. Calling it twice adds nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="httpClient">
    /// Gives the HTTP client to use, e.g. <c>sp =&gt; sp.GetRequiredService&lt;IHttpClientFactory&gt;().CreateClient("psc")</c>;
    /// by default the client keeps one of its own.
    /// </param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMssanteProSanteConnect(this IServiceCollection services, Action<ProSanteConnectOptions> configure, Func<IServiceProvider, HttpClient>? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddClient(services, services.AddOptions<ProSanteConnectOptions>().Configure(configure), httpClient);
    }

    /// <summary>
    /// Adds a <see cref="ProSanteConnectClient"/> as <see cref="AddMssanteProSanteConnect(IServiceCollection, Action{ProSanteConnectOptions}, Func{IServiceProvider, HttpClient})"/>
    /// does, its options read from configuration, e.g. <c>{ "Environment": "Integration", "ClientId": "…", "RedirectUri": "https://app.example.fr/psc/callback" }</c>
    /// with the <c>ClientSecret</c> from a secret store (user secrets, environment, vault) rather than a file.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="ProSanteConnectOptions"/>.</param>
    /// <param name="configure">Sets what configuration does not, after it is read.</param>
    /// <param name="httpClient">Gives the HTTP client to use; by default the client keeps one of its own.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMssanteProSanteConnect(this IServiceCollection services, IConfiguration configuration, Action<ProSanteConnectOptions>? configure = null, Func<IServiceProvider, HttpClient>? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<ProSanteConnectOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        return AddClient(services, options, httpClient);
    }

    private static IServiceCollection AddClient(IServiceCollection services, OptionsBuilder<ProSanteConnectOptions> options, Func<IServiceProvider, HttpClient>? httpClient)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProSanteConnectOptions>, ProSanteConnectOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<ProSanteConnectOptions>>().Value;
            settings.TimeProvider ??= sp.GetRequiredService<TimeProvider>();
            return new ProSanteConnectClient(httpClient?.Invoke(sp) ?? SharedHttpClient.Value, settings, sp.GetService<ILoggerFactory>());
        });
        return services;
    }

    /// <summary>One HTTP client for every container that brings none, renewing its connections so DNS changes are seen.</summary>
    private static readonly Lazy<HttpClient> SharedHttpClient = new(() =>
        new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) });
}
