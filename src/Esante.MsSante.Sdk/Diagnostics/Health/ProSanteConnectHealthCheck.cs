using Esante.MsSante.ProSanteConnect;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Esante.MsSante.Diagnostics.Health;

/// <summary>Pro Santé Connect answers with its published keys, when it is registered.</summary>
internal sealed class ProSanteConnectHealthCheck(ProSanteConnectClient? client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (client is null)
        {
            return HealthCheckResult.Healthy("Pro Santé Connect is not registered: not checked.");
        }
        try
        {
            return HealthCheckResult.Healthy(await client.ProbeAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (ProSanteConnectException e)
        {
            // Its messages carry no token, code or secret (they are built for that).
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message);
        }
    }
}
