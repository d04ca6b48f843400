using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Esante.MsSante.Benchmarks.Infrastructure;

/// <summary>
/// A loopback TCP relay that delays every chunk by a fixed one-way time in each direction, order kept, so a client on this
/// machine meets the round trips of a distant server (an MSSanté operator is reached over the internet, ≈ 10 ms away)
/// while the server does its usual work. Bytes pass through unchanged (TLS included); a delay is paid once per chunk, as
/// on a network path, so pipelined commands still share one round trip.
/// <para>
/// It stands for the network, which costs the client's machine no CPU, so it is built to cost little and to stay out of
/// the thread pool the measured code runs on: each direction of each connection has a thread blocked in a receive, and one
/// thread per relay sends every chunk when it is due. The delay is the same for every chunk, so chunks fall due in the
/// order they arrived: one queue for the whole relay, no timer per chunk.
/// </para>
/// </summary>
public sealed class LatencyRelay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly long _oneWayTicks;
    private readonly List<Socket> _sockets = [];
    private readonly Queue<Chunk> _due = new();
    private readonly Thread _sender;
    private volatile bool _stopped;

    public LatencyRelay(int targetPort, TimeSpan oneWay)
    {
        _targetPort = targetPort;
        _oneWayTicks = (long)(oneWay.TotalSeconds * Stopwatch.Frequency);
        _listener.Start();
        _sender = new Thread(SendLoop) { IsBackground = true, Name = "LatencyRelay sender" };
        _sender.Start();
        new Thread(AcceptLoop) { IsBackground = true, Name = "LatencyRelay accept" }.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose()
    {
        _stopped = true;
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
            _sockets.Clear();
        }
        lock (_due)
        {
            _due.Clear();
            Monitor.PulseAll(_due);
        }
        _sender.Join();
    }

    /// <summary>A chunk read from one side, to be written to the other at <see cref="Due"/>; no data: shut the sending side down.</summary>
    private readonly record struct Chunk(long Due, Socket To, byte[]? Data);

    private void AcceptLoop()
    {
        while (!_stopped)
        {
            Socket client;
            try
            {
                client = _listener.AcceptSocket();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or InvalidOperationException)
            {
                return;
            }
            new Thread(() => Relay(client)) { IsBackground = true, Name = "LatencyRelay connection" }.Start();
        }
    }

    private void Relay(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        lock (_sockets)
        {
            if (_stopped)
            {
                client.Dispose();
                server.Dispose();
                return;
            }
            _sockets.Add(client);
            _sockets.Add(server);
        }
        try
        {
            // The connection itself costs a round trip, as a TCP handshake does.
            Thread.Sleep(TimeSpan.FromSeconds(2.0 * _oneWayTicks / Stopwatch.Frequency));
            server.Connect(IPAddress.Loopback, _targetPort);
            var upstream = new Thread(() => Pump(client, server)) { IsBackground = true, Name = "LatencyRelay pump" };
            upstream.Start();
            Pump(server, client);
            upstream.Join();
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            // Both directions are shut down (or failed): the sender thread may still hold their last chunks, whose sends
            // then fail quietly on a closed socket, as they would on a reset connection.
            lock (_sockets)
            {
                _sockets.Remove(client);
                _sockets.Remove(server);
            }
            client.Dispose();
            server.Dispose();
        }
    }

    /// <summary>Reads from one side and queues each chunk for the other, due one-way time later; the end of the stream likewise.</summary>
    private void Pump(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = from.Receive(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }
                Enqueue(to, buffer.AsSpan(0, read).ToArray());
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }
        Enqueue(to, null);
        // The last chunks must be written before the connection is disposed: wait for the sender to pass them.
        WaitUntilSent(to);
    }

    private void Enqueue(Socket to, byte[]? data)
    {
        lock (_due)
        {
            // Stamped under the lock: the queue stays in due order.
            _due.Enqueue(new Chunk(Stopwatch.GetTimestamp() + _oneWayTicks, to, data));
            if (_due.Count == 1)
            {
                Monitor.PulseAll(_due);
            }
        }
    }

    private void WaitUntilSent(Socket to)
    {
        lock (_due)
        {
            while (!_stopped && _due.Any(c => c.To == to))
            {
                Monitor.Wait(_due, 50);
            }
        }
    }

    private void SendLoop()
    {
        // How late a timed wait wakes, on average (in Stopwatch ticks).
        long lateness = 0;
        while (true)
        {
            Chunk chunk;
            lock (_due)
            {
                while (true)
                {
                    if (_stopped)
                    {
                        return;
                    }
                    if (_due.TryPeek(out chunk))
                    {
                        // Waits come in whole milliseconds and wake late by however busy the machine is: the wait is
                        // rounded to the nearest millisecond after taking off the lateness seen so far, so that chunks
                        // go out when due on average. (Measured with an echo server: the earlier Task.Delay relay, which
                        // truncates to whole milliseconds, gave a 10 ms round trip of 8.8-9.4 ms; rounding up, 10.7-11.2;
                        // this, 10.6 including the echo's own 0.2.)
                        var now = Stopwatch.GetTimestamp();
                        var wait = (int)Math.Round((chunk.Due - now - lateness) * 1000.0 / Stopwatch.Frequency);
                        if (wait <= 0)
                        {
                            _due.Dequeue();
                            break;
                        }
                        var asked = now + wait * Stopwatch.Frequency / 1000;
                        Monitor.Wait(_due, wait);
                        var woke = Stopwatch.GetTimestamp();
                        if (woke >= asked)
                        {
                            lateness += (woke - asked - lateness) / 8;
                        }
                    }
                    else
                    {
                        Monitor.Wait(_due);
                    }
                }
            }
            try
            {
                if (chunk.Data is null)
                {
                    chunk.To.Shutdown(SocketShutdown.Send);
                }
                else
                {
                    chunk.To.Send(chunk.Data, SocketFlags.None);
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
            }
        }
    }
}
