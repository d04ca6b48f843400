using Esante.MsSante.Addressing;
using Esante.MsSante.Messages;
using Esante.MsSante.Operators;
using Esante.MsSante.Tests.RealStack;

namespace Esante.MsSante.Tests.Reliability;

/// <summary>A server that stops answering is the SDK's connection error (MailKit's TimeoutException never escapes).</summary>
[Collection(MailStackCollection.Name)]
public sealed class SilentServerTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    [Fact]
    public async Task An_IMAP_server_that_stops_answering_is_a_connection_error()
    {
        var user = stack.NewAddress();
        stack.AddUser(user, Password);
        using var relay = new StallingRelay(stack.Port("IMAP_PORT"));
        await using var box = await MailStack.OpenAsync(stack.Options(o =>
        {
            o.ImapPort = relay.Port;
            o.Timeout = TimeSpan.FromSeconds(2);
        }), user, Password);
        await box.GetFoldersAsync();

        relay.Stall();

        await Assert.ThrowsAsync<MssanteConnectionException>(() => box.GetFoldersAsync());
    }

    [Fact]
    public async Task Signing_in_to_an_IMAP_server_that_stops_answering_is_a_connection_error()
    {
        var user = stack.NewAddress();
        stack.AddUser(user, Password);
        using var relay = new StallingRelay(stack.Port("IMAP_PORT"));
        relay.Stall();

        await Assert.ThrowsAsync<MssanteConnectionException>(() => MailStack.OpenAsync(stack.Options(o =>
        {
            o.ImapPort = relay.Port;
            o.Timeout = TimeSpan.FromSeconds(2);
        }), user, Password));
    }

    [Fact]
    public async Task A_submission_server_that_stops_answering_is_reported_by_the_SDK_not_by_MailKit()
    {
        var user = stack.NewAddress();
        stack.AddUser(user, Password);
        using var relay = new StallingRelay(stack.Port("SMTP_SUBMISSION_PORT"));
        await using var box = await MailStack.OpenAsync(stack.Options(o =>
        {
            o.SmtpPort = relay.Port;
            o.Timeout = TimeSpan.FromSeconds(2);
        }), user, Password);
        var letter = new OutgoingMessage { Subject = "Serveur muet", TextBody = "Bonjour" };
        letter.To.Add(MssanteAddress.Parse(user));

        relay.Stall();

        // Not connected yet: the greeting never comes (a connection error); had it been cut after the data, uncertain.
        var e = await Assert.ThrowsAnyAsync<Exception>(() => box.SendAsync(letter));
        Assert.IsAssignableFrom<MssanteException>(e);
    }
}
