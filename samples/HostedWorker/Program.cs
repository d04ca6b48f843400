using Esante.MsSante.Samples.HostedWorker;
using Microsoft.Extensions.Hosting;

// A patient-record server's MSSanté integration as a hosted service: it watches an organisational mailbox and
// integrates what arrives, with the SDK's traces and metrics on the console and its health checks published.
// Against the fake operator embedded here by default; "Operator:Kind": "Imap" in appsettings.json for a real one.
using var host = WorkerHost.Build(args);
await host.RunAsync();
