using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Esante.MsSante.Tests.Operators;

/// <summary>
/// A tiny DNS server on 127.0.0.1 and an ephemeral UDP port that answers SRV queries from a table (RFC 1035 wire format,
/// RFC 2782 records): a name in the table gets its records (none: an empty answer), any other name NXDOMAIN.
/// </summary>
internal sealed class FakeDnsServer : IDisposable
{
    private const ushort SrvType = 33;
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, (int Priority, int Weight, int Port, string Target)[]> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _queries = new();

    /// <param name="answers">False for a server that receives the queries and never answers.</param>
    public FakeDnsServer(bool answers = true)
    {
        _ = ServeAsync(answers);
    }

    /// <summary>The server as <see cref="Esante.MsSante.ImapOperatorOptions.NameServers"/> takes it.</summary>
    public string EndPoint => _udp.Client.LocalEndPoint!.ToString()!;

    /// <summary>The names asked so far, in order.</summary>
    public IReadOnlyCollection<string> Queries => _queries;

    /// <summary>Publishes SRV records under a name (no final dot); a target of "." says the service is not offered.</summary>
    public FakeDnsServer Srv(string name, params (int Priority, int Weight, int Port, string Target)[] records)
    {
        lock (_records)
        {
            _records[name] = records;
        }
        return this;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _stop.Dispose();
    }

    private async Task ServeAsync(bool answers)
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var (name, questionEnd) = ReadQuestion(request.Buffer);
            _queries.Enqueue(name);
            if (answers)
            {
                await _udp.SendAsync(Answer(request.Buffer, name, questionEnd), request.RemoteEndPoint);
            }
        }
    }

    /// <summary>The question's name and where the question (name, type, class) ends; EDNS records after it are ignored.</summary>
    private static (string Name, int End) ReadQuestion(byte[] query)
    {
        var labels = new List<string>();
        var offset = 12;
        while (query[offset] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(query, offset + 1, query[offset]));
            offset += query[offset] + 1;
        }
        return (string.Join('.', labels), offset + 1 + 4);
    }

    private byte[] Answer(byte[] query, string name, int questionEnd)
    {
        (int Priority, int Weight, int Port, string Target)[]? records;
        lock (_records)
        {
            _records.TryGetValue(name, out records);
        }
        var isSrv = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(questionEnd - 4)) == SrvType;
        var answers = isSrv ? records ?? [] : [];
        using var response = new MemoryStream();
        var header = new byte[12];
        query.AsSpan(0, 2).CopyTo(header);                                   // the query's id
        var recursionDesired = query[2] & 0x01;
        header[2] = (byte)(0x84 | recursionDesired);                         // QR, authoritative answer, RD echoed
        header[3] = (byte)(0x80 | (records is null ? 3 : 0));                // RA; NXDOMAIN for an unknown name
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);         // one question
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)answers.Length);
        response.Write(header);
        response.Write(query.AsSpan(12, questionEnd - 12));                 // the question, as asked
        foreach (var record in answers)
        {
            var target = EncodeName(record.Target);
            var fixedPart = new byte[2 + 2 + 2 + 4 + 2 + 6];
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart, 0xC00C);         // name: pointer to the question's
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(2), SrvType);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(4), 1);   // IN
            BinaryPrimitives.WriteUInt32BigEndian(fixedPart.AsSpan(6), 60);  // TTL
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(10), (ushort)(6 + target.Length));
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(12), (ushort)record.Priority);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(14), (ushort)record.Weight);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(16), (ushort)record.Port);
            response.Write(fixedPart);
            response.Write(target);
        }
        return response.ToArray();
    }

    private static byte[] EncodeName(string name)
    {
        using var bytes = new MemoryStream();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.WriteByte((byte)label.Length);
            bytes.Write(Encoding.ASCII.GetBytes(label));
        }
        bytes.WriteByte(0);
        return bytes.ToArray();
    }
}
