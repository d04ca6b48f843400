using Esante.MsSante.Samples.HostedWorker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Esante.MsSante.Tests.Samples;

public class HostedWorkerTests
{
    [Fact]
    public async Task The_hosted_worker_integrates_the_laboratorys_letters_publishes_its_health_and_logs_no_health_data()
    {
        var output = System.IO.Directory.CreateTempSubdirectory("hosted-worker-test-");
        try
        {
            using var host = WorkerHost.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Worker:StopAfter"] = "2",
                    ["Worker:OutputDirectory"] = output.FullName,
                    ["Telemetry:ConsoleTraces"] = "false",
                    ["Telemetry:ConsoleMetrics"] = "false",
                });
                builder.Logging.ClearProviders().AddFakeLogging();
            });
            var collector = host.Services.GetRequiredService<FakeLogCollector>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await host.RunAsync(timeout.Token);   // disposes the host
            Assert.False(timeout.IsCancellationRequested, "The worker did not stop by itself after two messages.");

            var logs = collector.GetSnapshot().Select(r => r.Message).ToList();
            Assert.Contains("Watching secretariat-cardio@esantepdl.mssante.fr for new messages", logs);
            Assert.Contains(logs, l => l.StartsWith("Integrated message 2: 1 attachment(s), 27 bytes, 0 XDM document(s), receipt sent: True", StringComparison.Ordinal));
            Assert.Contains(logs, l => l.StartsWith("Health mssante-operator: Healthy.", StringComparison.Ordinal));
            Assert.Contains("2 message(s) integrated: stopping, as configured (Worker:StopAfter)", logs);
            // The letters' subjects, bodies and file names never reach the log.
            Assert.DoesNotContain(logs, l => l.Contains("Résultats", StringComparison.OrdinalIgnoreCase) || l.Contains("resultats-", StringComparison.Ordinal)
                || l.Contains("Veuillez", StringComparison.Ordinal));
            // The attachments were written for the patient record.
            Assert.Equal(2, output.GetFiles("*", SearchOption.AllDirectories).Length);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
