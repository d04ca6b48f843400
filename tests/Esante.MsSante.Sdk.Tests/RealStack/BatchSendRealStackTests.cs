using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>A batch on the real operator: parallel SMTP connections, bounded by the option, each letter once.</summary>
[Collection(MailStackCollection.Name)]
public sealed class BatchSendRealStackTests(MailStack stack)
{
    private const string Password = "Secret-Pass-1";

    [Fact]
    public async Task A_batch_sends_over_several_SMTP_connections_never_more_than_the_option_allows()
    {
        var lab = stack.NewAddress("labo");
        var doctor = stack.NewAddress("medecin");
        stack.AddUser(lab, Password);
        stack.AddUser(doctor, Password);
        var directory = Path.Combine(Path.GetTempPath(), "mssante-batch-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var provider = new ServiceCollection()
                .AddMssante(o => o.ProductReference = "DEV935997")
                .AddImapOperator(o =>
                {
                    var test = stack.Options();
                    (o.ImapHost, o.ImapPort, o.SmtpPort, o.ManageSievePort, o.Timeout) = (test.ImapHost, test.ImapPort, test.SmtpPort, test.ManageSievePort, test.Timeout);
                    o.TrustedCertificateAuthorities.AddRange(test.TrustedCertificateAuthorities);
                    o.ProtocolLogDirectory = directory;
                    o.MaxSmtpConnections = 3;
                })
                .Services.BuildServiceProvider())
            {
                await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
                await session.SignInAsync(lab, Password);
                await using var box = await session.OpenMailboxAsync(MssanteAddress.Parse(lab));
                var letters = Enumerable.Range(0, 20).Select(i => new OutgoingMessage { Subject = $"Résultat {i}", TextBody = "Bonjour.", To = { MssanteAddress.Parse(doctor) } });

                var report = await box.SendBatchAsync(letters, new BatchSendOptions { MaxParallelSends = 8 });

                Assert.Equal(20, report.Sent);
                Assert.Equal(20, report.Outcomes.Select(o => o.Result!.SentCopy!.Value.Uid).Distinct().Count());
            }
            var connections = System.IO.Directory.GetFiles(directory, "smtp-*").Length;
            Assert.InRange(connections, 2, 3);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}
