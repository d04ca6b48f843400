using MimeKit.IO.Filters;

namespace Esante.MsSante;

/// <summary>
/// The « mboxrd » quoting of a message written into an mbox file: a line matching <c>^&gt;*From </c> gets one more
/// <c>&gt;</c>, so no line of a message can be taken for the <c>From </c> line that starts the next one, and a reader can
/// undo the quoting exactly. Works on any block boundaries: a line start it cannot decide on yet is held back.
/// </summary>
internal sealed class MboxrdQuotingFilter : MimeFilterBase
{
    private static ReadOnlySpan<byte> From => "From "u8;

    private readonly List<byte> _held = [];
    private bool _atLineStart = true;
    private int _fromMatched;

    /// <summary>Whether the last byte let through was a line feed (or nothing was written yet).</summary>
    public bool EndsWithLineFeed { get; private set; } = true;

    protected override byte[] Filter(byte[] input, int startIndex, int length, out int outputIndex, out int outputLength, bool flush)
    {
        // Each line gains at most one byte, and a line that gains one is at least "From \n" long.
        EnsureOutputSize(_held.Count + length + (length / 6) + 2, false);
        var output = OutputBuffer;
        var written = 0;
        for (var i = startIndex; i < startIndex + length; i++)
        {
            var b = input[i];
            if (!_atLineStart)
            {
                output[written++] = b;
                _atLineStart = b == (byte)'\n';
                continue;
            }
            _held.Add(b);
            if (_fromMatched == 0 && b == (byte)'>')
            {
                continue;
            }
            if (b == From[_fromMatched])
            {
                if (++_fromMatched < From.Length)
                {
                    continue;
                }
                output[written++] = (byte)'>';
            }
            written = Release(output, written);
            _atLineStart = b == (byte)'\n';
        }
        if (flush)
        {
            written = Release(output, written);
        }
        if (written > 0)
        {
            EndsWithLineFeed = output[written - 1] == (byte)'\n';
        }
        outputIndex = 0;
        outputLength = written;
        return output;
    }

    public override void Reset()
    {
        _held.Clear();
        _atLineStart = true;
        _fromMatched = 0;
        EndsWithLineFeed = true;
        base.Reset();
    }

    private int Release(byte[] output, int written)
    {
        _held.CopyTo(output, written);
        written += _held.Count;
        _held.Clear();
        _fromMatched = 0;
        return written;
    }
}
