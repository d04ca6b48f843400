using Esante.MsSante;
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
    /// The name of the HTTP client Pro Santé Connect is called with, from <see cref="IHttpClientFactory"/>: configure it
    /// (proxy, resilience handlers) through the builder <c>AddMssanteProSanteConnect</c> returns. Its timeout is 30 seconds.
    /// </summary>
    public const string HttpClientName = "Esante.MsSante.ProSanteConnect";

    /// <summary>
    /// Adds a <see cref="ProSanteConnectClient"/> (a singleton) with its options, validated at start: the client id, secret and
    /// redirect address are required. Calling it again registers nothing twice; its options are applied after the earlier
    /// calls' (what it sets wins).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder of the HTTP client used for Pro Santé Connect: add a proxy, handlers or resilience to it.</returns>
    public static IHttpClientBuilder AddMssanteProSanteConnect(this IServiceCollection services, Action<ProSanteConnectOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddClient(services, services.AddOptions<ProSanteConnectOptions>().Configure(configure));
    }

    /// <summary>
    /// Adds a <see cref="ProSanteConnectClient"/> as <see cref="AddMssanteProSanteConnect(IServiceCollection, Action{ProSanteConnectOptions})"/>
    /// does, its options read from configuration, e.g. <c>{ "Environment": "Integration", "ClientId": "…", "RedirectUri": "https://app.example.fr/psc/callback" }</c>
    /// with the <c>ClientSecret</c> from a secret store (user secrets, environment, vault) rather than a file.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="ProSanteConnectOptions"/>.</param>
    /// <returns>The builder of the HTTP client used for Pro Santé Connect.</returns>
    public static IHttpClientBuilder AddMssanteProSanteConnect(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMssanteProSanteConnect(configuration, _ => { });

    /// <summary>
    /// Adds a <see cref="ProSanteConnectClient"/> with its options read from configuration, as
    /// <see cref="AddMssanteProSanteConnect(IServiceCollection, IConfiguration)"/> does, then completed in code.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="ProSanteConnectOptions"/>.</param>
    /// <param name="configure">Sets what configuration does not, after it is read.</param>
    /// <returns>The builder of the HTTP client used for Pro Santé Connect.</returns>
    public static IHttpClientBuilder AddMssanteProSanteConnect(this IServiceCollection services, IConfiguration configuration, Action<ProSanteConnectOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        return AddClient(services, services.AddOptions<ProSanteConnectOptions>().BindTrimSafe(configuration).Configure(configure));
    }

    private static IHttpClientBuilder AddClient(IServiceCollection services, OptionsBuilder<ProSanteConnectOptions> options)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProSanteConnectOptions>, ProSanteConnectOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<ProSanteConnectOptions>>().Value;
            settings.TimeProvider ??= sp.GetRequiredService<TimeProvider>();
            var clients = sp.GetRequiredService<IHttpClientFactory>();
            return new ProSanteConnectClient(() => clients.CreateClient(HttpClientName), settings, sp.GetService<ILoggerFactory>());
        });
        return services.AddHttpClient(HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30));
    }
}
