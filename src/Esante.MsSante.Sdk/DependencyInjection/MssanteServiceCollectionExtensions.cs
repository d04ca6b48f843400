using Esante.MsSante;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MSSanté SDK in a service collection.</summary>
public static class MssanteServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SDK's services: <see cref="IMssanteSession"/> (one per person signing in), <see cref="IOtpProvider"/>,
    /// the policies built from <see cref="MssanteOptions"/> (validated at start), the <see cref="TrustSpace"/> whose
    /// whitelist can be reloaded (<see cref="TrustSpace.LoadWhitelistAsync"/>), and a <see cref="TimeProvider"/>.
    /// An operator must be registered too: the fake one with <c>AddMssanteFakeOperator</c> from Esante.MsSante.Sdk.Testing.
    /// Calling it twice adds nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMssante(this IServiceCollection services, Action<MssanteOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MssanteOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        return AddServices(services, options);
    }

    /// <summary>
    /// Adds the SDK's services as <see cref="AddMssante(IServiceCollection, Action{MssanteOptions})"/> does, with the options
    /// read from configuration, e.g. the section <c>"Mssante"</c> of appsettings.json:
    /// <c>{ "ProductReference": "DEV935997", "TrashRetention": "30 days", "FolderRetention": { "Archives": "6 months" } }</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="MssanteOptions"/>.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMssante(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // The binder skips a dictionary entry it cannot convert: a mistyped folder retention would keep that folder forever.
        services.AddSingleton<IValidateOptions<MssanteOptions>>(new ConfiguredRetentionValidator(configuration.GetSection(nameof(MssanteOptions.FolderRetention))));
        return AddServices(services, services.AddOptions<MssanteOptions>().Bind(configuration));
    }

    private static IServiceCollection AddServices(IServiceCollection services, OptionsBuilder<MssanteOptions> options)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MssanteOptions>, MssanteOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => MssantePoliciesFactory.CreateTrustSpace(sp.GetRequiredService<IOptions<MssanteOptions>>().Value));
        services.TryAddSingleton(sp => MssantePoliciesFactory.Create(sp.GetRequiredService<IOptions<MssanteOptions>>().Value, sp.GetRequiredService<TrustSpace>()));
        // The one-time codes' state goes to the application's distributed cache when it has one (instances share it).
        services.TryAddSingleton<IOtpProvider>(sp => new OtpProvider(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<MssanteOptions>>().Value.Otp, sp.GetService<IDistributedCache>()));
        services.TryAddTransient<IMssanteSession, MssanteSession>();
        return services;
    }

    /// <summary>Fails the options when a configured folder retention does not read as a period (the binder would skip it).</summary>
    private sealed class ConfiguredRetentionValidator(IConfigurationSection folders) : IValidateOptions<MssanteOptions>
    {
        public ValidateOptionsResult Validate(string? name, MssanteOptions options)
        {
            var bad = folders.GetChildren().FirstOrDefault(c => !RetentionPeriod.TryParse(c.Value, out _));
            return bad is null
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{bad.Path} does not read as a retention period such as '30 days', '2 weeks' or '6 months'.");
        }
    }
}
