using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Esante.MsSante.Samples.HostedWorker;

/// <summary>Writes each health report to the log: one line per check.</summary>
internal sealed partial class LogHealthPublisher(ILogger<LogHealthPublisher> logger) : IHealthCheckPublisher
{
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Checked(logger, name, entry.Status, entry.Description ?? string.Empty);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Information, "Health {Check}: {Status}. {Description}")]
    private static partial void Checked(ILogger logger, string check, HealthStatus status, string description);
}
