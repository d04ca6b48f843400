using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Options;

namespace Esante.MsSante.Samples.HostedWorker;

/// <summary>
/// Watches the structure's mailbox and integrates each message: its attachments written for the patient record, a
/// « processed » read receipt when asked for, the message moved to the integrated folder. Reconnects after a failure
/// and resumes after the last message it integrated, so nothing is missed. Logs counts, never a subject, name or file name.
/// </summary>
internal sealed partial class InboxWorker(
    IMssanteSessionFactory sessions, Func<X509Certificate2> certificate, IOptions<WorkerOptions> options,
    IHostApplicationLifetime lifetime, ILogger<InboxWorker> logger) : BackgroundService
{
    private MessageRef? _last;
    private int _integrated;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var output = settings.OutputDirectory.Length > 0 ? settings.OutputDirectory : System.IO.Directory.CreateTempSubdirectory("dpi-integration-").FullName;
        while (!stoppingToken.IsCancellationRequested && !Finished(settings))
        {
            try
            {
                await WatchAsync(settings, output, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (MssanteException e)
            {
                // Its message is the SDK's own, without health data. Try again shortly, from the last message integrated.
                Failed(logger, e.GetType().Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    private async Task WatchAsync(WorkerOptions settings, string output, CancellationToken stoppingToken)
    {
        await using var session = sessions.CreateSession();
        await session.SignInWithCertificateAsync(certificate(), cancellationToken: stoppingToken);
        await using var mailbox = await session.OpenMailboxAsync(MssanteAddress.Parse(settings.Mailbox), stoppingToken);
        // Under the inbox: a delegate may not create folders at the top of the structure's mailbox.
        var integrated = (await mailbox.Folders.GetAsync(FolderRole.Inbox, stoppingToken)).Path + "/" + settings.IntegratedFolder;
        if (!(await mailbox.Folders.ListAsync(stoppingToken)).Any(f => f.Path == integrated))
        {
            await mailbox.Folders.CreateAsync(integrated, stoppingToken);
        }
        Watching(logger, settings.Mailbox);
        await foreach (var arrived in mailbox.Messages.WatchAsync(after: _last, cancellationToken: stoppingToken))
        {
            // The application's own span: the SDK's (read, receipt, move) are its children in a trace.
            using var activity = Source.StartActivity("dpi.integrate_message");
            var message = await mailbox.Messages.ReadAsync(arrived.Ref, stoppingToken);
            var folder = System.IO.Directory.CreateDirectory(Path.Combine(output, Guid.NewGuid().ToString("N"))).FullName;
            long bytes = 0;
            for (var i = 0; i < message.Attachments.Count; i++)
            {
                var attachment = message.Attachments[i];
                // The patient record's own naming, not the sender's file name (which may name the patient).
                var file = File.Create(Path.Combine(folder, $"{i + 1}.bin"));
                await using (file)
                {
                    await attachment.CopyToAsync(file, stoppingToken);
                    bytes += file.Length;
                }
            }
            var documents = message.ReadXdmArchive()?.Documents.Count ?? 0;
            if (message.ReadReceiptRequested)
            {
                await mailbox.Messages.SendReadReceiptAsync(arrived.Ref, ReadReceipt.Processed, stoppingToken);
            }
            await mailbox.Messages.MoveAsync(arrived.Ref, integrated, stoppingToken);
            _last = arrived.Ref;
            Integrated(logger, ++_integrated, message.Attachments.Count, bytes, documents, message.ReadReceiptRequested);
            if (Finished(settings))
            {
                Done(logger, _integrated);
                lifetime.StopApplication();
                return;
            }
        }
    }

    /// <summary>The application's spans, beside the SDK's ("Esante.MsSante").</summary>
    public static readonly ActivitySource Source = new("Dpi.MssanteWorker");

    private bool Finished(WorkerOptions settings) => settings.StopAfter > 0 && _integrated >= settings.StopAfter;

    [LoggerMessage(1, LogLevel.Information, "Watching {Mailbox} for new messages")]
    private static partial void Watching(ILogger logger, string mailbox);

    [LoggerMessage(2, LogLevel.Information, "Integrated message {Count}: {Attachments} attachment(s), {Bytes} bytes, {Documents} XDM document(s), receipt sent: {Receipt}")]
    private static partial void Integrated(ILogger logger, int count, int attachments, long bytes, int documents, bool receipt);

    [LoggerMessage(3, LogLevel.Warning, "Watching failed ({Error}): {Reason} Retrying in 5 s.")]
    private static partial void Failed(ILogger logger, string error, string reason);

    [LoggerMessage(4, LogLevel.Information, "{Count} message(s) integrated: stopping, as configured (Worker:StopAfter)")]
    private static partial void Done(ILogger logger, int count);
}
