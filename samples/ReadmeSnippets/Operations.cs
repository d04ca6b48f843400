using Esante.MsSante;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Samples.Readme;

public static class Operations
{
    public static void Register(IServiceCollection services)
    {
        // Three checks: the operator's servers reached over TLS (no sign-in), the directory loaded from an extraction
        // under 48 hours old, Pro Santé Connect's keys fetched (when registered). A web application maps them to /health.
        services.AddHealthChecks().AddMssante(options => options.Tags.Add("ready"));

        // Traces and metrics, for OpenTelemetry or any other listener, are both named "Esante.MsSante":
        //   tracing.AddSource(MssanteTelemetry.ActivitySourceName);  metrics.AddMeter(MssanteTelemetry.MeterName);
    }
}
