using Esante.MsSante.ProSanteConnect;
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
    /// redirect address are required.
    /// </summary>
    /// <remarks>
    /// Calling it again registers nothing twice and applies whole: its options are set after the earlier calls' (what it sets
    /// wins), and its <paramref name="httpClient"/>, when given, replaces theirs.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="httpClient">
    /// Gives the HTTP client, called once: the client is a singleton and keeps it for the application's lifetime. Give one whose
    /// handler renews its connections, e.g. <c>_ =&gt; new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })</c>
    /// (to add a proxy or a timeout), not one from <c>IHttpClientFactory.CreateClient</c>, whose handler is meant to be
    /// recycled and would be kept forever here. By default the client shares one such HTTP client (connections renewed every
    /// 5 minutes, so DNS changes are seen; 30 seconds timeout).
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
    /// <param name="httpClient">Gives the HTTP client, as for the other overload (a long-lived one with <c>PooledConnectionLifetime</c>); by default a shared one.</param>
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
        if (httpClient is not null)
        {
            // The latest call's HTTP client, as its options are applied last: a second call does not half-apply.
            services.Replace(ServiceDescriptor.Singleton(new HttpClientSource(httpClient)));
        }
        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<ProSanteConnectOptions>>().Value;
            settings.TimeProvider ??= sp.GetRequiredService<TimeProvider>();
            var http = sp.GetService<HttpClientSource>()?.Create(sp) ?? SharedHttpClient.Value;
            return new ProSanteConnectClient(http, settings, sp.GetService<ILoggerFactory>());
        });
        return services;
    }

    /// <summary>The HTTP client the application chose for Pro Santé Connect.</summary>
    private sealed record HttpClientSource(Func<IServiceProvider, HttpClient> Create);

    /// <summary>One HTTP client for every container that brings none, renewing its connections so DNS changes are seen.</summary>
    private static readonly Lazy<HttpClient> SharedHttpClient = new(() =>
        new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) });
}
