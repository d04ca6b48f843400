using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.MailStackSupport;
using Esante.MsSante.Operators.Imap;
using Esante.MsSante.Tests.Contract;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>The contract suite against Dovecot and Postfix, through the IMAP/SMTP operator.</summary>
[Collection(MailStackCollection.Name)]
public sealed class RealOperatorContractTests(MailStack stack) : MailboxContract, IAsyncLifetime
{
    private ServiceProvider _provider = null!;

    protected override string HostedDomain => stack.Domain;

    protected override string OperatorName => "real";

    public Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = "DEV935997")
            .AddImapOperator(o =>
            {
                var options = stack.Options();
                o.ImapHost = options.ImapHost;
                o.ImapPort = options.ImapPort;
                o.SmtpPort = options.SmtpPort;
                o.ManageSievePort = options.ManageSievePort;
                o.Timeout = options.Timeout;
                o.TrustedCertificateAuthorities.AddRange(options.TrustedCertificateAuthorities);
            })
            .Services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    protected override Task<TestUser> CreateUserAsync(long? quotaBytes = null)
    {
        var address = stack.NewAddress();
        stack.AddUser(address, "Motdepasse-1", quotaBytes);
        return Task.FromResult(new TestUser(address, MssanteAddress.Parse(address), "Motdepasse-1"));
    }

    protected override Task<MssanteAddress> CreateOrganisationalMailboxAsync(Organisation organisation, params TestUser[] delegates)
    {
        var address = stack.NewAddress("structure");
        MailStackScripts.RunScript("add-org.sh", [stack.Directory, address, "--name", organisation.Name, "--rights", organisation.Rights, .. delegates.Select(d => d.Address.Value)]);
        return Task.FromResult(MssanteAddress.Parse(address));
    }

    protected override async Task<IMssanteSession> SignInAsync(TestUser user)
    {
        var session = NewSession();
        var result = await session.SignInAsync(user.UserName, user.Password);
        Assert.True(result.IsSignedIn);
        return session;
    }

    protected override IMssanteSession NewSession() => _provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();

    protected override Task DeliverRawAsync(TestUser recipient, byte[] raw) => stack.DeliverRawAsync(recipient.Address.Value, raw);

    protected override X509Certificate2 IssueClientCertificate(TestUser user) => stack.IssueClientCertificate(user.Address.Value);

    protected override string IssueToken(TestUser user, TimeSpan lifetime, bool validSignature = true) =>
        stack.IssueToken(user.Address.Value, lifetime, validSignature);
}
