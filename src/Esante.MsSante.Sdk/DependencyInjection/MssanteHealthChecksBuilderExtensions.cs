using Esante.MsSante;
using Esante.MsSante.Diagnostics.Health;
using Esante.MsSante.Directory;
using Esante.MsSante.Operators;
using Esante.MsSante.ProSanteConnect;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SDK's health checks.</summary>
public static class MssanteHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds three health checks: <c>mssante-operator</c> (the operator's IMAP and SMTP servers answer and their TLS
    /// certificates are trusted, without signing anyone in), <c>mssante-directory</c> (the national directory is loaded,
    /// and its extraction is younger than <see cref="MssanteHealthCheckOptions.DirectoryMaxAge"/>), and
    /// <c>mssante-prosanteconnect</c> (Pro Santé Connect answers, when it is registered). A named registration's checks end
    /// with <c>:name</c>. A check for something not registered (no directory, no Pro Santé Connect) reports healthy and says so.
    /// No result carries a user's data: only host names, counts, dates and the SDK's own error messages.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="configure">Chooses the registration checked, the directory's tolerated age and the tags.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddMssante(this IHealthChecksBuilder builder, Action<MssanteHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MssanteHealthCheckOptions();
        configure?.Invoke(options);
        if (options.DirectoryMaxAge <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), "DirectoryMaxAge must be positive.");
        }
        var key = options.Registration.Length == 0 ? null : options.Registration;
        var suffix = key is null ? string.Empty : ":" + key;
        var tags = options.Tags.ToArray();
        builder.Add(new HealthCheckRegistration("mssante-operator" + suffix,
            sp => new OperatorHealthCheck(MssanteBuilder.ResolveOptional<IMssanteOperator>(sp, key), options.Registration),
            failureStatus: null, tags));
        builder.Add(new HealthCheckRegistration("mssante-directory" + suffix,
            sp => new DirectoryHealthCheck(sp.GetService<IDirectorySearch>(), options.DirectoryMaxAge, sp.GetService<TimeProvider>() ?? TimeProvider.System),
            failureStatus: null, tags));
        builder.Add(new HealthCheckRegistration("mssante-prosanteconnect" + suffix,
            sp => new ProSanteConnectHealthCheck(sp.GetService<ProSanteConnectClient>()),
            failureStatus: null, tags));
        return builder;
    }
}
