using Microsoft.Extensions.Logging.Abstractions;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>
/// How a server's certificate is judged when the operator's authority is a private one (IGC Santé; here the stack's test
/// root): through the intermediates the server sends, for server use only, and not revoked according to the authorities'
/// CRLs, which the stack publishes over HTTP. Revocation is checked by default.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class CertificateValidationTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    public enum Protocol
    {
        Imap,
        ManageSieve,
    }

    [Fact]
    public async Task The_servers_chain_through_the_intermediate_they_send_with_revocation_checked_by_default()
    {
        var options = stack.Options();
        Assert.False(options.InsecureSkipRevocationCheck);
        // Only the root is trusted: the intermediate comes from the servers (IMAP, submission), the CRLs from the network.
        Assert.Single(options.TrustedCertificateAuthorities);
        var user = stack.NewAddress();
        stack.AddUser(user, Password);
        await using var box = await MailStack.OpenAsync(options, user, Password);
        var message = new OutgoingMessage { Subject = "Chaîne et révocation", TextBody = "ok" };
        message.To.Add(MssanteAddress.Parse(user));
        await box.SendAsync(message);
        Assert.Contains(await box.Folders.ListAsync(), f => f.Role == FolderRole.Sent && f.MessageCount == 1);
    }

    [Theory]
    [InlineData(Protocol.Imap)]
    [InlineData(Protocol.ManageSieve)]
    public async Task A_revoked_server_certificate_is_refused(Protocol protocol)
    {
        var e = await ConnectAsync(protocol, "REVOKED_CERT");
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Protocol.Imap)]
    [InlineData(Protocol.ManageSieve)]
    public async Task A_certificate_whose_usage_leaves_out_serverAuth_is_refused(Protocol protocol)
    {
        var e = await ConnectAsync(protocol, "NO_SERVER_AUTH_CERT");
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_whose_revocation_status_cannot_be_learnt_is_refused()
    {
        // Its CRL distribution point answers nothing: nothing proves it is not revoked.
        var e = await ConnectAsync(Protocol.Imap, "UNKNOWN_STATUS_CERT");
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revocation_checking_is_skipped_only_by_the_option_that_says_it_is_insecure()
    {
        var e = await ConnectAsync(Protocol.Imap, "UNKNOWN_STATUS_CERT", o => o.InsecureSkipRevocationCheck = true);
        // TLS went through; the test server then says BYE instead of greeting.
        Assert.Contains("did not answer as an IMAP server", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_servers_own_certificate_through_the_same_test_server_is_accepted()
    {
        // The control for the refusals above: the same server, the stack's good certificate.
        var e = await ConnectAsync(Protocol.Imap, "SERVER_CERT");
        Assert.Contains("did not answer as an IMAP server", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Connects over implicit TLS to a loopback server presenting one of the stack's test certificates with the
    /// intermediate, which says BYE once TLS is up; returns the connection error.
    /// </summary>
    private async Task<MssanteConnectionException> ConnectAsync(Protocol protocol, string certificate, Action<ImapOperatorOptions>? change = null)
    {
        using var leaf = stack.ServerCertificate(certificate);
        using var intermediate = stack.IntermediateCertificate();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeOnceAsync(listener, SslStreamCertificateContext.Create(leaf, [intermediate], offline: true));
        var options = stack.Options(o =>
        {
            o.ImapPort = port;
            o.ImapSecurity = ConnectionSecurity.ImplicitTls;
            o.ManageSievePort = port;
            o.ManageSieveSecurity = ConnectionSecurity.ImplicitTls;
            change?.Invoke(o);
        });
        var user = stack.NewAddress();
        var e = await Assert.ThrowsAsync<MssanteConnectionException>(protocol == Protocol.Imap
            ? () => MailStack.Session(options).SignInAsync(user, Password)
            : async () => await (await ManageSieveClient.ConnectAsync(options, MailCredential.FromPassword(user, Password), TimeProvider.System, NullLogger.Instance, CancellationToken.None)).DisposeAsync());
        await server;
        return e;
    }

    private static async Task ServeOnceAsync(TcpListener listener, SslStreamCertificateContext context)
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var tls = new SslStream(client.GetStream());
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = context });
            await tls.WriteAsync("* BYE test server\r\n"u8.ToArray());
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            // The client refused the certificate.
        }
    }
}
