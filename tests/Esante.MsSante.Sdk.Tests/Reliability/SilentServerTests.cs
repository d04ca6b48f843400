using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;
using Esante.MsSante.Tests.RealStack;

namespace Esante.MsSante.Tests.Reliability;

/// <summary>A server that stops answering is the SDK's connection error (MailKit's TimeoutException never escapes).</summary>
[Collection(MailStackCollection.Name)]
public sealed class SilentServerTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    /// <summary>A new account, and a relay in front of one of the stack's ports.</summary>
    private (string User, TcpRelay Relay) Prepare(string portKey)
    {
        var user = stack.NewAddress();
        stack.AddUser(user, Password);
        return (user, new TcpRelay(stack.Port(portKey)));
    }

    /// <summary>The stack's options, with a short timeout and one port through the relay.</summary>
    private ImapOperatorOptions Through(TcpRelay relay, bool smtp = false) => stack.Options(o =>
    {
        if (smtp)
        {
            o.SmtpPort = relay.Port;
        }
        else
        {
            o.ImapPort = relay.Port;
        }
        o.Timeout = TimeSpan.FromSeconds(2);
    });

    [Fact]
    public async Task An_IMAP_server_that_stops_answering_is_a_connection_error()
    {
        var (user, relay) = Prepare("IMAP_PORT");
        using var _ = relay;
        await using var box = await MailStack.OpenAsync(Through(relay), user, Password);
        await box.Folders.ListAsync();

        relay.Stall();

        await Assert.ThrowsAsync<MssanteConnectionException>(() => box.Folders.ListAsync());
    }

    [Fact]
    public async Task Signing_in_to_an_IMAP_server_that_stops_answering_is_a_connection_error()
    {
        var (user, relay) = Prepare("IMAP_PORT");
        using var _ = relay;
        relay.Stall();

        await Assert.ThrowsAsync<MssanteConnectionException>(() => MailStack.OpenAsync(Through(relay), user, Password));
    }

    [Fact]
    public async Task A_submission_server_that_stops_answering_is_reported_by_the_SDK_not_by_MailKit()
    {
        var (user, relay) = Prepare("SMTP_SUBMISSION_PORT");
        using var _ = relay;
        await using var box = await MailStack.OpenAsync(Through(relay, smtp: true), user, Password);
        var letter = new OutgoingMessage { Subject = "Serveur muet", TextBody = "Bonjour" };
        letter.To.Add(MssanteAddress.Parse(user));

        relay.Stall();

        // Not connected yet: the greeting never comes (a connection error); had it been cut after the data, uncertain.
        var e = await Assert.ThrowsAnyAsync<Exception>(() => box.SendAsync(letter));
        Assert.IsAssignableFrom<MssanteException>(e);
    }
}
