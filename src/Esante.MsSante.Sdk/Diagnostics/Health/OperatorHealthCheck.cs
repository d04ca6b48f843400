using Esante.MsSante.Operators;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Esante.MsSante.Diagnostics.Health;

/// <summary>The operator's servers answer, their certificates trusted, without signing anyone in.</summary>
internal sealed class OperatorHealthCheck(IMssanteOperator? mailOperator, string registration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        switch (mailOperator)
        {
            case null:
                return new HealthCheckResult(context.Registration.FailureStatus, Microsoft.Extensions.DependencyInjection.MssanteServiceCollectionExtensions.NoOperator(registration));
            case IOperatorProbe probe:
                try
                {
                    return HealthCheckResult.Healthy(await probe.ProbeAsync(cancellationToken).ConfigureAwait(false));
                }
                catch (MssanteConnectionException e)
                {
                    // The SDK's own message: host, port and what to check, never a user's data.
                    return new HealthCheckResult(context.Registration.FailureStatus, e.Message);
                }
            default:
                return HealthCheckResult.Healthy($"The operator {mailOperator.GetType().Name} has no reachability probe: not checked.");
        }
    }
}
