using System.Net;
using System.Net.Sockets;
using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;
using MimeKit;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>What the IMAP/SMTP operator does when the network or the server misbehaves.</summary>
[Collection(MailStackCollection.Name)]
public sealed class ConnectionFaultTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    private static MssanteSession Session(ImapOperatorOptions options) => MailStack.Session(options);

    private string NewUser()
    {
        var address = stack.NewAddress();
        stack.AddUser(address, Password);
        return address;
    }

    private static Task<IMailboxClient> OpenAsync(ImapOperatorOptions options, string address) => MailStack.OpenAsync(options, address, Password);

    [Fact]
    public async Task An_unreachable_server_is_a_clear_connection_error()
    {
        var closedPort = FreePort();
        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => Session(stack.Options(o => o.ImapPort = closedPort)).SignInAsync(NewUser(), Password));
        Assert.Contains("unreachable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wrong_port_is_a_clear_connection_error()
    {
        var e = await Assert.ThrowsAsync<MssanteConnectionException>(
            () => Session(stack.Options(o => o.ImapPort = stack.Port("SMTP_SUBMISSION_PORT"))).SignInAsync(NewUser(), Password));
        Assert.Contains("did not answer as an IMAP server", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_from_an_unknown_authority_is_refused()
    {
        var e = await Assert.ThrowsAsync<MssanteConnectionException>(
            () => Session(stack.Options(o => o.TrustedCertificateAuthorities.Clear())).SignInAsync(NewUser(), Password));
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_checks_can_be_skipped_only_by_the_option_that_says_it_is_insecure()
    {
        var user = NewUser();
        var session = Session(stack.Options(o =>
        {
            o.TrustedCertificateAuthorities.Clear();
            o.InsecureSkipCertificateValidation = true;
        }));
        Assert.True((await session.SignInAsync(user, Password)).IsSignedIn);
    }

    [Fact]
    public async Task Implicit_TLS_ports_work_with_the_trusted_authority()
    {
        var user = NewUser();
        await using var box = await OpenAsync(stack.Options(o =>
        {
            o.ImapPort = stack.Port("IMAPS_PORT");
            o.ImapSecurity = ConnectionSecurity.ImplicitTls;
            o.SmtpPort = stack.Port("SMTPS_PORT");
            o.SmtpSecurity = ConnectionSecurity.ImplicitTls;
        }), user);
        var message = new OutgoingMessage { Subject = "Par TLS implicite", TextBody = "ok" };
        message.To.Add(MssanteAddress.Parse(user));
        await box.SendAsync(message);
        Assert.Contains(await box.Folders.ListAsync(), f => f.Role == FolderRole.Sent && f.MessageCount == 1);
    }

    [Fact]
    public async Task A_server_offering_no_TLS_is_refused_unless_the_insecure_option_is_on()
    {
        var user = NewUser();
        ImapOperatorOptions Plain(ConnectionSecurity security) => stack.Options(o =>
        {
            o.ImapHost = stack.PlainImapHost;
            o.ImapPort = stack.Port("IMAP_PLAIN_PORT");
            o.ImapSecurity = security;
            o.SmtpHost = "127.0.0.1";
            o.SmtpPort = stack.Port("SMTP_PLAIN_PORT");
            o.SmtpSecurity = security;
        });
        var refused = await Assert.ThrowsAsync<MssanteConnectionException>(() => Session(Plain(ConnectionSecurity.StartTls)).SignInAsync(user, Password));
        Assert.Contains("no STARTTLS", refused.Message, StringComparison.Ordinal);

        await using var box = await OpenAsync(Plain(ConnectionSecurity.InsecurePlaintext), user);
        Assert.Contains(await box.Folders.ListAsync(), f => f.Role == FolderRole.Inbox);
    }

    [Fact]
    public async Task A_connection_dropped_mid_list_reconnects_and_the_list_completes_once()
    {
        var user = NewUser();
        using var relay = new TcpRelay(stack.Port("IMAP_PORT"));
        var options = stack.Options(o => o.ImapPort = relay.Port);
        await using var box = await OpenAsync(options, user);
        // More than one batch (1,000), so the list reads the folder in two FETCHes and the drop falls between them.
        var seed = await OpenRawAppendAsync(user, 1100);

        var seen = new List<MessageRef>();
        await foreach (var summary in box.Messages.ListAsync())
        {
            seen.Add(summary.Ref);
            if (seen.Count == 10)
            {
                relay.DropAll();
            }
        }
        Assert.Equal(seed, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(relay.Connections >= 2, "The mailbox should have reconnected.");
        Assert.Equal(seed, (await box.Folders.GetAsync(FolderRole.Inbox)).MessageCount);
    }

    [Fact]
    public async Task A_connection_dropped_mid_DATA_reports_nothing_sent_and_never_sends_twice()
    {
        var sender = NewUser();
        var recipient = NewUser();
        using var relay = new TcpRelay(stack.Port("SMTP_SUBMISSION_PORT"));
        await using var box = await OpenAsync(stack.Options(o => o.SmtpPort = relay.Port), sender);

        var first = new OutgoingMessage { Subject = "Coupé", TextBody = "x" };
        first.To.Add(MssanteAddress.Parse(recipient));
        // Larger than the socket buffers between the SDK and the relay can hold (a few MB on loopback): with 400 KB the
        // whole message sometimes sat in them before the cut, so the send had been handed over and was, rightly, uncertain.
        first.Attachments.Add(OutgoingAttachment.FromBytes("scan.bin", new byte[9 * 1024 * 1024]));
        relay.DropAfterClientBytes(100 * 1024);
        // Cut in the middle of DATA, before the final dot: the server cannot have taken it, so it is a plain failure to retry.
        var e = await Assert.ThrowsAsync<MssanteConnectionException>(() => box.SendAsync(first));
        Assert.Contains("nothing was sent", e.Message, StringComparison.Ordinal);

        var second = new OutgoingMessage { Subject = "Après reconnexion", TextBody = "y" };
        second.To.Add(MssanteAddress.Parse(recipient));
        await box.SendAsync(second);

        await using var inbox = await OpenAsync(stack.Options(), recipient);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<MessageInfo> received;
        do
        {
            await Task.Delay(100);
            received = await inbox.Messages.ListAsync().ToListAsync();
        }
        while (!received.Any(s => s.Subject == "Après reconnexion") && DateTime.UtcNow < deadline);
        Assert.Single(received, s => s.Subject == "Après reconnexion");
        Assert.DoesNotContain(received, s => s.Subject == "Coupé");
        var sent = await box.Folders.GetAsync(FolderRole.Sent);
        Assert.Equal(["Après reconnexion"], (await box.Messages.ListAsync(sent.Path).ToListAsync()).Select(s => s.Subject));
    }

    /// <summary>Seeds the inbox with small messages through a separate connection.</summary>
    private async Task<int> OpenRawAppendAsync(string user, int count)
    {
        var op = new ImapOperator(stack.Options());
        var grant = await op.SignInAsync(user, Password);
        await using var raw = await op.OpenMailboxAsync(grant.Grant!, MssanteAddress.Parse(user));
        for (var i = 0; i < count; i++)
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("jean.dupont@chu-angers.mssante.fr"));
            message.To.Add(MailboxAddress.Parse(user));
            message.Subject = $"Message {i}";
            message.Body = new TextPart("plain") { Text = "Bonjour" };
            await raw.AppendAsync("INBOX", message, MessageMarks.None);
        }
        return count;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
