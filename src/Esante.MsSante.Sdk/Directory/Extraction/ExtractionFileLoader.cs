using System.Globalization;
using System.Text.RegularExpressions;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Threading.Channels;
using System.Text.Unicode;

namespace Esante.MsSante.Directory;

/// <summary>
/// Reads the national file « Extraction Correspondance MSSanté » (the <c>.txt</c>, or the <c>.zip</c> holding it) as a stream:
/// one pass, each line decoded strictly as UTF-8, values interned. Lines are decoded, split and checked on one thread while
/// another interns the values of the previous batch. A bad row is rejected and reported with its line number;
/// it never stops the loading.
/// </summary>
public static partial class ExtractionFileLoader
{
    private const int ZipSignature = 0x04034B50; // "PK\x03\x04", little-endian

    /// <summary>The longest line read: 1 MiB, thousands of times a row of the national file.</summary>
    internal const int MaxLineBytes = 1 << 20;

    /// <summary>Loads a file from a path: a zip when it starts with the zip signature, the text file otherwise.</summary>
    /// <param name="path">The <c>.txt</c> or <c>.zip</c> file.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <param name="progress">Receives the counts every <see cref="ExtractionLoadOptions.ProgressInterval"/> rows and at the end.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The rows kept and the report.</returns>
    /// <exception cref="InvalidDataException">The file is empty, is not an extraction (wrong header, a line longer than 1 MiB), or is a damaged or truncated zip.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<ExtractionLoadResult> LoadAsync(string path, ExtractionLoadOptions? options = null,
        IProgress<ExtractionLoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            var loaded = await ReadAsync(file, options, progress, hashContent: true, cancellationToken).ConfigureAwait(false);
            loaded.Report.ExtractedAt ??= ExtractionDate(path);
            return loaded;
        }
    }

    /// <summary>The date in a name like <c>Extraction_Correspondance_MSSante_202612070315.txt</c> (Paris time), or null.</summary>
    internal static DateTimeOffset? ExtractionDate(string name)
    {
        var match = ExtractionName().Match(Path.GetFileName(name));
        if (!match.Success || !DateTime.TryParseExact(match.Groups[1].Value, "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }
        var paris = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Paris", out var zone) ? zone.GetUtcOffset(local) : TimeSpan.FromHours(1);
        return new DateTimeOffset(local, paris);
    }

    [GeneratedRegex(@"_(\d{12})\.txt$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExtractionName();

    /// <summary>Loads a file from a stream: a zip when it starts with the zip signature, the text file otherwise.</summary>
    /// <param name="stream">The content; read to its end, left open.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <param name="progress">Receives the counts every <see cref="ExtractionLoadOptions.ProgressInterval"/> rows and at the end.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The rows kept and the report.</returns>
    /// <exception cref="InvalidDataException">The file is empty, is not an extraction (wrong header, a line longer than 1 MiB), or is a damaged or truncated zip.</exception>
    public static Task<ExtractionLoadResult> ReadAsync(Stream stream, ExtractionLoadOptions? options = null,
        IProgress<ExtractionLoadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, options, progress, hashContent: false, cancellationToken);

    /// <summary>Loads a file from a stream, hashing its bytes when <paramref name="hashContent"/> and it is text.</summary>
    /// <param name="stream">The content, read from its start.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <param name="progress">Receives the counts.</param>
    /// <param name="hashContent">Whether to hash a text file's bytes as they are read (<see cref="ExtractionLoadResult.ContentHash"/>).</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    private static async Task<ExtractionLoadResult> ReadAsync(Stream stream, ExtractionLoadOptions? options,
        IProgress<ExtractionLoadProgress>? progress, bool hashContent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new ExtractionLoadOptions();
        var head = new byte[4];
        var headLength = 0;
        while (headLength < head.Length)
        {
            var n = await stream.ReadAsync(head.AsMemory(headLength), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            headLength += n;
        }
        if (headLength == 4 && BinaryPrimitives.ReadInt32LittleEndian(head) == ZipSignature)
        {
            return await LoadZipAsync(stream, head, options, progress, cancellationToken).ConfigureAwait(false);
        }
        var reader = new Reader(options, progress, stream.CanSeek ? stream.Length - stream.Position + headLength : 0, hashContent);
        return await reader.ReadAsync(stream, head.AsMemory(0, headLength), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ExtractionLoadResult> LoadZipAsync(Stream stream, byte[] head, ExtractionLoadOptions options,
        IProgress<ExtractionLoadProgress>? progress, CancellationToken cancellationToken)
    {
        Stream seekable;
        if (stream.CanSeek)
        {
            stream.Seek(-head.Length, SeekOrigin.Current);
            seekable = stream;
        }
        else
        {
            var copy = new MemoryStream();
            copy.Write(head);
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            seekable = copy;
        }
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException("The zip archive is damaged or truncated: its table of contents cannot be read, so it holds no readable extraction file.", e);
        }
        using (archive)
        {
            ZipArchiveEntry? text = null;
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
                {
                    text = entry;
                    break;
                }
            }
            if (text is null)
            {
                throw new InvalidDataException("The zip archive holds no .txt file: it is not an « Extraction Correspondance MSSanté » archive.");
            }
            var content = text.Open();
            await using (content.ConfigureAwait(false))
            {
                try
                {
                    var loaded = await new Reader(options, progress, text.Length, hashContent: false).ReadAsync(content, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    loaded.Report.ExtractedAt = ExtractionDate(text.FullName);
                    return loaded;
                }
                catch (InvalidDataException e) when (!e.Data.Contains(FormatErrorMarker))
                {
                    throw new InvalidDataException($"The zip archive is damaged or truncated: '{text.FullName}' cannot be read to its end.", e);
                }
            }
        }
    }

    /// <summary>Marks the errors that say the content is not an extraction (empty, wrong header), kept apart from damaged-zip errors.</summary>
    private const string FormatErrorMarker = "Esante.MsSante.ExtractionFormat";

    private static InvalidDataException FormatError(string message)
    {
        var error = new InvalidDataException(message);
        error.Data[FormatErrorMarker] = true;
        return error;
    }

    /// <summary>What the parsing stage decided for a row; the interning stage follows it in file order.</summary>
    private enum RowVerdict : byte
    {
        /// <summary>Interned and kept.</summary>
        Keep,

        /// <summary>Interned (its values join the pool, as they always did), then rejected.</summary>
        InternThenReject,

        /// <summary>Rejected before its columns were split (bad UTF-8: no progress report; wrong column count).</summary>
        RejectUtf8,
        RejectColumns,
    }

    /// <summary>
    /// Rows decoded and split by the parsing stage: their characters, and for each column its range and hash, so the interning
    /// stage only looks values up. Batches are recycled.
    /// </summary>
    private sealed class Batch
    {
        public const int MaxRows = 2048;
        public const int MaxChars = 1 << 19;

        /// <summary>A batch of at most <paramref name="rows"/> rows and about <paramref name="chars"/> characters.</summary>
        public Batch(int rows, int chars)
        {
            Chars = new char[chars];
            Starts = new int[ExtractionColumns.Count * rows];
            Lengths = new int[ExtractionColumns.Count * rows];
            Hashes = new int[ExtractionColumns.Count * rows];
            Lines = new long[rows];
            Verdicts = new RowVerdict[rows];
            Reasons = new string?[rows];
        }

        public char[] Chars;
        public int CharCount;
        public int[] Starts;
        public int[] Lengths;
        public int[] Hashes;
        public long[] Lines;
        public RowVerdict[] Verdicts;
        public string?[] Reasons;
        public int RowCount;

        public bool IsFull => RowCount == Lines.Length || CharCount > Chars.Length - 4096;

        public void Clear()
        {
            CharCount = 0;
            Array.Clear(Reasons, 0, RowCount);
            RowCount = 0;
        }
    }

    private sealed class Reader
    {
        private const int BatchesInFlight = 4;

        private readonly ExtractionLoadOptions _options;
        private readonly IProgress<ExtractionLoadProgress>? _progress;
        private readonly StringPool _pool;
        private readonly List<ExtractionRowProblem> _problems = [];
        private readonly int[] _fieldIds = new int[ExtractionColumns.Count];
        private int[] _cells;
        private readonly int _batchRows;
        private readonly int _batchChars;
        private int _rowCount;
        private long _lineNumber; // written by the parsing stage, read once it is over
        private long _rowsRead;
        private long _rejected;
        private readonly bool _hashContent;
        private SnapshotHash _content = new(); // a mutable struct: appended to in place, never copied

        public Reader(ExtractionLoadOptions options, IProgress<ExtractionLoadProgress>? progress, long sizeHint, bool hashContent)
        {
            _options = options;
            _hashContent = hashContent;
            _progress = progress;
            // Pre-sized from the file's length (about 226 bytes and 3 new values per row in the national file, whose
            // distinct values hold a quarter of its bytes as characters), so the cells and the pool rarely grow; bounded so
            // a wrong hint costs little.
            // A small file (a test's, an update's) gets small batches and tables, which grow if the hint was wrong: a few MB
            // allocated and cleared for a file of a few KB made its loading cost milliseconds. Without a hint (a stream that
            // cannot seek), the sizes for a large file.
            var known = sizeHint > 0;
            var rows = (int)Math.Clamp(sizeHint / 200, known ? 64 : 1024, 4_000_000);
            _cells = LargeArrays.Zeroed<int>(rows * ExtractionColumns.Count);
            _pool = new StringPool((int)Math.Clamp(sizeHint / 64, known ? 1 << 10 : 1 << 16, 1 << 23),
                (int)Math.Clamp(sizeHint * 2 / 7, known ? 1 << 12 : 1 << 20, 1 << 28));
            _batchRows = known ? (int)Math.Clamp(sizeHint / 100, 64, Batch.MaxRows) : Batch.MaxRows;
            _batchChars = known ? (int)Math.Clamp(sizeHint * 2, 16 * 1024, Batch.MaxChars) : Batch.MaxChars;
        }

        public async Task<ExtractionLoadResult> ReadAsync(Stream stream, ReadOnlyMemory<byte> prefix, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var full = Channel.CreateBounded<Batch>(new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
            var free = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var parser = Task.Run(() => ParseAsync(stream, prefix, full.Writer, free.Reader, stop.Token), CancellationToken.None);
            try
            {
                while (await full.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    while (full.Reader.TryRead(out var batch))
                    {
                        Consume(batch);
                        batch.Clear();
                        free.Writer.TryWrite(batch);
                    }
                }
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await parser.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The consumer's own failure is the one to report.
                }
                throw;
            }
            // The parsing stage's failure (I/O, damaged zip, not an extraction, cancellation) surfaces here, unchanged.
            await parser.ConfigureAwait(false);
            // The recycled batches (a few MB each) are dropped now rather than whenever the pipeline's last reference goes.
            while (free.Reader.TryRead(out _))
            {
            }
            if (_lineNumber == 0)
            {
                throw FormatError("The file is empty: an « Extraction Correspondance MSSanté » file starts with a header row of 31 columns.");
            }
            _progress?.Report(new ExtractionLoadProgress(_rowsRead, _rowCount, _rejected));
            return new ExtractionLoadResult(TakeRows(), new ExtractionLoadReport(_rowsRead, _rowCount, _problems, _rejected))
            {
                ContentHash = _hashContent ? _content.Finish() : null,
            };
        }

        /// <summary>
        /// The rows, their cells packed; the loader's cells and pool are let go. In a method of its own so that no slot of
        /// <see cref="ReadAsync"/>'s frame, where the caller's continuations may run on, keeps the unpacked cells alive.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private ExtractionRowSet TakeRows()
        {
            var cells = _cells;
            _cells = [];
            return new ExtractionRowSet(_pool.TakeBlock(), cells, _rowCount, _options.TrustedDomains);
        }

        /// <summary>The parsing stage: reads the bytes, cuts lines, decodes, splits, hashes and checks each row.</summary>
        private async Task ParseAsync(Stream stream, ReadOnlyMemory<byte> prefix, ChannelWriter<Batch> full, ChannelReader<Batch> free,
            CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(MaxLineBytes);
            var created = 0;
            var parser = new LineParser(_options);
            try
            {
                Batch Next()
                {
                    if (free.TryRead(out var recycled))
                    {
                        return recycled;
                    }
                    created++;
                    return new Batch(_batchRows, _batchChars);
                }
                var batch = Next();
                async ValueTask<Batch> Flush(Batch current)
                {
                    await full.WriteAsync(current, cancellationToken).ConfigureAwait(false);
                    if (created >= BatchesInFlight + 2)
                    {
                        // Enough batches exist: wait for one to come back rather than allocating more.
                        return await free.ReadAsync(cancellationToken).ConfigureAwait(false);
                    }
                    return Next();
                }
                prefix.Span.CopyTo(buffer);
                if (_hashContent)
                {
                    _content.Append(prefix.Span);
                }
                var start = 0;
                var end = prefix.Length;
                var eof = false;
                while (true)
                {
                    var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        if (eof)
                        {
                            if (start < end)
                            {
                                parser.Line(buffer.AsSpan(start, end - start), batch);
                            }
                            break;
                        }
                        if (start > 0)
                        {
                            buffer.AsSpan(start, end - start).CopyTo(buffer);
                            end -= start;
                            start = 0;
                        }
                        if (end >= MaxLineBytes)
                        {
                            // A row of the national file is a few hundred bytes. Growing the buffer for a line without end
                            // would let a file (or a zip of a few hundred KB that expands to GBs) take all the memory.
                            throw FormatError($"A line is longer than {MaxLineBytes / (1024 * 1024)} MiB: this is not an « Extraction Correspondance MSSanté » file.");
                        }
                        cancellationToken.ThrowIfCancellationRequested();
                        if (batch.RowCount > 0)
                        {
                            // Hand over what this buffer held before waiting for the next read.
                            batch = await Flush(batch).ConfigureAwait(false);
                        }
                        var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            eof = true;
                        }
                        else if (_hashContent)
                        {
                            // Hashed as read, while still in the cache: the bytes the rows come from.
                            _content.Append(buffer.AsSpan(end, read));
                        }
                        end += read;
                        continue;
                    }
                    parser.Line(buffer.AsSpan(start, newline), batch);
                    start += newline + 1;
                    if (batch.IsFull)
                    {
                        batch = await Flush(batch).ConfigureAwait(false);
                    }
                }
                if (batch.RowCount > 0)
                {
                    await full.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _lineNumber = parser.LineNumber;
                ArrayPool<byte>.Shared.Return(buffer);
                full.TryComplete();
            }
        }

        /// <summary>The interning stage: values looked up with the hashes already computed, rows kept or rejected in file order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Consume(Batch batch)
        {
            var chars = batch.Chars;
            for (var r = 0; r < batch.RowCount; r++)
            {
                _rowsRead++;
                var verdict = batch.Verdicts[r];
                if (verdict == RowVerdict.RejectUtf8)
                {
                    Reject(batch.Lines[r], batch.Reasons[r]!);
                    continue;
                }
                if (verdict == RowVerdict.RejectColumns)
                {
                    Reject(batch.Lines[r], batch.Reasons[r]!);
                }
                else
                {
                    var at = r * ExtractionColumns.Count;
                    var next = r + 1 < batch.RowCount ? at + ExtractionColumns.Count : -1;
                    for (var column = 0; column < ExtractionColumns.Count; column++)
                    {
                        if (next >= 0 && batch.Lengths[next + column] != 0)
                        {
                            _pool.Prefetch(batch.Hashes[next + column]);
                        }
                        var length = batch.Lengths[at + column];
                        _fieldIds[column] = length == 0 ? 0 : _pool.Intern(chars.AsSpan(batch.Starts[at + column], length), batch.Hashes[at + column]);
                    }
                    if (verdict == RowVerdict.Keep)
                    {
                        var cell = _rowCount * ExtractionColumns.Count;
                        if (cell + ExtractionColumns.Count > _cells.Length)
                        {
                            Array.Resize(ref _cells, _cells.Length * 2);
                        }
                        _fieldIds.CopyTo(_cells, cell);
                        _rowCount++;
                    }
                    else
                    {
                        Reject(batch.Lines[r], batch.Reasons[r]!);
                    }
                }
                if (_progress is not null && _rowsRead % _options.ProgressInterval == 0)
                {
                    _progress.Report(new ExtractionLoadProgress(_rowsRead, _rowCount, _rejected));
                }
            }
        }

        private void Reject(long line, string reason)
        {
            _rejected++;
            if (_problems.Count < _options.MaxReportedProblems)
            {
                _problems.Add(new ExtractionRowProblem(line, reason));
            }
        }
    }

    /// <summary>The parsing stage's per-line work: decode, split, trim, hash, check the type and the address.</summary>
    private sealed class LineParser(ExtractionLoadOptions options)
    {
        public long LineNumber;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Line(ReadOnlySpan<byte> bytes, Batch batch)
        {
            LineNumber++;
            if (!bytes.IsEmpty && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }
            if (LineNumber == 1)
            {
                Header(bytes);
                return;
            }
            if (bytes.IsEmpty)
            {
                return;
            }
            var r = batch.RowCount;
            batch.Lines[r] = LineNumber;
            if (batch.Chars.Length - batch.CharCount < bytes.Length)
            {
                Array.Resize(ref batch.Chars, Math.Max(batch.Chars.Length * 2, batch.CharCount + bytes.Length));
            }
            var status = Utf8.ToUtf16(bytes, batch.Chars.AsSpan(batch.CharCount), out var consumed, out var written, replaceInvalidSequences: false);
            batch.RowCount++;
            if (status != OperationStatus.Done)
            {
                batch.Verdicts[r] = RowVerdict.RejectUtf8;
                batch.Reasons[r] = $"The row is not valid UTF-8 (byte {consumed + 1} of the line).";
                return;
            }
            var lineStart = batch.CharCount;
            var line = batch.Chars.AsSpan(lineStart, written);
            batch.CharCount += written;
            var separators = line.Count(ExtractionColumns.Separator);
            if (separators != ExtractionColumns.Count - 1)
            {
                batch.Verdicts[r] = RowVerdict.RejectColumns;
                batch.Reasons[r] = $"The row has {separators + 1} columns; 31 are expected.";
                return;
            }
            var at = r * ExtractionColumns.Count;
            var offset = 0;
            for (var column = 0; column < ExtractionColumns.Count; column++)
            {
                var cut = column < ExtractionColumns.Count - 1 ? line[offset..].IndexOf(ExtractionColumns.Separator) : line.Length - offset;
                var field = line.Slice(offset, cut);
                var trimmed = field.Trim();
                // Where the trimmed value starts inside the field: Trim only drops characters from both ends.
                var lead = trimmed.IsEmpty ? 0 : field.Length - field.TrimStart().Length;
                batch.Starts[at + column] = lineStart + offset + lead;
                batch.Lengths[at + column] = trimmed.Length;
                batch.Hashes[at + column] = trimmed.IsEmpty ? 0 : string.GetHashCode(trimmed);
                offset += cut + 1;
            }
            var chars = batch.Chars;
            var type = chars.AsSpan(batch.Starts[at + ExtractionColumns.MailboxType], batch.Lengths[at + ExtractionColumns.MailboxType]);
            if (!(type.SequenceEqual("PER") || type.SequenceEqual("ORG") || type.SequenceEqual("APP") || type.SequenceEqual("CAB")))
            {
                batch.Verdicts[r] = RowVerdict.InternThenReject;
                batch.Reasons[r] = "The mailbox type (« Type de BAL ») is not PER, ORG, APP or CAB.";
                return;
            }
            var addressChars = chars.AsSpan(batch.Starts[at + ExtractionColumns.Address], batch.Lengths[at + ExtractionColumns.Address]);
            if (MssanteAddress.IsProfessionalInNormalForm(addressChars, options.TrustedDomains))
            {
                batch.Verdicts[r] = RowVerdict.Keep; // the usual row: nothing allocated
                return;
            }
            var address = new string(addressChars);
            if (!MssanteAddress.TryParse(address, options.TrustedDomains, out var parsed, out var error))
            {
                batch.Verdicts[r] = RowVerdict.InternThenReject;
                batch.Reasons[r] = "The address (« Adresse BAL ») is not a valid MSSanté address: " + error;
                return;
            }
            if (parsed.IsPatient)
            {
                batch.Verdicts[r] = RowVerdict.InternThenReject;
                batch.Reasons[r] = "The address (« Adresse BAL ») is a patient's address, which has no place in the professionals' directory.";
                return;
            }
            batch.Verdicts[r] = RowVerdict.Keep;
        }

        private static void Header(ReadOnlySpan<byte> bytes)
        {
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                bytes = bytes[3..];
            }
            var chars = new char[bytes.Length];
            if (Utf8.ToUtf16(bytes, chars, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                throw FormatError("This is not an « Extraction Correspondance MSSanté » file: its first line is not UTF-8 text.");
            }
            var names = new string(chars, 0, written).Split(ExtractionColumns.Separator);
            if (names.Length != ExtractionColumns.Count)
            {
                throw FormatError(
                    $"This is not an « Extraction Correspondance MSSanté » file: its header has {names.Length} columns separated by '|', where 31 are expected, starting with 'Type de BAL|Adresse BAL'.");
            }
            for (var i = 0; i < names.Length; i++)
            {
                if (!string.Equals(names[i].Trim(), ExtractionColumns.Names[i], StringComparison.OrdinalIgnoreCase))
                {
                    throw FormatError(
                        $"This is not an « Extraction Correspondance MSSanté » file: header column {i + 1} is '{Shorten(names[i])}' where '{ExtractionColumns.Names[i]}' is expected.");
                }
            }
        }

        private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
    }
}
