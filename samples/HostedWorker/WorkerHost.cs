using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Esante.MsSante.Samples.HostedWorker;

/// <summary>The host: configuration, the SDK, the worker, health checks and OpenTelemetry.</summary>
public static class WorkerHost
{
    public static IHost Build(string[] args, Action<HostApplicationBuilder>? customize = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        customize?.Invoke(builder);
        var configuration = builder.Configuration;
        var services = builder.Services;

        var mssante = services.AddMssante(configuration.GetSection("Mssante"));
        if (string.Equals(configuration["Operator:Kind"], "Imap", StringComparison.OrdinalIgnoreCase))
        {
            mssante.AddImapOperator(configuration.GetSection("Operator:Imap"));
            services.AddSingleton<Func<X509Certificate2>>(sp =>
            {
                var worker = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
                return () => X509CertificateLoader.LoadPkcs12FromFile(worker.CertificatePath, worker.CertificatePassword);
            });
        }
        else
        {
            // The demonstration: an embedded fake operator, and a laboratory writing to the structure.
            var demo = new DemoOperator();
            mssante.AddFakeOperator(demo.Server);
            services.AddSingleton(demo);
            services.AddSingleton<Func<X509Certificate2>>(_ => () => demo.Server.IssueClientCertificate(demo.Worker));
            services.AddHostedService<DemoLaboratory>();
        }

        services.Configure<WorkerOptions>(configuration.GetSection("Worker"));
        services.AddHostedService<InboxWorker>();

        // Health: the operator reachable over TLS, the directory fresh, Pro Santé Connect reachable (when registered),
        // published to the log every 30 s (an HTTP application would map them to /health instead).
        services.AddHealthChecks().AddMssante();
        services.Configure<HealthCheckPublisherOptions>(o => (o.Delay, o.Period) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
        services.AddSingleton<IHealthCheckPublisher, LogHealthPublisher>();

        // The SDK's spans and metrics, to the console here (OTLP, Prometheus... in production).
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("dpi-mssante-worker"));
        if (configuration.GetValue("Telemetry:ConsoleTraces", true))
        {
            telemetry.WithTracing(t => t.AddSource(MssanteTelemetry.ActivitySourceName).AddConsoleExporter());
        }
        if (configuration.GetValue("Telemetry:ConsoleMetrics", true))
        {
            telemetry.WithMetrics(m => m.AddMeter(MssanteTelemetry.MeterName).AddConsoleExporter((_, reader) =>
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000));   // and once at the end
        }
        return builder.Build();
    }
}
