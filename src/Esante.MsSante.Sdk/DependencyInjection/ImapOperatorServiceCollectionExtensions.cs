using Esante.MsSante;
using Esante.MsSante.Operators.Imap;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs a real operator, reached over IMAP and SMTP submission, into an MSSanté registration.</summary>
public static class ImapOperatorServiceCollectionExtensions
{
    /// <summary>
    /// Makes the registration talk to a real MSSanté operator over IMAP and SMTP (MailKit), with TLS 1.2+ and certificate
    /// validation. The options are named after the registration and validated when the host starts.
    /// </summary>
    /// <param name="builder">The registration, from <c>services.AddMssante(…)</c>.</param>
    /// <param name="configure">Sets the servers and the TLS settings.</param>
    /// <returns>The registration.</returns>
    public static MssanteBuilder AddImapOperator(this MssanteBuilder builder, Action<ImapOperatorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return AddOperator(builder, builder.Services.AddOptions<ImapOperatorOptions>(builder.Name).Configure(configure));
    }

    /// <summary>
    /// Makes the registration talk to a real MSSanté operator, its options read from configuration (host names, ports,
    /// security, timeout…), e.g. <c>{ "ImapHost": "imap.operateur.mssante.fr", "SmtpHost": "smtp.operateur.mssante.fr" }</c>,
    /// or the mail domain whose SRV records name them, e.g.
    /// <c>{ "AutoconfigureDomain": "chu-nantes.mssante.fr", "TrustedServerDomains": [ "operateur.fr" ] }</c>.
    /// TLS cannot be weakened from configuration: the insecure options are refused there.
    /// </summary>
    /// <param name="builder">The registration, from <c>services.AddMssante(…)</c>.</param>
    /// <param name="configuration">The section holding <see cref="ImapOperatorOptions"/>.</param>
    /// <returns>The registration.</returns>
    public static MssanteBuilder AddImapOperator(this MssanteBuilder builder, IConfiguration configuration) =>
        builder.AddImapOperator(configuration, _ => { });

    /// <summary>
    /// Makes the registration talk to a real MSSanté operator, its options read from configuration as
    /// <see cref="AddImapOperator(MssanteBuilder, IConfiguration)"/> does, then completed in code with what configuration
    /// cannot carry (trusted authorities, client certificates).
    /// </summary>
    /// <param name="builder">The registration, from <c>services.AddMssante(…)</c>.</param>
    /// <param name="configuration">The section holding <see cref="ImapOperatorOptions"/>.</param>
    /// <param name="configure">Sets what configuration cannot: trusted authorities, client certificates.</param>
    /// <returns>The registration.</returns>
    public static MssanteBuilder AddImapOperator(this MssanteBuilder builder, IConfiguration configuration, Action<ImapOperatorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        var options = builder.Services.AddOptions<ImapOperatorOptions>(builder.Name).BindTrimSafe(configuration)
            .Configure(o =>
            {
                OptionsBinding.AddMissing(o.TrustedServerDomains, configuration.GetSection(nameof(ImapOperatorOptions.TrustedServerDomains)));
                OptionsBinding.AddMissing(o.NameServers, configuration.GetSection(nameof(ImapOperatorOptions.NameServers)));
            })
            // Weakening TLS is a decision made in code, never by a configuration file or an environment variable.
            .Configure(o =>
            {
                if (Insecure(o))
                {
                    throw new ArgumentException("The configuration turns off TLS or certificate validation: the insecure options are accepted from code only.", nameof(configuration));
                }
            })
            .Configure(configure);
        return AddOperator(builder, options);
    }

    private static bool Insecure(ImapOperatorOptions o) =>
        o.InsecureSkipCertificateValidation || o.InsecureSkipRevocationCheck ||
        ConnectionSecurity.InsecurePlaintext is var plain && (o.ImapSecurity == plain || o.SmtpSecurity == plain || o.ManageSieveSecurity == plain);

    private static MssanteBuilder AddOperator(MssanteBuilder builder, OptionsBuilder<ImapOperatorOptions> options)
    {
        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImapOperatorOptions>, ImapOperatorOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder.AddOperator((sp, name) =>
            new ImapOperator(sp.GetRequiredService<IOptionsMonitor<ImapOperatorOptions>>().Get(name), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
    }

    private sealed class ImapOperatorOptionsValidator : IValidateOptions<ImapOperatorOptions>
    {
        public ValidateOptionsResult Validate(string? name, ImapOperatorOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
