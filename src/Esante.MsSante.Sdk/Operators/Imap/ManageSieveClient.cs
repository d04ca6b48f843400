using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Esante.MsSante.Diagnostics;
using MailKit;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Esante.MsSante.Operators.Imap;

/// <summary>
/// A ManageSieve client (RFC 5804), which MailKit lacks: TLS as the options say (STARTTLS by default, certificates checked
/// like IMAP's), SASL sign-in with the mailbox's credential, and the commands the SDK needs to install its rules script.
/// One connection per use: rules change rarely.
/// </summary>
internal sealed class ManageSieveClient : IAsyncDisposable
{
    /// <summary>The longest line the server may send, its literals aside: 64 KiB (RFC 5804 lines are short; a quoted string holds 1,024 octets).</summary>
    internal const int MaxLineBytes = 64 * 1024;

    /// <summary>The largest literal (a script, a SASL challenge) the server may send: 1 MiB, more than any rules script.</summary>
    internal const int MaxLiteralBytes = 1024 * 1024;

    /// <summary>The most bytes one response may hold, its lines and literals together: 4 MiB.</summary>
    internal const int MaxResponseBytes = 4 * 1024 * 1024;

    private readonly TcpClient? _tcp;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly IProtocolLogger _protocolLog;
    private readonly byte[] _buffer = new byte[8192];
    private Stream _stream;
    private int _start;
    private int _end;
    private int _lineBytes;
    private int _responseBytes;

    private ManageSieveClient(TcpClient tcp, TimeSpan timeout, ILogger logger, IProtocolLogger protocolLog)
    {
        _tcp = tcp;
        _timeout = timeout;
        _logger = logger;
        _protocolLog = protocolLog;
        _stream = tcp.GetStream();
    }

    /// <summary>A client over a connection already made (tests feed it a server's bytes); nothing is sent until a command.</summary>
    internal ManageSieveClient(Stream stream, TimeSpan timeout, ILogger? logger = null, IProtocolLogger? protocolLog = null)
    {
        _timeout = timeout;
        _logger = logger ?? NullLogger.Instance;
        _protocolLog = protocolLog ?? new NullProtocolLogger();
        _stream = stream;
    }

    /// <summary>Reads the greeting (or the capabilities after STARTTLS), as the connection does before signing in.</summary>
    internal Task ReadGreetingAsync(CancellationToken cancellationToken) => ReadCapabilitiesAsync(cancellationToken);

    /// <summary>The server's capabilities (upper-case names; values such as the SIEVE extensions list, or empty).</summary>
    public IReadOnlyDictionary<string, string> Capabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The Sieve extensions the server runs.</summary>
    public IReadOnlySet<string> SieveExtensions =>
        new HashSet<string>((Capabilities.GetValueOrDefault("SIEVE") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);

    /// <summary>Connects, secures the connection and signs in.</summary>
    /// <exception cref="MssanteConnectionException">The server is unreachable, not a ManageSieve server, untrusted, or offers no TLS.</exception>
    /// <exception cref="MssanteAuthenticationException">The credential is refused.</exception>
    public static async Task<ManageSieveClient> ConnectAsync(ImapOperatorOptions options, MailCredential credential, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var host = options.RulesHost;
        var where = $"ManageSieve server {host}:{options.ManageSievePort}";
        var tcp = new TcpClient();
        var client = (ManageSieveClient?)null;
        var protocolLog = ProtocolLogs.Create(options, MailProtocol.ManageSieve, time, logger);
        try
        {
            using var timeout = Deadline(options.Timeout, cancellationToken);
            try
            {
                await tcp.ConnectAsync(host, options.ManageSievePort, timeout.Token).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new MssanteConnectionException($"The {where} is unreachable ({e.SocketErrorCode}): check the host, the port and the network.", e);
            }
            protocolLog.LogConnect(new Uri($"sieve://{(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host)}:{options.ManageSievePort}"));
            client = new ManageSieveClient(tcp, options.Timeout, logger, protocolLog);
            await client.StartAsync(options, credential, time, host, where, timeout.Token).ConfigureAwait(false);
            logger.ConnectionOpened("ManageSieve", host, options.ManageSievePort, options.ManageSieveSecurity, credential.UserName);
            return client;
        }
        catch (Exception e)
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                protocolLog.Dispose();
                tcp.Dispose();
            }
            var translated = Translate(e, where, cancellationToken);
            MailConnections.LogFailure(logger, "ManageSieve", host, options.ManageSievePort, credential, translated);
            if (ReferenceEquals(translated, e))
            {
                throw;
            }
            throw translated;
        }
    }

    /// <summary>The scripts and which one is active.</summary>
    public async Task<IReadOnlyList<(string Name, bool Active)>> ListScriptsAsync(CancellationToken cancellationToken)
    {
        var response = await CommandAsync("LISTSCRIPTS", cancellationToken).ConfigureAwait(false);
        Ok(response, "LISTSCRIPTS");
        return response.Lines
            .Where(line => line.Count > 0 && line[0].IsString)
            .Select(line => (line[0].Text, line.Count > 1 && line[1].Text.Equals("ACTIVE", StringComparison.OrdinalIgnoreCase)))
            .ToList();
    }

    /// <summary>A script's text, or null when there is no script by that name.</summary>
    public async Task<string?> GetScriptAsync(string name, CancellationToken cancellationToken)
    {
        var response = await CommandAsync($"GETSCRIPT {Quote(name)}", cancellationToken).ConfigureAwait(false);
        if (response.Status == "NO" && string.Equals(response.Code, "NONEXISTENT", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        Ok(response, "GETSCRIPT");
        return response.Lines.FirstOrDefault(line => line.Count > 0 && line[0].IsString)?[0].Text ?? string.Empty;
    }

    /// <summary>Stores a script (the server checks it first).</summary>
    /// <exception cref="InvalidOperationException">The server refused the script; its reason is in the message.</exception>
    public async Task PutScriptAsync(string name, string script, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(script);
        using var timeout = Deadline(_timeout, cancellationToken);
        try
        {
            await WriteAsync(Encoding.UTF8.GetBytes($"PUTSCRIPT {Quote(name)} {{{bytes.Length}+}}\r\n"), timeout.Token).ConfigureAwait(false);
            await WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
            await WriteAsync("\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            Ok(await ReadResponseAsync(timeout.Token).ConfigureAwait(false), "PUTSCRIPT");
        }
        catch (Exception e) when (e is IOException or InvalidDataException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw Translate(e, "ManageSieve server", cancellationToken);
        }
    }

    /// <summary>Makes a script the active one (the only one the server runs).</summary>
    public async Task SetActiveAsync(string name, CancellationToken cancellationToken) =>
        Ok(await CommandAsync($"SETACTIVE {Quote(name)}", cancellationToken).ConfigureAwait(false), "SETACTIVE");

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = Deadline(TimeSpan.FromSeconds(2), CancellationToken.None);
            await WriteAsync("LOGOUT\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            await ReadResponseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
            // Leaving anyway.
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp?.Dispose();
        _protocolLog.Dispose();
    }

    /// <summary>Goes on when the response is OK; otherwise logs the refusal and throws (<see cref="Response.ThrowIfNotOk"/>).</summary>
    private void Ok(Response response, string command)
    {
        if (response.Status != "OK")
        {
            _logger.ManageSieveRefused(command, Redaction.ServerText(response.Status), Redaction.ServerText(response.Code));
        }
        response.ThrowIfNotOk(command);
    }

    /// <summary>A ManageSieve quoted string.</summary>
    internal static string Quote(string value)
    {
        if (value.Any(c => c is '\r' or '\n' or '\0'))
        {
            throw new ArgumentException("A ManageSieve string cannot hold line breaks.", nameof(value));
        }
        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A ManageSieve literal of ASCII text with its line end: <c>{n+}</c>, CRLF, the text, CRLF.</summary>
    private static string Literal(string value) =>
        $"{{{Encoding.UTF8.GetByteCount(value).ToString(System.Globalization.CultureInfo.InvariantCulture)}+}}\r\n{value}\r\n";

    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(timeout);
        return source;
    }

    private static Exception Translate(Exception e, string where, CancellationToken cancellationToken) => e switch
    {
        MssanteException or NotSupportedException => e,
        OperationCanceledException when cancellationToken.IsCancellationRequested => e,
        OperationCanceledException => new MssanteConnectionException($"The {where} did not answer in time.", e),
        System.Security.Authentication.AuthenticationException => new MssanteConnectionException(
            $"TLS with the {where} failed: its certificate is not trusted (unknown authority, wrong host name, expired or revoked), " +
            "or the server does not offer TLS 1.2 or newer. Add the operator's authority to TrustedCertificateAuthorities if it is a private one (IGC Santé).", e),
        _ => new MssanteConnectionException($"The {where} did not answer as a ManageSieve server: check the port and whether it expects implicit TLS or STARTTLS.", e),
    };

    private async Task StartAsync(ImapOperatorOptions options, MailCredential credential, TimeProvider time, string host, string where, CancellationToken cancellationToken)
    {
        if (options.ManageSieveSecurity == ConnectionSecurity.ImplicitTls)
        {
            await SecureAsync(options, credential, host, cancellationToken).ConfigureAwait(false);
        }
        await ReadCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        if (options.ManageSieveSecurity == ConnectionSecurity.StartTls)
        {
            if (!Capabilities.ContainsKey("STARTTLS"))
            {
                throw new MssanteConnectionException($"The {where} offers no STARTTLS: the SDK refuses to send credentials in clear.");
            }
            Ok(await CommandAsync("STARTTLS", cancellationToken).ConfigureAwait(false), "STARTTLS");
            await SecureAsync(options, credential, host, cancellationToken).ConfigureAwait(false);
            await ReadCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        }
        await AuthenticateAsync(credential, time, host, options.ManageSievePort, cancellationToken).ConfigureAwait(false);
    }

    private async Task SecureAsync(ImapOperatorOptions options, MailCredential credential, string host, CancellationToken cancellationToken)
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = MailConnections.RevocationMode(options),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => MailConnections.IsTrusted(certificate, chain, errors, options),
            ClientCertificates = MailConnections.ClientCertificates(options, credential),
        }, cancellationToken).ConfigureAwait(false);
        _stream = tls;
        _start = _end = 0;
    }

    private async Task ReadCapabilitiesAsync(CancellationToken cancellationToken)
    {
        var response = await ReadResponseAsync(cancellationToken).ConfigureAwait(false);
        Ok(response, "greeting");
        // A capability named twice (the server's mistake, or anyone's before STARTTLS) keeps its first value.
        var capabilities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in response.Lines.Where(line => line.Count > 0 && line[0].IsString))
        {
            capabilities.TryAdd(line[0].Text.ToUpperInvariant(), line.Count > 1 ? line[1].Text : string.Empty);
        }
        Capabilities = capabilities;
    }

    private async Task AuthenticateAsync(MailCredential credential, TimeProvider time, string host, int port, CancellationToken cancellationToken)
    {
        var offered = (Capabilities.GetValueOrDefault("SASL") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (name, initial, respond) = credential.AccessToken is not null
            ? await BearerAsync(credential, offered, time, host, port, cancellationToken).ConfigureAwait(false)
            : await MailKitMechanismAsync(credential, offered, time, cancellationToken).ConfigureAwait(false);
        // SASL data as literals: a quoted string holds at most 1,024 octets (RFC 5804 §4), less than a bearer token.
        await WriteAsync(Encoding.UTF8.GetBytes($"AUTHENTICATE {Quote(name)} {Literal(initial)}"), cancellationToken).ConfigureAwait(false);
        _responseBytes = 0;
        while (true)
        {
            var line = await ReadLineTokensAsync(cancellationToken).ConfigureAwait(false);
            if (line.Count == 1 && line[0].IsString)
            {
                // A server challenge: answered, or cancelled (RFC 5804 §2.1) when the mechanism has nothing more to say.
                var answer = await respond(line[0].Text).ConfigureAwait(false);
                await WriteAsync(Encoding.UTF8.GetBytes(answer is null ? "\"*\"\r\n" : Literal(answer)), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var response = Response.From([], line);
            if (response.Status == "OK")
            {
                return;
            }
            throw MailConnections.CredentialRefused(credential, response.Text ?? response.Status);
        }
    }

    /// <summary>PLAIN for a password, EXTERNAL for a certificate: MailKit's mechanisms, driven here.</summary>
    private static async Task<(string Name, string Initial, Func<string, Task<string?>> Respond)> MailKitMechanismAsync(
        MailCredential credential, string[] offered, TimeProvider time, CancellationToken cancellationToken)
    {
        var mechanism = await MailConnections.ChooseMechanismAsync(credential, offered, time, cancellationToken).ConfigureAwait(false);
        var initial = await mechanism.ChallengeAsync(null, cancellationToken).ConfigureAwait(false);
        return (mechanism.MechanismName, initial, async challenge =>
        {
            try
            {
                return mechanism.IsAuthenticated ? null : await mechanism.ChallengeAsync(challenge, cancellationToken).ConfigureAwait(false);
            }
            catch (SaslException)
            {
                return null;
            }
        });
    }

    /// <summary>
    /// OAUTHBEARER (RFC 7628) or XOAUTH2 with the bearer token, written here: MailKit's OAUTHBEARER needs the server address
    /// only its own clients can give it. On an error challenge the client answers as RFC 7628 says, and the server says no.
    /// </summary>
    private static async Task<(string Name, string Initial, Func<string, Task<string?>> Respond)> BearerAsync(
        MailCredential credential, string[] offered, TimeProvider time, string host, int port, CancellationToken cancellationToken)
    {
        var token = await MailConnections.AccessTokenAsync(credential, time, cancellationToken).ConfigureAwait(false);
        string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        if (offered.Contains("OAUTHBEARER", StringComparer.OrdinalIgnoreCase))
        {
            var user = credential.SaslName.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
            var initial = Base64($"n,a={user},\u0001host={host}\u0001port={port.ToString(System.Globalization.CultureInfo.InvariantCulture)}\u0001auth=Bearer {token}\u0001\u0001");
            return ("OAUTHBEARER", initial, _ => Task.FromResult<string?>(Base64("\u0001")));
        }
        if (offered.Contains("XOAUTH2", StringComparer.OrdinalIgnoreCase))
        {
            return ("XOAUTH2", Base64($"user={credential.SaslName}\u0001auth=Bearer {token}\u0001\u0001"), _ => Task.FromResult<string?>(string.Empty));
        }
        throw new NotSupportedException("The server offers neither OAUTHBEARER nor XOAUTH2: it cannot accept an access token.");
    }

    private async Task<Response> CommandAsync(string command, CancellationToken cancellationToken)
    {
        using var timeout = Deadline(_timeout, cancellationToken);
        try
        {
            await WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), timeout.Token).ConfigureAwait(false);
            return await ReadResponseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw Translate(e, "ManageSieve server", cancellationToken);
        }
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        _protocolLog.LogClient(bytes, 0, bytes.Length);
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads lines until the one that ends the response (OK, NO or BYE).</summary>
    private async Task<Response> ReadResponseAsync(CancellationToken cancellationToken)
    {
        _responseBytes = 0;
        var lines = new List<List<Token>>();
        while (true)
        {
            var line = await ReadLineTokensAsync(cancellationToken).ConfigureAwait(false);
            if (line.Count > 0 && !line[0].IsString && line[0].Text.ToUpperInvariant() is "OK" or "NO" or "BYE")
            {
                return Response.From(lines, line);
            }
            if (line.Count > 0 && !line[0].IsString)
            {
                // Every other ManageSieve line starts with a string: this is another protocol (an SMTP or IMAP greeting).
                throw new InvalidDataException("The server's line is not ManageSieve.");
            }
            lines.Add(line);
        }
    }

    /// <summary>One line's tokens: atoms, strings (quoted or literal) and a parenthesised response code as one atom.</summary>
    private async Task<List<Token>> ReadLineTokensAsync(CancellationToken cancellationToken)
    {
        _lineBytes = 0;
        var tokens = new List<Token>();
        while (true)
        {
            var b = await PeekAsync(cancellationToken).ConfigureAwait(false);
            switch (b)
            {
                case (byte)' ':
                    Consume(1);
                    break;
                case (byte)'\r':
                    Consume(1);
                    break;
                case (byte)'\n':
                    Consume(1);
                    return tokens;
                case (byte)'"':
                    Consume(1);
                    tokens.Add(new Token(await ReadQuotedAsync(cancellationToken).ConfigureAwait(false), IsString: true));
                    break;
                case (byte)'{':
                    tokens.Add(new Token(await ReadLiteralAsync(cancellationToken).ConfigureAwait(false), IsString: true));
                    break;
                case (byte)'(':
                    tokens.Add(new Token(await ReadUntilAsync((byte)')', cancellationToken).ConfigureAwait(false), IsString: false));
                    break;
                default:
                    tokens.Add(new Token(await ReadAtomAsync(cancellationToken).ConfigureAwait(false), IsString: false));
                    break;
            }
        }
    }

    private async Task<string> ReadQuotedAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = await NextAsync(cancellationToken).ConfigureAwait(false);
            if (b == '"')
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }
            if (b == '\\')
            {
                b = await NextAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (b is (byte)'\r' or (byte)'\n')
            {
                throw new InvalidDataException("A quoted string from the ManageSieve server runs past its line.");
            }
            bytes.Add(b);
        }
    }

    private async Task<string> ReadLiteralAsync(CancellationToken cancellationToken)
    {
        var header = await ReadUntilAsync((byte)'}', cancellationToken).ConfigureAwait(false);
        var digits = header.AsSpan(1, header.Length - 2).TrimEnd('+');
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            throw new InvalidDataException("The ManageSieve server sent a literal with an invalid length.");
        }
        // More digits than an int holds is a literal too large, not a malformed one.
        var length = digits.Length > 9 ? int.MaxValue : int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        if (length > MaxLiteralBytes || length > MaxResponseBytes - _responseBytes)
        {
            throw TooLarge($"a literal larger than {MaxLiteralBytes / 1024} KiB or than what is left of a response's {MaxResponseBytes / 1024 / 1024} MiB");
        }
        if (await NextAsync(cancellationToken).ConfigureAwait(false) != '\r' || await NextAsync(cancellationToken).ConfigureAwait(false) != '\n')
        {
            throw new InvalidDataException("The ManageSieve server's literal does not start on a new line.");
        }
        var bytes = new byte[length];
        for (var read = 0; read < length;)
        {
            await PeekAsync(cancellationToken).ConfigureAwait(false);
            var count = Math.Min(length - read, _end - _start);
            Array.Copy(_buffer, _start, bytes, read, count);
            Consume(count, literal: true);
            read += count;
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private async Task<string> ReadUntilAsync(byte last, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var quoted = false;
        while (true)
        {
            var b = await NextAsync(cancellationToken).ConfigureAwait(false);
            if (b is (byte)'\r' or (byte)'\n')
            {
                throw new InvalidDataException("The ManageSieve server sent an unterminated token.");
            }
            bytes.Add(b);
            quoted ^= b == '"';
            if (b == last && !quoted)
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }
        }
    }

    private async Task<string> ReadAtomAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        while (await PeekAsync(cancellationToken).ConfigureAwait(false) is not ((byte)' ' or (byte)'\r' or (byte)'\n'))
        {
            bytes.Add(_buffer[_start]);
            Consume(1);
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private async Task<byte> NextAsync(CancellationToken cancellationToken)
    {
        var b = await PeekAsync(cancellationToken).ConfigureAwait(false);
        Consume(1);
        return b;
    }

    /// <summary>
    /// Takes bytes read from the buffer, counting them against the line's and the response's bounds: what the server sends
    /// is held in memory, so a server (or anyone before STARTTLS) cannot make it grow without end.
    /// </summary>
    private void Consume(int count, bool literal = false)
    {
        _start += count;
        _responseBytes += count;
        if (!literal)
        {
            _lineBytes += count;
        }
        if (_lineBytes > MaxLineBytes)
        {
            throw TooLarge($"a line longer than {MaxLineBytes / 1024} KiB");
        }
        if (_responseBytes > MaxResponseBytes)
        {
            throw TooLarge($"a response larger than {MaxResponseBytes / 1024 / 1024} MiB");
        }
    }

    /// <summary>The error for a response past the bounds; the connection is closed, for nothing after it can be trusted.</summary>
    private MssanteConnectionException TooLarge(string what)
    {
        _stream.Dispose();
        return new MssanteConnectionException($"The ManageSieve server sent {what}: the SDK closed the connection.");
    }

    private async ValueTask<byte> PeekAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = 0;
            _end = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                throw new IOException("The ManageSieve server closed the connection.");
            }
            _protocolLog.LogServer(_buffer, 0, _end);
        }
        return _buffer[_start];
    }

    private sealed record Token(string Text, bool IsString);

    private sealed record Response(string Status, string? Code, string? Text, List<List<Token>> Lines)
    {
        public static Response From(List<List<Token>> lines, List<Token> last)
        {
            var status = last.Count > 0 ? last[0].Text.ToUpperInvariant() : string.Empty;
            var code = last.Skip(1).FirstOrDefault(t => !t.IsString && t.Text.StartsWith('('))?.Text.Trim('(', ')');
            var text = last.Skip(1).LastOrDefault(t => t.IsString)?.Text;
            return new Response(status, code?.Split(' ')[0], text, lines);
        }

        public void ThrowIfNotOk(string command)
        {
            if (Status == "OK")
            {
                return;
            }
            if (command == "PUTSCRIPT" && Status == "NO")
            {
                throw new InvalidOperationException($"The operator refused the rules script: {Redaction.ServerText(Text)}");
            }
            throw new MssanteConnectionException($"The ManageSieve server refused {command} ({Redaction.ServerText(Status)}{(Code is null ? string.Empty : " " + Redaction.ServerText(Code))}).");
        }
    }
}
