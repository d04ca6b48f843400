using Microsoft.Extensions.Logging.Abstractions;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;

namespace Esante.MsSante.Tests.Operators;

/// <summary>
/// A hostile ManageSieve server (or anyone on the path before STARTTLS) cannot make the client hold what it sends without
/// end: lines, literals and responses are bounded, and past a bound the connection is closed.
/// </summary>
public sealed class ManageSieveLimitsTests
{
    // What the hostile server is ready to send at most; a client that reads it all has no bound.
    private const long ServerCap = 64L * 1024 * 1024;

    [Fact]
    public async Task A_greeting_line_without_end_is_refused_and_the_connection_closed()
    {
        var (error, sent) = await AgainstAsync([], Encoding.ASCII.GetBytes(new string('A', 64 * 1024)));
        Assert.Contains("line longer than", error.Message, StringComparison.Ordinal);
        Assert.True(sent < ServerCap / 2, $"The client read {sent} bytes of one line before refusing it.");
    }

    [Theory]
    [InlineData(999_999_999)]
    [InlineData(2_000_000)]
    [InlineData(int.MaxValue)]
    public async Task A_literal_larger_than_the_limit_is_refused_before_it_is_read(long length)
    {
        var (error, sent) = await AgainstAsync(Encoding.ASCII.GetBytes($"{{{length}}}\r\n"), new byte[64 * 1024]);
        Assert.Contains("literal larger than", error.Message, StringComparison.Ordinal);
        Assert.True(sent < ServerCap / 2, $"The client read {sent} bytes of a literal before refusing it.");
    }

    [Fact]
    public async Task A_response_of_endless_lines_is_refused_and_the_connection_closed()
    {
        var (error, sent) = await AgainstAsync([], Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\"SIEVE\" \"fileinto\"\r\n", 4096))));
        Assert.Contains("response larger than", error.Message, StringComparison.Ordinal);
        Assert.True(sent < ServerCap / 2, $"The client read {sent} bytes of one response before refusing it.");
    }

    [Fact]
    public async Task Lines_literals_and_responses_within_the_limits_are_read()
    {
        var literal = new string('x', ManageSieveClient.MaxLiteralBytes);
        var greeting = $"\"IMPLEMENTATION\" {{{literal.Length}}}\r\n{literal}\r\n\"SIEVE\" \"{new string('y', 1000)}\"\r\nOK\r\n";
        // No STARTTLS offered: the client stops there, having read the whole greeting.
        var (error, _) = await AgainstAsync(Encoding.ASCII.GetBytes(greeting), []);
        Assert.Contains("no STARTTLS", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Connects to a loopback server that sends <paramref name="prefix"/> then <paramref name="repeated"/> until the client
    /// closes or <see cref="ServerCap"/> is sent; returns the client's error and the bytes the server managed to send.
    /// </summary>
    private static async Task<(MssanteConnectionException Error, long Sent)> AgainstAsync(byte[] prefix, byte[] repeated)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            long sent = 0;
            try
            {
                await stream.WriteAsync(prefix);
                sent += prefix.Length;
                while (repeated.Length > 0 && sent < ServerCap)
                {
                    await stream.WriteAsync(repeated);
                    sent += repeated.Length;
                }
                // Then wait for the client to leave.
                var buffer = new byte[1024];
                while (await stream.ReadAsync(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
                // The client closed the connection.
            }
            return sent;
        });
        var options = new ImapOperatorOptions
        {
            ImapHost = "127.0.0.1",
            ManageSievePort = ((IPEndPoint)listener.LocalEndpoint).Port,
            // Generous: the bounds are on bytes; a loaded machine must not turn them into a timeout.
            Timeout = TimeSpan.FromMinutes(2),
        };
        var error = await Assert.ThrowsAsync<MssanteConnectionException>(
            () => ManageSieveClient.ConnectAsync(options, MailCredential.FromPassword("adrien.malosse27", "Motdepasse-1"), TimeProvider.System, NullLogger.Instance, CancellationToken.None));
        return (error, await server);
    }
}
