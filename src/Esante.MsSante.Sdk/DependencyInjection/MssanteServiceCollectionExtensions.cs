using Esante.MsSante;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MSSanté SDK in a service collection.</summary>
public static class MssanteServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SDK's services: <see cref="IMssanteSessionFactory"/> (a session per person signing in, owned by the caller),
    /// a scoped <see cref="IMssanteSession"/> (disposed with its scope), <see cref="IOtpProvider"/>, the policies built from
    /// <see cref="MssanteOptions"/>, the <see cref="TrustSpace"/> whose whitelist can be reloaded
    /// (<see cref="TrustSpace.LoadWhitelistAsync"/>), and a <see cref="TimeProvider"/>. Add the operator on the returned
    /// builder: <c>.AddImapOperator(…)</c>, or <c>.AddFakeOperator(server)</c> in tests. The options are validated, and the
    /// operator's presence checked, when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The registration, to add its operator to.</returns>
    public static MssanteBuilder AddMssante(this IServiceCollection services, Action<MssanteOptions> configure) =>
        services.AddMssante(Options.Options.DefaultName, configure);

    /// <summary>
    /// Adds the SDK's services as <see cref="AddMssante(IServiceCollection, Action{MssanteOptions})"/> does, with the options
    /// read from configuration, e.g. the section <c>"Mssante"</c> of appsettings.json:
    /// <c>{ "ProductReference": "DEV935997", "TrashRetention": "30 days", "FolderRetention": { "Archives": "6 months" } }</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="MssanteOptions"/>.</param>
    /// <returns>The registration, to add its operator to.</returns>
    public static MssanteBuilder AddMssante(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMssante(Options.Options.DefaultName, configuration);

    /// <summary>
    /// Adds a named registration, for several establishments or operators in one container: its services are keyed by
    /// <paramref name="name"/> (<c>[FromKeyedServices("chu-nantes")] IMssanteSessionFactory</c>) and its options named so.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The registration's name and its services' key; empty for the default registration.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The registration, to add its operator to.</returns>
    public static MssanteBuilder AddMssante(this IServiceCollection services, string name, Action<MssanteOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddServices(services, name, services.AddOptions<MssanteOptions>(name).Configure(configure));
    }

    /// <summary>Adds a named registration (see <see cref="AddMssante(IServiceCollection, string, Action{MssanteOptions})"/>) with its options read from configuration.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The registration's name and its services' key; empty for the default registration.</param>
    /// <param name="configuration">The section holding <see cref="MssanteOptions"/>.</param>
    /// <returns>The registration, to add its operator to.</returns>
    public static MssanteBuilder AddMssante(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        // The binder skips a dictionary entry it cannot convert: a mistyped folder retention would keep that folder forever.
        services.AddSingleton<IValidateOptions<MssanteOptions>>(new ConfiguredRetentionValidator(name, configuration.GetSection(nameof(MssanteOptions.FolderRetention))));
        return AddServices(services, name, services.AddOptions<MssanteOptions>(name).BindTrimSafe(configuration)
            .Configure(options => BindCollections(options, configuration)));
    }

    // In a native AOT application the reflection binder leaves collections empty (OptionsBinding): the whitelist and the
    // retention periods are read here, the same in every kind of application. A value that does not read as a period is
    // left to the binder's error (trash) or ConfiguredRetentionValidator (folders).
    private static void BindCollections(MssanteOptions options, IConfiguration configuration)
    {
        OptionsBinding.AddMissing(options.WhitelistedDomains, configuration.GetSection(nameof(MssanteOptions.WhitelistedDomains)));
        if (RetentionPeriod.TryParse(configuration[nameof(MssanteOptions.TrashRetention)], out var trash))
        {
            options.TrashRetention = trash;
        }
        foreach (var folder in configuration.GetSection(nameof(MssanteOptions.FolderRetention)).GetChildren())
        {
            if (RetentionPeriod.TryParse(folder.Value, out var period))
            {
                options.FolderRetention[folder.Key] = period;
            }
        }
    }

    private static MssanteBuilder AddServices(IServiceCollection services, string name, OptionsBuilder<MssanteOptions> options)
    {
        var builder = new MssanteBuilder(services, name);
        var key = builder.ServiceKey;
        options.ValidateOnStart();
        if (!services.Any(d => d.ServiceType == typeof(IMssanteSessionFactory) && Equals(d.ServiceKey, key)))
        {
            // Checked when the host starts, apart from the options: policies and one-time codes work without an operator.
            services.AddOptions<OperatorCheck>(name).ValidateOnStart().Validate<IServiceProvider>(
                (_, sp) => sp.GetService<IServiceProviderIsKeyedService>() is not { } known ||
                    (key is null ? known.IsService(typeof(IMssanteOperator)) : known.IsKeyedService(typeof(IMssanteOperator), key)),
                NoOperator(name));
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MssanteOptions>, MssanteOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        MssanteOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptionsMonitor<MssanteOptions>>().Get(name);
        services.TryAdd(new ServiceDescriptor(typeof(TrustSpace), key, (sp, _) => MssantePoliciesFactory.CreateTrustSpace(Options(sp)), ServiceLifetime.Singleton));
        services.TryAdd(new ServiceDescriptor(typeof(MssantePolicies), key, (sp, _) =>
            MssantePoliciesFactory.Create(Options(sp), MssanteBuilder.Resolve<TrustSpace>(sp, key)), ServiceLifetime.Singleton));
        // The one-time codes' state goes to the application's distributed cache when it has one (instances share it).
        services.TryAdd(new ServiceDescriptor(typeof(IOtpProvider), key, (sp, _) =>
            new OtpProvider(sp.GetRequiredService<TimeProvider>(), Options(sp).Otp, sp.GetService<IDistributedCache>()), ServiceLifetime.Singleton));
        services.TryAdd(new ServiceDescriptor(typeof(IMssanteSessionFactory), key, (sp, _) => new MssanteSessionFactory(
            MssanteBuilder.ResolveOptional<IMssanteOperator>(sp, key) ?? throw new InvalidOperationException(NoOperator(name)),
            Options(sp), MssanteBuilder.Resolve<MssantePolicies>(sp, key), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>(),
            sp.GetService<Esante.MsSante.Directory.IDirectorySearch>()), ServiceLifetime.Singleton));
        services.TryAdd(new ServiceDescriptor(typeof(IMssanteSession), key, (sp, _) =>
            MssanteBuilder.Resolve<IMssanteSessionFactory>(sp, key).CreateSession(), ServiceLifetime.Scoped));
        return builder;
    }

    /// <summary>What to register when a registration has no operator (at start, and in the health check).</summary>
    internal static string NoOperator(string name) =>
        $"No MSSanté operator is registered{(name.Length == 0 ? string.Empty : $" for '{name}'")}: add one to the registration, services.AddMssante(…).AddImapOperator(…) for a real operator, or .AddFakeOperator(server) from Esante.MsSante.Sdk.Testing in tests.";

    /// <summary>The registration's operator is there (validated at start, like options).</summary>
    private sealed class OperatorCheck;

    private sealed class ConfiguredRetentionValidator(string registration, IConfigurationSection folders) : IValidateOptions<MssanteOptions>
    {
        public ValidateOptionsResult Validate(string? name, MssanteOptions options)
        {
            if ((name ?? string.Empty) != registration)
            {
                return ValidateOptionsResult.Skip;
            }
            var bad = folders.GetChildren().FirstOrDefault(c => !RetentionPeriod.TryParse(c.Value, out _));
            return bad is null
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{bad.Path} does not read as a retention period such as '30 days', '2 weeks' or '6 months'.");
        }
    }
}
