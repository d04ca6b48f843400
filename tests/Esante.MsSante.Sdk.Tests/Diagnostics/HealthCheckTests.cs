using Esante.MsSante.Directory;
using Esante.MsSante.Operators.Imap;
using Esante.MsSante.Testing;
using Esante.MsSante.Tests.RealStack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Esante.MsSante.Tests.Diagnostics;

/// <summary><c>services.AddHealthChecks().AddMssante()</c>: the operator, the directory and Pro Santé Connect, each healthy or saying why not.</summary>
[Collection(MailStackCollection.Name)]
public sealed class HealthCheckTests(MailStack stack) : IDisposable
{
    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("esante-health-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => System.IO.Directory.Delete(_folder, recursive: true);

    private async Task<HealthReport> CheckAsync(Action<IServiceCollection> register, Action<MssanteHealthCheckOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time);
        register(services);
        services.AddHealthChecks().AddMssante(configure);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    }

    private static MssanteBuilder Mssante(IServiceCollection services) => services.AddMssante(o => o.ProductReference = "DEV935997");

    [Fact]
    public async Task The_fake_operator_is_healthy_until_it_is_told_to_be_unreachable()
    {
        var server = new FakeMssanteOperator();
        var report = await CheckAsync(s => Mssante(s).AddFakeOperator(server));
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(["mssante-directory", "mssante-operator", "mssante-prosanteconnect"], report.Entries.Keys.Order());
        Assert.All(report.Entries.Values, e => Assert.Contains("mssante", e.Tags));

        server.Faults.Unreachable = true;
        report = await CheckAsync(s => Mssante(s).AddFakeOperator(server));
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["mssante-operator"].Status);
        Assert.Contains("do not answer", report.Entries["mssante-operator"].Description, StringComparison.Ordinal);
        // And a sign-in meets the same fault, so an application can test that path end to end.
        var sessions = new ServiceCollection();
        Mssante(sessions).AddFakeOperator(server);
        await using var provider = sessions.BuildServiceProvider();
        await using var signIn = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await Assert.ThrowsAsync<MssanteConnectionException>(() => signIn.SignInAsync("alice.martin", "Secret-123"));
    }

    [Fact]
    public async Task No_operator_registered_is_unhealthy_and_says_what_to_register()
    {
        var report = await CheckAsync(_ => { });
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["mssante-operator"].Status);
        Assert.Contains("AddImapOperator", report.Entries["mssante-operator"].Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, report.Entries["mssante-directory"].Status);
        Assert.Contains("not checked", report.Entries["mssante-directory"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_operator_is_reached_over_TLS_without_a_sign_in_and_an_unreachable_or_untrusted_one_is_unhealthy()
    {
        var healthy = await CheckAsync(s => Mssante(s).AddOperator((_, _) => new ImapOperator(stack.Options())));
        Assert.Equal(HealthStatus.Healthy, healthy.Entries["mssante-operator"].Status);
        Assert.Contains("IMAP", healthy.Entries["mssante-operator"].Description, StringComparison.Ordinal);

        var untrusted = await CheckAsync(s => Mssante(s).AddOperator((_, _) => new ImapOperator(stack.Options(o => o.TrustedCertificateAuthorities.Clear()))));
        Assert.Equal(HealthStatus.Unhealthy, untrusted.Entries["mssante-operator"].Status);
        Assert.Contains("not trusted", untrusted.Entries["mssante-operator"].Description, StringComparison.Ordinal);

        var closed = await CheckAsync(s => Mssante(s).AddOperator((_, _) => new ImapOperator(stack.Options(o => o.SmtpPort = ClosedPort()))),
            o => o.Tags.Add("ready"));
        Assert.Equal(HealthStatus.Unhealthy, closed.Entries["mssante-operator"].Status);
        Assert.Contains("unreachable", closed.Entries["mssante-operator"].Description, StringComparison.Ordinal);
        Assert.Contains("ready", closed.Entries["mssante-operator"].Tags);
    }

    [Fact]
    public async Task A_named_registrations_operator_is_checked_under_its_name()
    {
        var server = new FakeMssanteOperator();
        var report = await CheckAsync(s => s.AddMssante("nantes", o => o.ProductReference = "DEV935997").AddFakeOperator(server), o => o.Registration = "nantes");
        Assert.Equal(HealthStatus.Healthy, report.Entries["mssante-operator:nantes"].Status);
    }

    [Fact]
    public async Task The_directory_is_healthy_when_loaded_and_recent_degraded_when_its_extraction_is_old_and_unhealthy_when_it_cannot_load()
    {
        var recent = Extraction("Extraction_Correspondance_MSSante_202612070400.txt");
        var directory = await ReportWhenLoadedAsync(recent);
        Assert.Equal(HealthStatus.Healthy, directory.Status);
        Assert.Contains("2026-12-07 04:00 +01:00", directory.Description, StringComparison.Ordinal);
        Assert.True((int)directory.Data["entries"] > 0);

        _time.Advance(TimeSpan.FromDays(3));
        var old = await ReportWhenLoadedAsync(recent);
        Assert.Equal(HealthStatus.Degraded, old.Status);
        Assert.Contains("older than 48 hours", old.Description, StringComparison.Ordinal);

        var broken = Path.Combine(_folder, "Extraction_Correspondance_MSSante_202612070400.zip");
        await File.WriteAllTextAsync(broken, "PK\u0003\u0004 not a zip");
        var failed = await ReportWhenLoadedAsync(broken);
        Assert.Equal(HealthStatus.Unhealthy, failed.Status);
        Assert.Contains("could not be loaded", failed.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pro_Sante_Connect_is_checked_by_fetching_its_keys_when_it_is_registered()
    {
        var psc = new FakeProSanteConnect(new FakeMssanteOperator());
        var report = await CheckAsync(s => s.AddMssanteProSanteConnect(o => psc.Configure(o)).ConfigurePrimaryHttpMessageHandler(() => psc));
        Assert.True(report.Entries["mssante-prosanteconnect"].Status == HealthStatus.Healthy, report.Entries["mssante-prosanteconnect"].Description);

        var down = await CheckAsync(s => s.AddMssanteProSanteConnect(o => psc.Configure(o)).ConfigurePrimaryHttpMessageHandler(() => new Unreachable()));
        Assert.Equal(HealthStatus.Unhealthy, down.Entries["mssante-prosanteconnect"].Status);
        Assert.DoesNotContain(FakeProSanteConnect.ClientSecret, down.Entries["mssante-prosanteconnect"].Description, StringComparison.Ordinal);
    }

    private async Task<HealthReportEntry> ReportWhenLoadedAsync(string path)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time);
        services.AddMssanteDirectory(o => o.ExtractionFilePath = path);
        services.AddHealthChecks().AddMssante();
        await using var provider = services.BuildServiceProvider();
        // Loading runs in the background; a search waits for it (and meets its failure, if any).
        try
        {
            await provider.GetRequiredService<IDirectorySearch>().SearchAsync(new DirectoryQuery { Text = "goudal" });
        }
        catch (InvalidDataException)
        {
        }
        return (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["mssante-directory"];
    }

    private string Extraction(string name)
    {
        var path = Path.Combine(_folder, name);
        new ExtractionFileGenerator { RowCount = 50 }.WriteFile(path);
        return path;
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Unreachable : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused");
    }
}
