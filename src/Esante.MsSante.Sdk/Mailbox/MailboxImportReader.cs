using System.IO.Compression;

namespace Esante.MsSante;

/// <summary>
/// Reads back, one message at a time, what <see cref="MailboxExportWriter"/> writes. No message is held in memory beyond
/// the size limit: a larger one is read past and reported as <see cref="MailboxImportSkipReason.TooLarge"/>.
/// </summary>
internal abstract class MailboxImportReader : IDisposable
{
    /// <summary>Opens a reader and checks that the source starts like the format, before anything is stored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The format is unknown.</exception>
    /// <exception cref="ArgumentException">The format cannot be read from this stream.</exception>
    /// <exception cref="InvalidDataException">The stream is not in that format.</exception>
    public static async Task<MailboxImportReader> OpenAsync(MailboxExportFormat format, Stream source, long maxMessageBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (format == MailboxExportFormat.EmlZip && !source.CanSeek)
        {
            // ZipArchive would copy a stream it cannot seek into memory, whole: no limit would hold.
            throw new ArgumentException("A zip archive is imported from a stream that can seek (a file or memory stream): its directory is at its end.", nameof(source));
        }
        MailboxImportReader reader = format switch
        {
            MailboxExportFormat.Mbox => new Mbox(source, maxMessageBytes),
            MailboxExportFormat.EmlZip => new EmlZip(source, maxMessageBytes),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown import format."),
        };
        try
        {
            await reader.StartAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The next member of the archive, or null at its end.</summary>
    public abstract Task<ImportedMember?> NextAsync(CancellationToken cancellationToken);

    public abstract void Dispose();

    protected abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The date of a « From » line (after « From »: the sender, then C's asctime() in UTC, e.g. <c>Fri Nov  6 09:05:00
    /// 2026</c>, as RFC 4155 and our export write it), or null when it has none that reads so.
    /// </summary>
    internal static DateTimeOffset? SeparatorDate(IEnumerable<byte> line)
    {
        var words = System.Text.Encoding.ASCII.GetString([.. line]).Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        // The day's name is left out: it adds nothing, and a program that got it wrong still gave the date.
        return words.Length >= 6 && DateTime.TryParseExact(string.Join(' ', words[^4..]), "MMM d HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : null;
    }

    /// <summary>
    /// An mbox file as the export writes it (RFC 4155, « mboxrd »). A message starts at a <c>From </c> line at the start of
    /// the file or after an empty line; that empty line is the file's, not the message's. In the message, a line matching
    /// <c>^&gt;+From </c> loses one <c>&gt;</c>, which undoes <see cref="MboxrdQuotingFilter"/> exactly.
    /// </summary>
    /// <remarks>
    /// Not MimeKit's <c>MimeParser</c> in <c>MimeFormat.Mbox</c>: it leaves the quoting in the bodies, takes any
    /// <c>From </c> line for a separator even without the empty line before it, and holds a message whole whatever its
    /// size. Each message found here is then read by <c>MimeParser</c> as one entity.
    /// </remarks>
    private sealed class Mbox(Stream source, long maxMessageBytes) : MailboxImportReader
    {
        private static readonly byte[] Quotes = [.. Enumerable.Repeat((byte)'>', 64)];

        private static ReadOnlySpan<byte> From => "From "u8;

        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _offset;
        private int _count;
        private bool _endOfStream;

        // The line being read. At its start, '>' and the letters of "From " are held until it is known whether the line
        // is a separator, a quoted "From " line or any other line.
        private bool _atLineStart = true;
        private long _quotes;
        private int _fromMatched;
        private long _lineLength;
        private bool _lineStartsWithCr;

        /// <summary>The length of the empty line just read (1 or 2 with CR), 0 at the start of the file, -1 after any other line.</summary>
        private int _emptyLineBefore;

        private bool _inSeparator;

        // The « From » line's sender and date (its first bytes: enough for both), read when the line ends.
        private readonly List<byte> _separator = [];
        private DateTimeOffset? _arrivedAt;
        private bool _inMessage;
        private MemoryStream? _content;
        private int _position;

        protected override async Task StartAsync(CancellationToken cancellationToken)
        {
            while (_count < From.Length && !_endOfStream)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            if (_count > 0 && !_buffer.AsSpan(0, _count).StartsWith(From))
            {
                throw new InvalidDataException("The stream is not an mbox file: it does not start with a « From » line. Nothing was imported.");
            }
        }

        public override async Task<ImportedMember?> NextAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                if (_count == 0)
                {
                    if (!_endOfStream)
                    {
                        await FillAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (!_inMessage)
                    {
                        return null;
                    }
                    if (_atLineStart && (_quotes > 0 || _fromMatched > 0))
                    {
                        ReleaseLineStart();
                    }
                    if (_atLineStart && _emptyLineBefore > 0)
                    {
                        Truncate(_emptyLineBefore);
                    }
                    return Finish();
                }
                var unread = _buffer.AsSpan(_offset, _count);
                if (_inSeparator || !_atLineStart)
                {
                    var lineFeed = unread.IndexOf((byte)'\n');
                    var take = lineFeed < 0 ? unread.Length : lineFeed + 1;
                    if (!_inSeparator)
                    {
                        Write(unread[..take]);
                        _lineLength += lineFeed < 0 ? take : lineFeed;
                    }
                    else if (_separator.Count < 256)
                    {
                        _separator.AddRange(unread[..Math.Min(take, 256 - _separator.Count)]);
                    }
                    Consume(take);
                    if (lineFeed >= 0)
                    {
                        if (_inSeparator)
                        {
                            _arrivedAt = SeparatorDate(_separator);
                            _separator.Clear();
                        }
                        _emptyLineBefore = _inSeparator ? -1 : _lineLength == 0 ? 1 : _lineLength == 1 && _lineStartsWithCr ? 2 : -1;
                        _inSeparator = false;
                        StartLine();
                    }
                    continue;
                }
                var b = unread[0];
                if (_fromMatched == 0 && b == (byte)'>')
                {
                    _quotes++;
                    Consume(1);
                    continue;
                }
                if (b == From[_fromMatched])
                {
                    Consume(1);
                    if (++_fromMatched < From.Length)
                    {
                        continue;
                    }
                    if (_quotes == 0 && _emptyLineBefore >= 0)
                    {
                        var finished = _inMessage ? FinishBeforeSeparator() : null;
                        // The empty line before the separator was the previous message's end, now cut: none before the next.
                        _emptyLineBefore = -1;
                        _position++;
                        _inMessage = true;
                        _content = new MemoryStream();
                        _inSeparator = true;
                        StartLine();
                        if (finished is not null)
                        {
                            return finished;
                        }
                        continue;
                    }
                    _quotes = Math.Max(0, _quotes - 1);
                }
                // Not a separator: the line as it is, less one '>' if it was a quoted "From " line.
                _lineStartsWithCr = _quotes == 0 && _fromMatched == 0 && b == (byte)'\r';
                ReleaseLineStart();
            }
        }

        private ImportedMember FinishBeforeSeparator()
        {
            if (_emptyLineBefore > 0)
            {
                Truncate(_emptyLineBefore);
            }
            return Finish();
        }

        private ImportedMember Finish()
        {
            _inMessage = false;
            var content = _content;
            _content = null;
            if (content is null)
            {
                return new ImportedMember(_position, null, MailboxImportSkipReason.TooLarge);
            }
            content.Position = 0;
            return new ImportedMember(_position, content, null) { ArrivedAt = _arrivedAt };
        }


        /// <summary>Writes what the start of the line held back; the rest of the line follows as it is.</summary>
        private void ReleaseLineStart()
        {
            _lineLength = _quotes + _fromMatched;
            for (var left = _quotes; left > 0 && _content is not null; left -= Quotes.Length)
            {
                Write(Quotes.AsSpan(0, (int)Math.Min(left, Quotes.Length)));
            }
            Write(From[.._fromMatched]);
            _atLineStart = false;
        }

        private void StartLine()
        {
            _atLineStart = true;
            _quotes = 0;
            _fromMatched = 0;
            _lineLength = 0;
            _lineStartsWithCr = false;
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            if (_content is null || bytes.IsEmpty)
            {
                return;
            }
            if (_content.Length + bytes.Length > maxMessageBytes)
            {
                // Too large: let go of what was read and read past the rest.
                _content.Dispose();
                _content = null;
                return;
            }
            _content.Write(bytes);
        }

        private void Truncate(int length) => _content?.SetLength(_content.Length - length);

        private void Consume(int length)
        {
            _offset += length;
            _count -= length;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_offset > 0)
            {
                _buffer.AsSpan(_offset, _count).CopyTo(_buffer);
                _offset = 0;
            }
            var read = await source.ReadAsync(_buffer.AsMemory(_count), cancellationToken).ConfigureAwait(false);
            _count += read;
            _endOfStream = read == 0;
        }

        public override void Dispose() => _content?.Dispose();
    }

    /// <summary>A zip archive of <c>.eml</c> files, read in the archive's order; directories are passed over.</summary>
    private sealed class EmlZip(Stream source, long maxMessageBytes) : MailboxImportReader
    {
        private ZipArchive? _zip;
        private int _next;

        protected override async Task StartAsync(CancellationToken cancellationToken)
        {
            var start = source.Position;
            var signature = new byte[4];
            var read = await source.ReadAtLeastAsync(signature, signature.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            source.Position = start;
            // A local file header, or the end of an empty archive.
            if (read < signature.Length || !(signature.AsSpan().SequenceEqual("PK\x03\x04"u8) || signature.AsSpan().SequenceEqual("PK\x05\x06"u8)))
            {
                throw new InvalidDataException("The stream is not a zip archive. Nothing was imported.");
            }
            try
            {
                _zip = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
                _ = _zip.Entries;
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException("The zip archive is damaged or truncated: its directory cannot be read. Nothing was imported.", e);
            }
        }

        public override async Task<ImportedMember?> NextAsync(CancellationToken cancellationToken)
        {
            var entries = _zip!.Entries;
            while (_next < entries.Count)
            {
                var entry = entries[_next++];
                var position = _next;
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }
                if (!entry.FullName.EndsWith(".eml", StringComparison.OrdinalIgnoreCase))
                {
                    return new ImportedMember(position, null, MailboxImportSkipReason.NotAMessageFile);
                }
                if (entry.Length > maxMessageBytes)
                {
                    return new ImportedMember(position, null, MailboxImportSkipReason.TooLarge);
                }
                try
                {
                    var content = new MemoryStream();
                    var entryStream = entry.Open();
                    await using (entryStream.ConfigureAwait(false))
                    {
                        // The declared length may lie (a zip bomb): count what comes out.
                        if (!await CopyAtMostAsync(entryStream, content, maxMessageBytes, cancellationToken).ConfigureAwait(false))
                        {
                            await content.DisposeAsync().ConfigureAwait(false);
                            return new ImportedMember(position, null, MailboxImportSkipReason.TooLarge);
                        }
                    }
                    content.Position = 0;
                    // The zip keeps each entry's time (our export: when the message arrived), to 2 s; none before 1981.
                    return new ImportedMember(position, content, null) { ArrivedAt = entry.LastWriteTime.Year > 1980 ? entry.LastWriteTime : null };
                }
                catch (InvalidDataException)
                {
                    return new ImportedMember(position, null, MailboxImportSkipReason.Damaged);
                }
            }
            return null;
        }

        public override void Dispose() => _zip?.Dispose();

        /// <summary>Copies the whole source, or returns false as soon as it has more than <paramref name="limit"/> bytes.</summary>
        private static async Task<bool> CopyAtMostAsync(Stream source, MemoryStream destination, long limit, CancellationToken cancellationToken)
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (destination.Length + read > limit)
                {
                    return false;
                }
                destination.Write(buffer, 0, read);
            }
            return true;
        }
    }
}

/// <summary>One member of an imported archive: its message's bytes, or why it is skipped.</summary>
/// <param name="Position">Where it is in the archive, from 1.</param>
/// <param name="Content">The message's bytes, when it is not skipped.</param>
/// <param name="Skip">Why it is skipped, when it is.</param>
internal sealed record ImportedMember(int Position, MemoryStream? Content, MailboxImportSkipReason? Skip) : IDisposable
{
    /// <summary>When the archive says the message arrived, if it says so.</summary>
    public DateTimeOffset? ArrivedAt { get; init; }

    public void Dispose() => Content?.Dispose();
}
