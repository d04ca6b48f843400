using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Esante.MsSante.Samples.HostedWorker;

/// <summary>The demonstration's laboratory: sends a result letter to the structure every two seconds, with the SDK too.</summary>
internal sealed partial class DemoLaboratory(DemoOperator demo, IMssanteSessionFactory sessions, IOptions<WorkerOptions> options, ILogger<DemoLaboratory> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var session = sessions.CreateSession();
        await session.SignInWithCertificateAsync(demo.Server.IssueClientCertificate(demo.Laboratory), cancellationToken: stoppingToken);
        await using var mailbox = await session.OpenMailboxAsync(demo.Laboratory.Address, stoppingToken);
        var count = options.Value.StopAfter > 0 ? options.Value.StopAfter : int.MaxValue;
        for (var i = 1; i <= count && !stoppingToken.IsCancellationRequested; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            var letter = new OutgoingMessage
            {
                Subject = $"Résultats d'analyses n° {i}",
                TextBody = "Bonjour,\nVeuillez trouver les résultats ci-joints.\nLe laboratoire",
                RequestReadReceipt = true,
            };
            letter.To.Add(new Recipient(options.Value.Mailbox));
            letter.Attachments.Add(OutgoingAttachment.FromBytes($"resultats-{i}.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n% résultats\n%%EOF\n"), "application/pdf"));
            await mailbox.SendAsync(letter, stoppingToken);
            Sent(logger, i);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Laboratory: result letter {Number} sent to the structure")]
    private static partial void Sent(ILogger logger, int number);
}
