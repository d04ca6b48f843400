using System.Linq;
using System.Threading.Tasks;
using Esante.MsSante;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Samples.Readme;

public static class FakeOperatorTest
{
    public static async Task<string> RunAsync()
    {
        // The same registration, with the fake operator in place of AddImapOperator.
        var server = new FakeMssanteOperator();
        var alice = server.CreateAccount("alice.martin", "Secret-123");
        var bob = server.CreateAccount("bob.durand", "Secret-456");

        var services = new ServiceCollection();
        services.AddMssante(options => options.ProductReference = "DEV935997").AddFakeOperator(server);
        await using var provider = services.BuildServiceProvider();
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();

        var step = await session.SignInAsync("alice.martin", "Secret-123");
        if (!step.IsSignedIn)                                     // the fake asks for a one-time code, e-mailed
        {
            await session.CompleteSignInAsync(server.Outbox.Last(m => m.Kind == FakeOutboxKind.OneTimeCode).Code!);
        }
        await using var mailbox = await session.OpenMailboxAsync(alice.Address);

        var letter = new OutgoingMessage { Subject = "Résultats", TextBody = "Bonjour," };
        letter.To.Add(new Recipient(bob.Address.Value));
        await mailbox.SendAsync(letter);

        return (await server.WaitForMessageAsync(d => d.Mailbox == bob.Address.Value)).Mailbox;
    }
}
