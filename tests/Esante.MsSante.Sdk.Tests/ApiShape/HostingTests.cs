using System.Net;
using Esante.MsSante.Directory;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Esante.MsSante.Tests.ApiShape;

/// <summary>The DI registration fits hosting: an owner for each session, several registrations, validation at start, HTTP through the factory.</summary>
public class HostingTests
{
    [Fact]
    public async Task Each_session_from_the_factory_is_new_and_belongs_to_its_caller()
    {
        var server = new FakeMssanteOperator();
        server.CreateAccount("alice.martin", "Secret-123");
        var services = new ServiceCollection();
        services.AddMssante(o => o.ProductReference = "DEV935997").AddFakeOperator(server);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var factory = provider.GetRequiredService<IMssanteSessionFactory>();
        await using var first = factory.CreateSession();
        await using var second = factory.CreateSession();
        Assert.NotSame(first, second);
        Assert.Equal(SessionState.SignedOut, first.State);
    }

    [Fact]
    public async Task A_scoped_session_is_the_scopes_and_is_signed_out_with_it()
    {
        var server = new FakeMssanteOperator();
        server.CreateAccount("alice.martin", "Secret-123", OtpChannel.Email);
        var services = new ServiceCollection();
        services.AddMssante(o => o.ProductReference = "DEV935997").AddFakeOperator(server);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        IMssanteSession session;
        await using (var scope = provider.CreateAsyncScope())
        {
            session = scope.ServiceProvider.GetRequiredService<IMssanteSession>();
            Assert.Same(session, scope.ServiceProvider.GetRequiredService<IMssanteSession>());
            await session.SignInAsync("alice.martin", "Secret-123");
            await session.CompleteSignInAsync(server.Outbox.Last(m => m.Kind == FakeOutboxKind.OneTimeCode).Code!);
            Assert.Equal(SessionState.SignedIn, session.State);
        }
        Assert.Equal(SessionState.SignedOut, session.State);
        // The root provider refuses to hand out a scoped session that nobody would dispose.
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IMssanteSession>());
    }

    [Fact]
    public async Task Two_establishments_each_with_its_operator_live_in_one_container_as_keyed_services()
    {
        var nantes = new FakeMssanteOperator(options: new FakeOperatorOptions { DefaultDomain = "chu-nantes.mssante.fr" });
        var angers = new FakeMssanteOperator(options: new FakeOperatorOptions { DefaultDomain = "chu-angers.mssante.fr" });
        nantes.CreateAccount("alice.martin", "Secret-123");
        angers.CreateAccount("bruno.petit", "Secret-456");
        var services = new ServiceCollection();
        services.AddMssante("nantes", o => o.ProductReference = "DEV935997").AddFakeOperator(nantes);
        services.AddMssante("angers", o => { o.ProductReference = "DEV935997"; o.MaxAttachmentBytes = 1024; }).AddFakeOperator(angers);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        await using var inNantes = provider.GetRequiredKeyedService<IMssanteSessionFactory>("nantes").CreateSession();
        await using var inAngers = provider.GetRequiredKeyedService<IMssanteSessionFactory>("angers").CreateSession();
        await inNantes.SignInAsync("alice.martin", "Secret-123");
        Assert.Equal(SessionState.AwaitingSecondFactor, inNantes.State);
        await Assert.ThrowsAsync<MssanteAuthenticationException>(() => inAngers.SignInAsync("alice.martin", "Secret-123"));
        Assert.Equal(1024, provider.GetRequiredKeyedService<MssantePolicies>("angers").Attachments.MaxTotalBytes);
        Assert.NotEqual(1024, provider.GetRequiredKeyedService<MssantePolicies>("nantes").Attachments.MaxTotalBytes);
        Assert.Null(provider.GetService<IMssanteSessionFactory>());
    }

    [Fact]
    public void With_no_operator_the_error_says_what_to_register_at_start_and_at_use()
    {
        var services = new ServiceCollection();
        services.AddMssante(o => o.ProductReference = "DEV935997");
        using var provider = services.BuildServiceProvider();
        var atStart = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("AddImapOperator", atStart.Message, StringComparison.Ordinal);
        var atUse = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IMssanteSessionFactory>());
        Assert.Contains("No MSSanté operator is registered", atUse.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_options_class_is_validated_when_the_host_starts()
    {
        var services = new ServiceCollection();
        services.AddMssante(o => o.ProductReference = "not a reference").AddImapOperator(o => o.ImapPort = 70000);
        services.AddMssanteProSanteConnect(o => o.ClientId = "only-an-id");
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var failures = e.InnerExceptions.OfType<OptionsValidationException>().Select(x => x.OptionsType).ToList();
        Assert.Contains(typeof(MssanteOptions), failures);
        Assert.Contains(typeof(ImapOperatorOptions), failures);
        Assert.Contains(typeof(Esante.MsSante.ProSanteConnect.ProSanteConnectOptions), failures);
    }

    [Fact]
    public async Task The_directory_API_is_called_through_the_applications_http_client_factory()
    {
        var handler = new Recording();
        var services = new ServiceCollection();
        services.AddMssanteDirectory(o => o.Fhir = new AnnuaireSanteFhirOptions { ApiKey = "test-key" })
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();
        var directory = provider.GetRequiredService<IDirectorySearch>();
        await directory.SearchAsync(new DirectoryQuery { Text = "martin" });
        Assert.NotEmpty(handler.Requests);
    }

    private sealed class Recording : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"resourceType":"Bundle","type":"searchset","entry":[]}""", System.Text.Encoding.UTF8, "application/fhir+json"),
            });
        }
    }
}
