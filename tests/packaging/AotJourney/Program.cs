// A journey against the fake operator, built from the packed packages and published with native AOT: what a vendor's
// trimmed or AOT application meets. Each line starting "aot:" is checked by tests/packaging/check.sh.
using Esante.MsSante;
using Esante.MsSante.Directory;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Testing;
using Microsoft.Extensions.Configuration;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

// Traces and metrics, as a listener such as OpenTelemetry collects them.
var spans = 0;
var measurements = 0;
using var activities = new ActivityListener
{
    ShouldListenTo = source => source.Name == MssanteTelemetry.ActivitySourceName,
    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
    ActivityStopped = _ => Interlocked.Increment(ref spans),
};
ActivitySource.AddActivityListener(activities);
using var meters = new MeterListener
{
    InstrumentPublished = (instrument, listener) =>
    {
        if (instrument.Meter.Name == MssanteTelemetry.MeterName)
        {
            listener.EnableMeasurementEvents(instrument);
        }
    },
};
meters.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref measurements));
meters.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref measurements));
meters.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref measurements));
meters.Start();

var server = new FakeMssanteOperator();
var alice = server.CreateAccount("alice.martin", "Secret-123");
var bob = server.CreateAccount("bob.durand", "Secret-456");
var extraction = Path.Combine(Path.GetTempPath(), $"aot-journey-extraction-{Environment.ProcessId}.txt");
new ExtractionFileGenerator { RowCount = 2_000 }.WriteFile(extraction);
try
{
    // Options bound from configuration, type converters included (RetentionPeriod).
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ProductReference"] = "DEV935997",
        ["TrashRetention"] = "45 days",
        ["FolderRetention:Archives"] = "2 months",
        ["WhitelistedDomains:0"] = "example.fr",
        ["Otp:MaxFailedAttempts"] = "3",
    }).Build();
    var real = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Mssante:ProductReference"] = "DEV935997",
        ["Imap:ImapHost"] = "imap.example.fr",
        ["Imap:ImapPort"] = "993",
        ["Imap:ImapSecurity"] = "ImplicitTls",
        ["Imap:SmtpHost"] = "smtp.example.fr",
        ["Imap:Timeout"] = "00:00:20",
        ["Imap:TrustedServerDomains:0"] = "example.fr",
        ["Psc:ClientId"] = "dpi-client",
        ["Psc:ClientSecret"] = "not-a-secret",
        ["Psc:RedirectUri"] = "https://dpi.example.fr/psc/callback",
        ["Psc:Environment"] = "Integration",
    }).Build();
    var services = new ServiceCollection();
    services.AddMssante(configuration).AddFakeOperator(server);
    // A second registration, never connected: its operator's options are bound from configuration as a real one's are.
    services.AddMssante("real", real.GetSection("Mssante")).AddImapOperator(real.GetSection("Imap"));
    services.AddMssanteProSanteConnect(real.GetSection("Psc"));
    services.AddHealthChecks().AddMssante();
    services.AddMssanteDirectory(options => options.ExtractionFilePath = extraction);
    await using var provider = services.BuildServiceProvider();
    var options = provider.GetRequiredService<IOptionsMonitor<MssanteOptions>>().Get(Options.DefaultName);
    Console.WriteLine($"aot: configuration {options.ProductReference}, trash {options.TrashRetention.Count} {options.TrashRetention.Unit}, " +
        $"archives {options.FolderRetention["Archives"].Count} {options.FolderRetention["Archives"].Unit}, " +
        $"whitelist {string.Join(",", options.WhitelistedDomains)}, otp attempts {options.Otp.MaxFailedAttempts}");

    var imap = provider.GetRequiredService<IOptionsMonitor<ImapOperatorOptions>>().Get("real");
    Console.WriteLine($"aot: imap {imap.ImapHost}:{imap.ImapPort} {imap.ImapSecurity}, smtp {imap.SmtpHost}:{imap.SmtpPort}, " +
        $"timeout {imap.Timeout.TotalSeconds}s, trusted {string.Join(",", imap.TrustedServerDomains)}");
    var psc = provider.GetRequiredService<IOptions<ProSanteConnectOptions>>().Value;
    Console.WriteLine($"aot: psc {psc.ClientId} {psc.Environment} {psc.RedirectUri}");

    var factory = provider.GetRequiredService<IMssanteSessionFactory>();
    await using var session = factory.CreateSession();
    await SignInAsync(session, "alice.martin", "Secret-123");
    Console.WriteLine($"aot: signed in as {session.UserName}");

    await using var mailbox = await session.OpenMailboxAsync(alice.Address);
    Console.WriteLine($"aot: opened {mailbox.Mailbox.Address}");

    // Settings kept as JSON at the operator (source-generated serialization).
    await mailbox.Settings.SetSignaturesAsync(new MailboxSignatures
    {
        Signatures = [new MailboxSignature("Consultation", "Dr Alice Martin")],
        DefaultName = "Consultation",
    });
    await mailbox.Tags.CreateAsync("Urgent labo", "#FF0000");
    var signatures = await mailbox.Settings.GetSignaturesAsync();
    var tags = await mailbox.Tags.ListAsync();
    Console.WriteLine($"aot: settings signature {signatures.DefaultName}, tag {tags[0].Name} {tags[0].Colour}");

    var letter = new OutgoingMessage { Subject = "Résultats AOT", TextBody = "Bonjour," };
    letter.To.Add(new Recipient(bob.Address.Value));
    await mailbox.SendAsync(letter);
    Console.WriteLine("aot: sent a letter");

    await using var bobSession = factory.CreateSession();
    await SignInAsync(bobSession, "bob.durand", "Secret-456");
    await using var bobMailbox = await bobSession.OpenMailboxAsync(bob.Address);
    var arrived = await bobMailbox.Messages.ListAsync().FirstAsync(m => m.Subject == letter.Subject);
    var read = await bobMailbox.Messages.ReadAsync(arrived.Ref);
    Console.WriteLine($"aot: read \"{read.Summary.Subject}\" from {read.Summary.From?.Address}, signed \"{read.TextBody?.Split('\n').Last(l => l.Trim().Length > 0).Trim()}\"");

    var directory = provider.GetRequiredService<IDirectorySearch>();
    var found = await directory.SearchAsync(new DirectoryQuery { City = "Nantes", Take = 3 });
    Console.WriteLine($"aot: directory found {(found.TotalCount > 0 ? "entries" : "nothing")} for Nantes");
    // Pro Santé Connect's check would call its servers: only the operator and the directory are checked here.
    var health = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name is "mssante-operator" or "mssante-directory");
    Console.WriteLine($"aot: health {string.Join(", ", health.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} {e.Value.Status}"))}");
    meters.RecordObservableInstruments();
    Console.WriteLine(spans > 0 && measurements > 0 ? "aot: telemetry spans and measurements recorded" : $"aot: telemetry {spans} spans, {measurements} measurements");
    Console.WriteLine("aot: journey complete");
}
finally
{
    File.Delete(extraction);
    File.Delete(ExtractionDirectoryIndex.DefaultSnapshotPath(extraction));
}

// The fake asks for a one-time code, e-mailed: it is in the operator's outbox.
async Task SignInAsync(IMssanteSession session, string userName, string password)
{
    if (!(await session.SignInAsync(userName, password)).IsSignedIn)
    {
        await session.CompleteSignInAsync(server.Outbox.Last(m => m.Kind == FakeOutboxKind.OneTimeCode).Code!);
    }
}
