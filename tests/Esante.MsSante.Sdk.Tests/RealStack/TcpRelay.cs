using System.Net;
using System.Net.Sockets;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>
/// A loopback TCP relay in front of a server, to cut connections on purpose: all at once, or once a client has sent a
/// number of bytes (in the middle of a message's DATA, say); or to stall them, the server's answers swallowed.
/// </summary>
public sealed class TcpRelay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private readonly CancellationTokenSource _stop = new();
    private long _dropAfterClientBytes = long.MaxValue;
    private volatile bool _stalled;

    public TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections the relay has accepted.</summary>
    public int Connections { get; private set; }

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

    /// <summary>From now on, passes nothing more from the server, connections left open: commands go unanswered.</summary>
    public void Stall() => _stalled = true;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        _stop.Dispose();
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
            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort);
            lock (_pairs)
            {
                _pairs.Add((client, server));
                Connections++;
            }
            _ = PumpAsync(client, server, countClientBytes: true);
            _ = PumpAsync(server, client, countClientBytes: false);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool countClientBytes)
    {
        var buffer = new byte[16 * 1024];
        long sent = 0;
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            int read;
            while ((read = await input.ReadAsync(buffer)) > 0)
            {
                if (countClientBytes)
                {
                    sent += read;
                    var limit = Interlocked.Read(ref _dropAfterClientBytes);
                    if (sent > limit)
                    {
                        Interlocked.Exchange(ref _dropAfterClientBytes, long.MaxValue);
                        from.Client.Close(0);
                        to.Client.Close(0);
                        return;
                    }
                }
                if (countClientBytes || !_stalled)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read));
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The other side went away.
        }
        finally
        {
            from.Client.Close(0);
            to.Client.Close(0);
        }
    }
}
