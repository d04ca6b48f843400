using System.Text;
using Esante.MsSante.Operators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>
/// A journey on the real operator with the protocol log on and the logs collected: both say what happened (commands,
/// connections, refusals) and neither holds a secret or a health value. The real operator's side of the log privacy
/// test (Mailbox/PrivacyTests), which covers the session's events on the fake operator.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class OperationsLogRealStackTests(MailStack stack)
{
    private const string Password = "Secret-Pass-1";
    private const string WrongPassword = "Wrong-Secret-9";
    private const string Ins = "279035121518989";
    private const string Subject = "Diagnostic confidentiel MARTIN";
    private const string Body = "Corps confidentiel : tumeur bénigne";
    private const string FileName = "ordonnance-MARTIN.pdf";
    private const string FileContent = "%PDF-contenu-secret";
    private const string AwaySubject = "Absent jusqu'au 12 décembre";
    private const string AwayText = "Écrivez au secrétariat pour Mme MARTIN.";

    [Fact]
    public async Task A_journey_logs_and_writes_its_protocol_log_without_secrets_addresses_or_health_data()
    {
        var doctor = stack.NewAddress("claire.roux");
        var colleague = stack.NewAddress("jean.dupuis");
        stack.AddUser(doctor, Password);
        stack.AddUser(colleague, Password);
        var token = stack.IssueToken(colleague, TimeSpan.FromMinutes(5));
        var directory = Path.Combine(Path.GetTempPath(), "mssante-protocol-" + Guid.NewGuid().ToString("N"));
        var collector = new FakeLogCollector();
        try
        {
            await using (var provider = Provider(directory, collector))
            {
                var sessions = provider.GetRequiredService<IMssanteSessionFactory>();

                // Signed in with a password (a wrong one first), a letter refused for a patient, one sent with an
                // attachment, an out-of-office reply set over ManageSieve.
                await using (var session = sessions.CreateSession())
                {
                    await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync(doctor, WrongPassword));
                    await session.SignInAsync(doctor, Password);
                    await using var box = await session.OpenMailboxAsync(MssanteAddress.Parse(doctor));
                    var toPatient = new OutgoingMessage { Subject = Subject, TextBody = Body };
                    toPatient.To.Add(MssanteAddress.Parse($"{Ins}@patient.mssante.fr"));
                    await Assert.ThrowsAsync<RecipientsRejectedException>(() => box.SendAsync(toPatient));
                    var letter = new OutgoingMessage { Subject = Subject, TextBody = Body + " " + Ins };
                    letter.To.Add(MssanteAddress.Parse(colleague));
                    letter.Attachments.Add(OutgoingAttachment.FromBytes(FileName, Encoding.ASCII.GetBytes(FileContent), "application/pdf"));
                    await box.SendAsync(letter);
                    await box.Settings.SetRulesAsync(new MailboxRules { AutoReply = new AutoReply(AwaySubject, AwayText) });
                }

                // Signed in with a token: the colleague lists the inbox and reads the letter.
                await using (var session = sessions.CreateSession())
                {
                    await session.SignInWithTokenAsync(colleague, _ => ValueTask.FromResult(token));
                    await using var box = await session.OpenMailboxAsync(MssanteAddress.Parse(colleague));
                    var arrived = await WaitForAsync(box);
                    var read = await box.Messages.ReadAsync(arrived.Ref);
                    Assert.Equal(FileName, Assert.Single(read.Attachments).FileName);
                    // A watch from the start of the folder gives the letter again, over its own connection.
                    await foreach (var watched in box.Messages.WatchAsync(after: arrived.Ref with { Uid = 0 }))
                    {
                        Assert.Equal(arrived.Ref, watched.Ref);
                        break;
                    }
                }
            }

            var files = System.IO.Directory.GetFiles(directory).Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f))).ToList();
            Assert.Contains(files, f => f.Name.StartsWith("imap-", StringComparison.Ordinal));
            Assert.Contains(files, f => f.Name.StartsWith("smtp-", StringComparison.Ordinal));
            Assert.Contains(files, f => f.Name.StartsWith("managesieve-", StringComparison.Ordinal));
            var protocolLog = string.Join('\n', files.Select(f => f.Text));
            foreach (var expected in new[]
            {
                "AUTHENTICATE PLAIN [redacted", "AUTHENTICATE OAUTHBEARER [redacted", "[AUTHENTICATIONFAILED]", " SELECT ", " FETCH ",
                " APPEND Sent ", "C: MAIL FROM:<[redacted", "C: RCPT TO:<[redacted", "Recipient address rejected", "C: DATA",
                "PUTSCRIPT \"esante-mssante\" [redacted", "S: \"SIEVE\" \"fileinto ", "S: \"IMPLEMENTATION\" \"Dovecot",
                "LIST (SPECIAL-USE) \"\" \"*\" RETURN (SUBSCRIBED CHILDREN)", "S: * LIST (\\Subscribed \\HasNoChildren \\Sent) \"/\" Sent", "* CAPABILITY", "[APPENDUID ",
            })
            {
                Assert.Contains(expected, protocolLog, StringComparison.Ordinal);
            }
            AssertHoldsNothingPrivate(protocolLog, token);
            // Every address is gone, professionals' too.
            Assert.DoesNotContain("@", protocolLog, StringComparison.Ordinal);

            var logs = collector.GetSnapshot();
            var events = logs.Select(r => r.Id.Id).ToHashSet();
            foreach (var id in new[] { 90, 92, 97, 98, 99, 100, 102, 103, 107 })
            {
                Assert.Contains(id, events);
            }
            Assert.Contains(logs, r => r.Id.Id == 90 && r.Message.StartsWith("ManageSieve connection", StringComparison.Ordinal));
            Assert.Contains(logs, r => r.Id.Id == 90 && r.Message.StartsWith("SMTP connection", StringComparison.Ordinal));
            AssertHoldsNothingPrivate(string.Join('\n', logs.Select(r => r.Message + " " + r.Exception)), token);
        }
        finally
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_protocol_log_that_cannot_be_written_is_a_warning_and_the_mail_goes_on()
    {
        var doctor = stack.NewAddress("claire.roux");
        stack.AddUser(doctor, Password);
        // A file where the directory should be: no log file can be created under it.
        var notADirectory = Path.GetTempFileName();
        var collector = new FakeLogCollector();
        try
        {
            await using var provider = Provider(notADirectory, collector);
            await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
            await session.SignInAsync(doctor, Password);
            await using var box = await session.OpenMailboxAsync(MssanteAddress.Parse(doctor));
            Assert.Empty(await box.Messages.ListAsync().ToListAsync());

            var warning = collector.GetSnapshot().First(r => r.Id.Id == 109);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.StartsWith("The IMAP protocol log could not be opened", warning.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(doctor, warning.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(notADirectory);
        }
    }

    private ServiceProvider Provider(string protocolLogDirectory, FakeLogCollector collector) =>
        new ServiceCollection()
            .AddSingleton<ILoggerFactory>(new LoggerFactory([new FakeLoggerProvider(collector)]))
            .AddMssante(o => o.ProductReference = "DEV935997")
            .AddImapOperator(o =>
            {
                var test = stack.Options();
                (o.ImapHost, o.ImapPort, o.SmtpPort, o.ManageSievePort, o.Timeout) = (test.ImapHost, test.ImapPort, test.SmtpPort, test.ManageSievePort, test.Timeout);
                o.TrustedCertificateAuthorities.AddRange(test.TrustedCertificateAuthorities);
                o.ProtocolLogDirectory = protocolLogDirectory;
            })
            .Services.BuildServiceProvider();

    /// <summary>The letter, once delivered to the colleague's inbox.</summary>
    private static async Task<MessageInfo> WaitForAsync(IMailboxClient box)
    {
        for (var attempt = 0; ; attempt++)
        {
            var inbox = await box.Messages.ListAsync().ToListAsync();
            if (inbox.Count > 0 || attempt == 100)
            {
                return Assert.Single(inbox);
            }
            await Task.Delay(100);
        }
    }

    private static void AssertHoldsNothingPrivate(string text, string token)
    {
        Assert.NotEmpty(text);
        foreach (var secret in new[]
        {
            Password, WrongPassword, token, token.Split('.')[2], Ins, "patient.mssante.fr", "Diagnostic", "confidentiel", "MARTIN",
            "tumeur", FileName, FileContent, "Absent jusqu", "secrétariat", Convert.ToBase64String(Encoding.ASCII.GetBytes(FileContent)),
        })
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
