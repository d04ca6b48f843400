using Esante.MsSante.Operators;
using Esante.MsSante;
using Esante.MsSante.Operators.Imap;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs a real operator, reached over IMAP and SMTP submission, into an application's services.</summary>
public static class ImapOperatorServiceCollectionExtensions
{
    /// <summary>
    /// Makes the SDK talk to a real MSSanté operator over IMAP and SMTP (MailKit), with TLS 1.2+ and certificate validation.
    /// Call <c>AddMssante</c> as well.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the servers and the TLS settings.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentException">The options are invalid (checked when the operator is first resolved).</exception>
    public static IServiceCollection AddMssanteImapOperator(this IServiceCollection services, Action<ImapOperatorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.Replace(ServiceDescriptor.Singleton<IMssanteOperator>(sp =>
        {
            var options = new ImapOperatorOptions();
            configure(options);
            return new ImapOperator(options, sp.GetRequiredService<TimeProvider>());
        }));
        return services;
    }

    /// <summary>
    /// Makes the SDK talk to a real MSSanté operator, its options read from configuration (host names, ports, security,
    /// timeout…), e.g. <c>{ "ImapHost": "imap.operateur.mssante.fr", "SmtpHost": "smtp.operateur.mssante.fr" }</c>, or the
    /// mail domain whose SRV records name them, e.g. <c>{ "AutoconfigureDomain": "chu-nantes.mssante.fr", "TrustedServerDomains": [ "operateur.fr" ] }</c>.
    /// Certificates, which configuration cannot carry, are added by <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="ImapOperatorOptions"/>.</param>
    /// <param name="configure">Sets what configuration cannot: trusted authorities, client certificates.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMssanteImapOperator(this IServiceCollection services, IConfiguration configuration, Action<ImapOperatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddMssanteImapOperator(options =>
        {
            configuration.Bind(options);
            // Weakening TLS is a decision made in code, never by a configuration file or an environment variable.
            if (options.InsecureSkipCertificateValidation || options.InsecureSkipRevocationCheck ||
                ConnectionSecurity.InsecurePlaintext is var plain && (options.ImapSecurity == plain || options.SmtpSecurity == plain || options.ManageSieveSecurity == plain))
            {
                throw new ArgumentException("The configuration turns off TLS or certificate validation: the insecure options are accepted from code only.", nameof(configuration));
            }
            configure?.Invoke(options);
        });
    }
}
