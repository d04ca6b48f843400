using System.Globalization;
using System.Text;
using MailKit;
using Microsoft.Extensions.Logging;

namespace Esante.MsSante.Diagnostics;

/// <summary>
/// A MailKit protocol logger (also fed by the SDK's ManageSieve client) that writes one connection's exchanges, redacted by
/// <see cref="ProtocolRedactor"/>, as timestamped lines: <c>C:</c> what the SDK sent, <c>S:</c> what the server answered.
/// Literals, DATA and BDAT content are never held: only their sizes are counted. MailKit's own detector of sign-in secrets
/// masks them first, as a second guard under the whitelist.
/// </summary>
internal sealed class RedactingProtocolLogger : IProtocolLogger
{
    /// <summary>The longest line kept for redaction; a longer one is only counted.</summary>
    private const int MaxLineBytes = 64 * 1024;

    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly ProtocolRedactor _redactor;
    private readonly Direction _client;
    private readonly Direction _server;
    private readonly object _lock = new();
    private bool _disposed;

    /// <summary>Creates the logger; it owns <paramref name="writer"/> and disposes it.</summary>
    public RedactingProtocolLogger(TextWriter writer, MailProtocol protocol, TimeProvider time)
    {
        _writer = writer;
        _time = time;
        _redactor = new ProtocolRedactor(protocol);
        _client = new Direction(this, fromClient: true);
        _server = new Direction(this, fromClient: false);
    }

    /// <inheritdoc/>
    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <inheritdoc/>
    public void LogConnect(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        lock (_lock)
        {
            // Scheme, host and port only: never a user name, should a URI ever hold one.
            Write(string.Create(CultureInfo.InvariantCulture, $"Connected to {uri.Scheme}://{uri.Host}:{uri.Port}"));
        }
    }

    /// <inheritdoc/>
    public void LogClient(byte[] buffer, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        lock (_lock)
        {
            if (AuthenticationSecretDetector?.DetectSecrets(buffer, offset, count) is { Count: > 0 } secrets)
            {
                var masked = buffer.AsSpan(offset, count).ToArray();
                foreach (var secret in secrets)
                {
                    masked.AsSpan(secret.StartIndex - offset, secret.Length).Fill((byte)'*');
                }
                _client.Feed(masked);
                return;
            }
            _client.Feed(buffer.AsSpan(offset, count));
        }
    }

    /// <inheritdoc/>
    public void LogServer(byte[] buffer, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        lock (_lock)
        {
            _server.Feed(buffer.AsSpan(offset, count));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _client.Flush();
            _server.Flush();
            _writer.Dispose();
        }
    }

    private void Write(string line)
    {
        if (_disposed)
        {
            return;
        }
        try
        {
            _writer.Write(_time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z' ", CultureInfo.InvariantCulture));
            _writer.Write(line);
            _writer.Write('\n');
            _writer.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            // A full disk or a removed file never stops the mail: the log is for support, not for the work.
        }
    }

    /// <summary>One direction's bytes, cut into lines with their literals and DATA content left out.</summary>
    private sealed class Direction(RedactingProtocolLogger owner, bool fromClient)
    {
        private static readonly byte[] DataEnd = "\r\n.\r\n"u8.ToArray();

        private readonly List<byte> _line = [];
        private readonly StringBuilder _logical = new();
        private long _overflow;
        private long _literal;
        private long _chunk;
        private long _data = -1;
        private int _dataMatch;

        public void Feed(ReadOnlySpan<byte> bytes)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                if (_literal > 0)
                {
                    var skip = (int)Math.Min(_literal, bytes.Length - i);
                    _literal -= skip;
                    i += skip - 1;
                    if (_literal == 0 && _chunk > 0)
                    {
                        Emit(ProtocolRedactor.Redacted((int)Math.Min(int.MaxValue, _chunk)));
                        _chunk = 0;
                    }
                    continue;
                }
                if (_data >= 0)
                {
                    if (fromClient && owner._redactor.DataRefused)
                    {
                        // The server refused DATA: what follows is commands again.
                        owner._redactor.DataRefused = false;
                        _data = -1;
                    }
                    else
                    {
                        Data(bytes[i]);
                        continue;
                    }
                }
                var b = bytes[i];
                if (_line.Count < MaxLineBytes)
                {
                    _line.Add(b);
                }
                else
                {
                    _overflow++;
                }
                if (b == '\n')
                {
                    EndOfLine();
                }
            }
        }

        /// <summary>Writes what is left of a line the connection ended in the middle of.</summary>
        public void Flush()
        {
            if (_line.Count > 0 || _logical.Length > 0)
            {
                _line.Add((byte)'\n');
                EndOfLine();
            }
        }

        private void Data(byte b)
        {
            _data++;
            _dataMatch = b == DataEnd[_dataMatch] ? _dataMatch + 1 : b == '\r' ? 1 : 0;
            if (_dataMatch == DataEnd.Length)
            {
                // The content up to the line that ends it, which is written as the protocol's own.
                Emit(ProtocolRedactor.Redacted((int)Math.Min(int.MaxValue, Math.Max(0, _data - 3))));
                Emit(".");
                _data = -1;
                _dataMatch = 0;
            }
        }

        private void EndOfLine()
        {
            var text = Encoding.UTF8.GetString(_line.ToArray()).TrimEnd('\r', '\n');
            _line.Clear();
            if (_overflow > 0)
            {
                var size = Encoding.UTF8.GetByteCount(text) + _overflow;
                _overflow = 0;
                _logical.Clear();
                Emit(ProtocolRedactor.Redacted((int)Math.Min(int.MaxValue, size)) + " (a line too long to read)");
                return;
            }
            _logical.Append(text);
            var line = _logical.ToString();
            if (owner._redactor.LiteralAfter(text, fromClient) is { } literal && literal > 0)
            {
                _literal = literal;
                if (!text.StartsWith("BDAT", StringComparison.OrdinalIgnoreCase))
                {
                    // IMAP, ManageSieve: the line goes on after the literal, and is written whole when it ends.
                    return;
                }
                // SMTP: the chunk follows a complete command line.
                _chunk = literal;
            }
            _logical.Clear();
            Emit(fromClient ? owner._redactor.Client(line) : owner._redactor.Server(line));
            if (fromClient && owner._redactor.StartsData(line))
            {
                _data = 0;
                _dataMatch = 2;
            }
        }

        private void Emit(string line) => owner.Write((fromClient ? "C: " : "S: ") + line);
    }
}

/// <summary>Opens the protocol log of a connection when <see cref="ImapOperatorOptions.ProtocolLogDirectory"/> asks for one.</summary>
internal static class ProtocolLogs
{
    private static int _sequence;

    /// <summary>
    /// A logger writing to a new file in the options' directory, named after the protocol, the time and a sequence number
    /// (<c>imap-20261207-023644.123-0001-4242.log</c>: the last part is the process); MailKit's null logger when the log is
    /// off or its file cannot be made (the mail goes on, and a warning says why).
    /// </summary>
    public static IProtocolLogger Create(ImapOperatorOptions options, MailProtocol protocol, TimeProvider time, ILogger logger) =>
        Open(options, protocol, time, logger) is { } writer ? new RedactingProtocolLogger(writer, protocol, time) : new NullProtocolLogger();

    /// <summary>The file's writer, or null when the log is off or cannot be written.</summary>
    public static TextWriter? Open(ImapOperatorOptions options, MailProtocol protocol, TimeProvider time, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(options.ProtocolLogDirectory))
        {
            return null;
        }
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{protocol.ToString().ToLowerInvariant()}-{time.GetUtcNow():yyyyMMdd-HHmmss.fff}-{Interlocked.Increment(ref _sequence):D4}-{Environment.ProcessId}.log");
        try
        {
            System.IO.Directory.CreateDirectory(options.ProtocolLogDirectory);
            var stream = new FileStream(Path.Combine(options.ProtocolLogDirectory, name), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            logger.ProtocolLogNotOpened(protocol switch { MailProtocol.Imap => "IMAP", MailProtocol.Smtp => "SMTP", _ => "ManageSieve" }, e.GetType().Name);
            return null;
        }
    }
}
