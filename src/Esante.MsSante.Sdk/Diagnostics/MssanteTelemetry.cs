using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Esante.MsSante;

/// <summary>
/// The names under which the SDK emits its traces (<see cref="ActivitySource"/>) and metrics (<see cref="Meter"/>), for
/// OpenTelemetry or any other listener: <c>.AddSource(MssanteTelemetry.ActivitySourceName)</c> and
/// <c>.AddMeter(MssanteTelemetry.MeterName)</c>. No span, metric, attribute or tag carries health data (patient addresses,
/// INS, subjects, bodies, file names), passwords, codes or tokens.
/// </summary>
public static class MssanteTelemetry
{
    /// <summary>The name of the SDK's <see cref="System.Diagnostics.ActivitySource"/>: <c>Esante.MsSante</c>.</summary>
    public const string ActivitySourceName = "Esante.MsSante";

    /// <summary>The name of the SDK's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Esante.MsSante</c>.</summary>
    public const string MeterName = "Esante.MsSante";

    /// <summary>The SDK's spans.</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName, Version);

    /// <summary>The SDK's instruments.</summary>
    internal static readonly Meter Meter = new(MeterName, Version);

    private static string Version => typeof(MssanteTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
