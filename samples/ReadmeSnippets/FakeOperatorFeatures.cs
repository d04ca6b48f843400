using System;
using System.Threading.Tasks;
using Esante.MsSante;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Samples.Readme;

public static class FakeOperatorFeatures
{
    public static async Task AccountsAsync(IServiceCollection services, IMssanteSession session)
    {
        var server = new FakeMssanteOperator();
        var alice = server.CreateAccount("alice.martin", "Motdepasse-1");            // one-time codes by e-mail by default
        var bob = server.CreateAccount("bob.durand", "Motdepasse-1", OtpChannel.AuthenticatorApp);
        server.CreateOrganisationalMailbox("accueil@esante-test.mssante.fr", "Accueil", alice);
        services.AddMssante(o => o.ProductReference = "DEV935997").AddFakeOperator(server);

        // in the test
        await session.SignInAsync("alice.martin", "Motdepasse-1");
        await session.CompleteSignInAsync(server.LastCodeSentTo(alice.OtpEmail!));   // or server.CurrentTotpCode(bob)
        var delivery = await server.WaitForMessageAsync(d => d.Mailbox == "bob.durand@esante-test.mssante.fr");
        server.AdvanceTime(TimeSpan.FromDays(30));                                   // the Trash empties
        server.Options.Capabilities = MailboxCapabilities.All & ~MailboxCapabilities.Rules;   // an operator without ManageSieve
    }

    public static async Task FaultsAsync(FakeMssanteOperator server, IMailboxClient mailbox, MessageRef draft)
    {
        server.Faults.FailNextSubmissions(FakeSubmissionFault.DropAfterHandOver);
        try
        {
            await mailbox.Drafts.SendAsync(draft);
        }
        catch (DeliveryUncertainException e)
        {
            Console.WriteLine($"Ask the recipient about {e.MessageId} before sending it again.");
        }
    }

    public static async Task ProSanteConnectAsync(IServiceCollection services, IServiceProvider provider)
    {
        var server = new FakeMssanteOperator();
        var claire = server.CreateAccount("claire.roux").Describe(rpps: "10003456125");   // SubjectNameID 810003456125
        var psc = new FakeProSanteConnect(server);
        services.AddMssante(o => o.ProductReference = "DEV935997").AddFakeOperator(server);
        services.AddMssanteProSanteConnect(o => o.RedirectUri = new Uri("https://app.example.fr/psc/callback"));
        services.AddMssanteFakeProSanteConnect(psc);              // issuer, client id/secret, HTTP handler of the fake

        // in the test, as the browser would
        var client = provider.GetRequiredService<ProSanteConnectClient>();
        await using var mssante = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        var authorization = client.CreateAuthorization();
        var session = await client.CompleteSignInAsync(authorization, psc.LogIn(authorization.AuthorizationUri, claire));
        await mssante.SignInWithTokenAsync(claire.Address.Value, session.GetAccessTokenAsync);
        server.AdvanceTime(TimeSpan.FromMinutes(3));                // the 2-minute access token is refreshed at the next use
        psc.RefuseNextRefresh();                                    // … or refused: MssanteAuthenticationException, TokenExpired
        psc.Acr = "eidas0";                                         // a too low level: AuthenticationLevelTooLow
    }
}
