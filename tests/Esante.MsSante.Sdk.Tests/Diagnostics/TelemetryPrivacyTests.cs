using System.Diagnostics;
using Esante.MsSante.Directory;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Testing;
using Esante.MsSante.Tests.Directory.Extraction;
using Esante.MsSante.Tests.Directory.Fhir;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Tests.Diagnostics;

/// <summary>
/// What the mailbox journey of the contract (<c>MailboxContract.Telemetry.cs</c>, on both operators) does not go through:
/// one-time codes, Pro Santé Connect and its refreshes, the directory. Traced and measured, without a code, token or query.
/// </summary>
public sealed class TelemetryPrivacyTests
{
    [Fact]
    public async Task Sign_ins_and_token_refreshes_are_traced_and_counted_without_passwords_codes_or_tokens()
    {
        using var telemetry = new TelemetryCollector();
        var server = new FakeMssanteOperator();
        using var psc = new FakeProSanteConnect(server);
        var services = new ServiceCollection();
        services.AddMssante(o => o.ProductReference = "DEV935997").AddFakeOperator(server);
        services.AddMssanteProSanteConnect(o => o.RedirectUri = new Uri("https://dpi.chu-test.fr/psc/callback"));
        services.AddMssanteFakeProSanteConnect(psc);
        await using var provider = services.BuildServiceProvider();
        var doctor = server.CreateAccount("claire.roux", KnownSecrets.Password).Describe(rpps: "10003456125");
        var client = provider.GetRequiredService<ProSanteConnectClient>();
        string code, callback, firstToken, refreshedToken;
        ActivityTraceId trace;
        using (var root = TelemetryCollector.Root("sign-ins"))
        {
            trace = root.TraceId;
            await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
            await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync("claire.roux", KnownSecrets.WrongPassword));
            await session.SignInAsync("claire.roux", KnownSecrets.Password);
            code = server.LastCodeSentTo(doctor.OtpEmail!);
            await session.CompleteSignInAsync(code);

            var authorization = client.CreateAuthorization();
            var back = psc.LogIn(authorization.AuthorizationUri, doctor);
            callback = back.Query;
            var signedIn = await client.CompleteSignInAsync(authorization, back);
            firstToken = await signedIn.GetAccessTokenAsync();
            // Past the access token's 2 minutes: refreshed; then Pro Santé Connect refuses the next refresh.
            server.AdvanceTime(TimeSpan.FromMinutes(3));
            refreshedToken = await signedIn.GetAccessTokenAsync();
            psc.RefuseNextRefresh();
            server.AdvanceTime(TimeSpan.FromMinutes(3));
            await Assert.ThrowsAsync<MssanteAuthenticationException>(() => signedIn.GetAccessTokenAsync().AsTask());
        }

        var spans = telemetry.Trace(trace);
        var signIns = spans.Where(s => s.OperationName == "esante.mssante.sign_in").ToList();
        Assert.Contains(signIns, s => (string?)s.GetTagItem("esante.mssante.sign_in.method") == "password" && s.Status == ActivityStatusCode.Error
            && (string?)s.GetTagItem("esante.mssante.authentication.failure") == nameof(AuthenticationFailure.InvalidCredentials));
        Assert.Contains(signIns, s => (string?)s.GetTagItem("esante.mssante.sign_in.method") == "one_time_code" && s.Status == ActivityStatusCode.Unset);
        Assert.Contains(spans, s => s.OperationName == "esante.mssante.psc.sign_in" && s.Status == ActivityStatusCode.Unset);
        var refreshes = spans.Where(s => s.OperationName == "esante.mssante.psc.token_refresh").ToList();
        Assert.Contains(refreshes, s => s.Status == ActivityStatusCode.Unset);
        Assert.Contains(refreshes, s => (string?)s.GetTagItem("error.type") == typeof(MssanteAuthenticationException).FullName);
        var counted = telemetry.Measurements.Where(m => m.Instrument == "esante.mssante.token.refreshes").ToList();
        Assert.Contains(counted, m => m.Tag("error.type") is null);
        Assert.Contains(counted, m => (string?)m.Tag("error.type") == typeof(MssanteAuthenticationException).FullName);

        KnownSecrets.AssertAbsent(telemetry.Everything(), code, callback, firstToken, refreshedToken, "claire.roux", "10003456125", FakeProSanteConnect.ClientSecret);
    }

    [Fact]
    public void Every_instrument_and_span_is_documented_in_the_readme()
    {
        var readme = File.ReadAllText(Path.Combine(MailStackSupport.MailStackScripts.RepositoryRoot(), "src", "Esante.MsSante.Sdk", "README.md"));
        var telemetry = typeof(MssanteTelemetry).Assembly.GetType("Esante.MsSante.Diagnostics.SdkTelemetry")!;
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(telemetry.TypeHandle);
        var instruments = new List<System.Diagnostics.Metrics.Instrument>();
        using (var listener = new System.Diagnostics.Metrics.MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == MssanteTelemetry.MeterName)
                {
                    instruments.Add(instrument);
                }
            };
            listener.Start();
        }
        Assert.Contains(instruments, i => i.Name == "esante.mssante.operation.duration");
        Assert.All(instruments, i => Assert.Contains($"| `{i.Name}`", readme, StringComparison.Ordinal));
        var spans = telemetry.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.GetValue(null) is string name && name.StartsWith("esante.mssante.", StringComparison.Ordinal))
            .Select(f => (string)f.GetValue(null)!)
            .ToList();
        Assert.All(spans, name => Assert.Contains($"`{name}`", readme, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_directory_load_its_size_and_searches_are_traced_without_the_query()
    {
        using var telemetry = new TelemetryCollector();
        var query = new DirectoryQuery { Text = "goudal adeline nantes" };
        ActivityTraceId trace;
        ExtractionDirectoryIndex index;
        using (var root = TelemetryCollector.Root("directory"))
        {
            trace = root.TraceId;
            index = ExtractionFiles.Index(new ExtractionFileGenerator { RowCount = 300, Seed = 11 });
            Assert.NotEmpty((await index.SearchAsync(query)).Entries);
            using var http = new HttpClient(new FakeAnnuaireSante());
            var fhir = new AnnuaireSanteFhirDirectory(http, new AnnuaireSanteFhirOptions { ApiKey = FakeAnnuaireSante.ApiKey, PageSize = 2 });
            await fhir.SearchAsync(new DirectoryQuery { LastName = "GOUDAL" });
        }

        var spans = telemetry.Trace(trace);
        var load = Assert.Single(spans, s => s.OperationName == "esante.mssante.directory.load");
        Assert.Equal(index.Count, load.GetTagItem("esante.mssante.directory.entries"));
        Assert.Contains(spans, s => s.OperationName == "esante.mssante.directory.search" && (string?)s.GetTagItem("esante.mssante.directory.source") == "extraction");
        var search = Assert.Single(spans, s => s.OperationName == "esante.mssante.directory.search" && (string?)s.GetTagItem("esante.mssante.directory.source") == "fhir");
        var requests = spans.Where(s => s.OperationName == "esante.mssante.fhir.request").ToList();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.Equal(search.SpanId, r.ParentSpanId));
        Assert.All(requests, r => Assert.Equal(200, r.GetTagItem("http.response.status_code")));
        Assert.Contains(requests, r => r.GetTagItem("esante.mssante.fhir.resource") is "PractitionerRole" or "Practitioner");
        Assert.Contains(telemetry.Measurements, m => m.Instrument == "esante.mssante.directory.size" && m.Value == index.Count);
        Assert.Contains(telemetry.Measurements, m => m.Instrument == "esante.mssante.directory.load.duration" && m.Unit == "s");

        KnownSecrets.AssertAbsent(telemetry.Everything(), "goudal", "adeline", FakeAnnuaireSante.ApiKey);
    }
}
