using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>What an armed <see cref="TcpRelay"/> does when its trigger is seen.</summary>
public enum RelayFault
{
    /// <summary>Cuts the connection; the client's bytes that carried the trigger are not forwarded.</summary>
    Drop,

    /// <summary>Forwards the client's bytes that carried the trigger, swallows the reply, then cuts the connection: the server got them, its reply is lost.</summary>
    DropAfter,

    /// <summary>Forwards the client's bytes, then swallows every reply of the server on that connection: the client waits for its timeout.</summary>
    Stall,

    /// <summary>Runs the armed action (a test cancels its token there), then goes on forwarding.</summary>
    Cancel,

    /// <summary>
    /// Forwards the client's bytes and the server's next reply (an IDLE's « + idling », say), then swallows every reply on
    /// that connection: a link that goes mute in the middle of a long command.
    /// </summary>
    MuteAfterReply,

    /// <summary>From then on forwards both ways slowly, in small pieces with pauses (a congested link), losing nothing.</summary>
    Slow,
}

/// <summary>
/// A loopback TCP relay in front of a server, to cut connections on purpose: all at once, once a client has sent a number
/// of bytes (in the middle of a message's DATA, say), or — armed — when a client sends a given text (an SMTP or IMAP
/// command, the final dot), at the server's greeting or at the connection itself. Texts are only seen in clear: the fault
/// matrix runs on the stack's ports without TLS.
/// </summary>
public sealed class TcpRelay : IDisposable
{
    /// <summary>A trigger: a new connection, before anything is forwarded.</summary>
    public const string OnConnect = "<connect>";

    /// <summary>A trigger: the server's first bytes on a connection (its greeting).</summary>
    public const string OnGreeting = "<greeting>";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPAddress _targetHost;
    private readonly int _targetPort;
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private readonly CancellationTokenSource _stop = new();
    private long _dropAfterClientBytes = long.MaxValue;
    private Armed? _armed;
    private volatile bool _stalled;

    public TcpRelay(int targetPort, string targetHost = "127.0.0.1")
    {
        _targetHost = IPAddress.Parse(targetHost);
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections the relay has accepted.</summary>
    public int Connections { get; private set; }

    /// <summary>Whether the armed fault has happened.</summary>
    public bool Triggered { get; private set; }

    /// <summary>Cuts every open connection now.</summary>
    public void DropAll()
    {
        lock (_pairs)
        {
            foreach (var (client, server) in _pairs)
            {
                client.Client.Close(0);
                server.Client.Close(0);
            }
            _pairs.Clear();
        }
    }

    /// <summary>Cuts a connection once its client has sent more than <paramref name="bytes"/> bytes (from now on, once).</summary>
    public void DropAfterClientBytes(long bytes) => Interlocked.Exchange(ref _dropAfterClientBytes, bytes);

    /// <summary>From now on, passes nothing more from the server on any connection, connections left open: commands go unanswered.</summary>
    public void Stall() => _stalled = true;

    /// <summary>
    /// Arms one fault, once: at the next connection (<see cref="OnConnect"/>), the next greeting (<see cref="OnGreeting"/>), or
    /// when a client next sends <paramref name="trigger"/>. <paramref name="action"/> runs for <see cref="RelayFault.Cancel"/>.
    /// </summary>
    public void Arm(string trigger, RelayFault fault, Action? action = null)
    {
        Triggered = false;
        Volatile.Write(ref _armed, new Armed(trigger, Encoding.ASCII.GetBytes(trigger), fault, action));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        _stop.Dispose();
    }

    private sealed record Armed(string Trigger, byte[] Pattern, RelayFault Fault, Action? Action);

    private sealed class Link(TcpClient client, TcpClient server)
    {
        public TcpClient Client { get; } = client;
        public TcpClient Server { get; } = server;
        public volatile bool Stalled;
        public volatile bool Slow;
        public volatile bool MuteAfterReply;

        public void Close()
        {
            Client.Client.Close(0);
            Server.Client.Close(0);
        }
    }

    /// <summary>Takes the armed fault if <paramref name="matches"/> says it is its moment.</summary>
    private Armed? Take(Func<Armed, bool> matches)
    {
        var armed = Volatile.Read(ref _armed);
        if (armed is null || !matches(armed) || Interlocked.CompareExchange(ref _armed, null, armed) != armed)
        {
            return null;
        }
        Triggered = true;
        return armed;
    }

    /// <summary>Runs the armed action of a <see cref="RelayFault.Cancel"/>.</summary>
    private static void Act(Armed? armed)
    {
        if (armed?.Fault == RelayFault.Cancel)
        {
            armed.Action?.Invoke();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Connections++;
            if (Take(a => a.Trigger == OnConnect) is { } atConnect)
            {
                Act(atConnect);
                if (atConnect.Fault is RelayFault.Drop or RelayFault.DropAfter)
                {
                    client.Client.Close(0);
                    continue;
                }
                if (atConnect.Fault == RelayFault.Stall)
                {
                    // Accepted, never answered: the client waits for a greeting that does not come.
                    lock (_pairs)
                    {
                        _pairs.Add((client, new TcpClient()));
                    }
                    continue;
                }
            }
            var server = new TcpClient();
            await server.ConnectAsync(_targetHost, _targetPort);
            lock (_pairs)
            {
                _pairs.Add((client, server));
            }
            var link = new Link(client, server);
            _ = PumpClientAsync(link);
            _ = PumpServerAsync(link);
        }
    }

    private async Task PumpClientAsync(Link link)
    {
        var buffer = new byte[16 * 1024];
        var seen = new List<byte>();
        Armed? watched = null;
        long sent = 0;
        try
        {
            var input = link.Client.GetStream();
            var output = link.Server.GetStream();
            int read;
            while ((read = await input.ReadAsync(buffer)) > 0)
            {
                sent += read;
                var limit = Interlocked.Read(ref _dropAfterClientBytes);
                if (sent > limit)
                {
                    Interlocked.Exchange(ref _dropAfterClientBytes, long.MaxValue);
                    return;
                }
                // What the client sent lately, so a trigger split between two reads is seen.
                if (Volatile.Read(ref _armed) is { } current && current != watched)
                {
                    // Armed since the last read: only what the client sends from now on counts.
                    watched = current;
                    seen.Clear();
                }
                seen.AddRange(buffer.AsSpan(0, read));
                var armed = Take(a => a.Trigger is not (OnConnect or OnGreeting) && Contains(seen, a.Pattern));
                if (seen.Count > 256)
                {
                    seen.RemoveRange(0, seen.Count - 256);
                }
                if (armed?.Fault == RelayFault.Drop)
                {
                    return;
                }
                Act(armed);
                // Stall and DropAfter: the server gets these bytes, the client never gets the reply.
                link.Stalled |= armed?.Fault is RelayFault.Stall or RelayFault.DropAfter;
                link.Slow |= armed?.Fault == RelayFault.Slow;
                link.MuteAfterReply |= armed?.Fault == RelayFault.MuteAfterReply;
                await ForwardAsync(link, output, buffer.AsMemory(0, read));
                if (armed?.Fault == RelayFault.DropAfter)
                {
                    // Let the server read it before the cut.
                    await Task.Delay(200);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The other side went away.
        }
        finally
        {
            link.Close();
        }
    }

    private async Task PumpServerAsync(Link link)
    {
        var buffer = new byte[16 * 1024];
        var first = true;
        try
        {
            var input = link.Server.GetStream();
            var output = link.Client.GetStream();
            int read;
            while ((read = await input.ReadAsync(buffer)) > 0)
            {
                if (first && Take(a => a.Trigger == OnGreeting) is { } atGreeting)
                {
                    Act(atGreeting);
                    if (atGreeting.Fault is RelayFault.Drop or RelayFault.DropAfter)
                    {
                        return;
                    }
                    link.Stalled |= atGreeting.Fault == RelayFault.Stall;
                    link.Slow |= atGreeting.Fault == RelayFault.Slow;
                }
                first = false;
                if (!link.Stalled && !_stalled)
                {
                    await ForwardAsync(link, output, buffer.AsMemory(0, read));
                    link.Stalled |= link.MuteAfterReply;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The other side went away.
        }
        finally
        {
            if (!link.Stalled && !_stalled)
            {
                link.Close();
            }
        }
    }

    /// <summary>Writes what was read; on a slow link in pieces of 256 bytes, 20 ms apart.</summary>
    private static async Task ForwardAsync(Link link, NetworkStream output, ReadOnlyMemory<byte> bytes)
    {
        if (!link.Slow)
        {
            await output.WriteAsync(bytes);
            return;
        }
        for (var offset = 0; offset < bytes.Length; offset += 256)
        {
            await Task.Delay(20);
            await output.WriteAsync(bytes.Slice(offset, Math.Min(256, bytes.Length - offset)));
        }
    }

    private static bool Contains(List<byte> haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }
            if (j == needle.Length)
            {
                return true;
            }
        }
        return false;
    }
}
