using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Unicode;
using Esante.MsSante.Addressing;

namespace Esante.MsSante.Directory.Extraction;

/// <summary>
/// Reads the national file « Extraction Correspondance MSSanté » (the <c>.txt</c>, or the <c>.zip</c> holding it) as a stream:
/// one pass, each line decoded strictly as UTF-8, values interned. A bad row is rejected and reported with its line number;
/// it never stops the loading.
/// </summary>
public static class ExtractionFileLoader
{
    private const int ZipSignature = 0x04034B50; // "PK\x03\x04", little-endian

    /// <summary>Loads a file from a path: a zip when it starts with the zip signature, the text file otherwise.</summary>
    /// <param name="path">The <c>.txt</c> or <c>.zip</c> file.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <param name="progress">Receives the counts every <see cref="ExtractionLoadOptions.ProgressInterval"/> rows and at the end.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The rows kept and the report.</returns>
    /// <exception cref="InvalidDataException">The file is empty, is not an extraction (wrong header), or is a damaged or truncated zip.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<ExtractionLoadResult> LoadAsync(string path, ExtractionLoadOptions? options = null,
        IProgress<ExtractionLoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            return await LoadAsync(file, options, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Loads a file from a stream: a zip when it starts with the zip signature, the text file otherwise.</summary>
    /// <param name="stream">The content; read to its end, left open.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <param name="progress">Receives the counts every <see cref="ExtractionLoadOptions.ProgressInterval"/> rows and at the end.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The rows kept and the report.</returns>
    /// <exception cref="InvalidDataException">The file is empty, is not an extraction (wrong header), or is a damaged or truncated zip.</exception>
    public static async Task<ExtractionLoadResult> LoadAsync(Stream stream, ExtractionLoadOptions? options = null,
        IProgress<ExtractionLoadProgress>? progress = null, CancellationToken cancellationToken = default)
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
        var reader = new Reader(options, progress);
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
                    return await new Reader(options, progress).ReadAsync(content, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
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

    private sealed class Reader(ExtractionLoadOptions options, IProgress<ExtractionLoadProgress>? progress)
    {
        private readonly StringPool _pool = new(1 << 20);
        private readonly List<ExtractionRowProblem> _problems = [];
        private readonly int[] _fieldIds = new int[ExtractionColumns.Count];
        private int[] _cells = new int[ExtractionColumns.Count * 1024];
        private int _rowCount;
        private long _lineNumber;
        private long _rowsRead;
        private long _rejected;
        private char[] _chars = new char[4096];

        public async Task<ExtractionLoadResult> ReadAsync(Stream stream, ReadOnlyMemory<byte> prefix, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                prefix.Span.CopyTo(buffer);
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
                                Line(buffer.AsSpan(start, end - start));
                            }
                            break;
                        }
                        if (start > 0)
                        {
                            buffer.AsSpan(start, end - start).CopyTo(buffer);
                            end -= start;
                            start = 0;
                        }
                        if (end == buffer.Length)
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, end).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                        cancellationToken.ThrowIfCancellationRequested();
                        var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            eof = true;
                        }
                        end += read;
                        continue;
                    }
                    Line(buffer.AsSpan(start, newline));
                    start += newline + 1;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            if (_lineNumber == 0)
            {
                throw FormatError("The file is empty: an « Extraction Correspondance MSSanté » file starts with a header row of 31 columns.");
            }
            progress?.Report(new ExtractionLoadProgress(_rowsRead, _rowCount, _rejected));
            var cells = _cells.AsSpan(0, _rowCount * ExtractionColumns.Count).ToArray();
            _cells = [];
            var rows = new ExtractionRowSet(_pool.ToArray(), cells, _rowCount, options.TrustedDomains);
            return new ExtractionLoadResult(rows, new ExtractionLoadReport(_rowsRead, _rowCount, _problems, _rejected));
        }

        private void Line(ReadOnlySpan<byte> bytes)
        {
            _lineNumber++;
            if (!bytes.IsEmpty && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }
            if (_lineNumber == 1)
            {
                Header(bytes);
                return;
            }
            if (bytes.IsEmpty)
            {
                return;
            }
            _rowsRead++;
            if (_chars.Length < bytes.Length)
            {
                _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
            }
            var status = Utf8.ToUtf16(bytes, _chars, out var consumed, out var written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                Reject($"The row is not valid UTF-8 (byte {consumed + 1} of the line).");
                return;
            }
            Row(_chars.AsSpan(0, written));
            if (progress is not null && _rowsRead % options.ProgressInterval == 0)
            {
                progress.Report(new ExtractionLoadProgress(_rowsRead, _rowCount, _rejected));
            }
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

        private void Row(ReadOnlySpan<char> line)
        {
            var separators = line.Count(ExtractionColumns.Separator);
            if (separators != ExtractionColumns.Count - 1)
            {
                Reject($"The row has {separators + 1} columns; 31 are expected.");
                return;
            }
            var rest = line;
            for (var column = 0; column < ExtractionColumns.Count - 1; column++)
            {
                var cut = rest.IndexOf(ExtractionColumns.Separator);
                _fieldIds[column] = _pool.Intern(rest[..cut].Trim());
                rest = rest[(cut + 1)..];
            }
            _fieldIds[ExtractionColumns.Count - 1] = _pool.Intern(rest.Trim());
            var type = _pool[_fieldIds[ExtractionColumns.MailboxType]];
            if (type is not ("PER" or "ORG" or "APP" or "CAB"))
            {
                Reject("The mailbox type (« Type de BAL ») is not PER, ORG, APP or CAB.");
                return;
            }
            var address = _pool[_fieldIds[ExtractionColumns.Address]];
            if (!MssanteAddress.TryParse(address, options.TrustedDomains, out var parsed, out var error))
            {
                Reject("The address (« Adresse BAL ») is not a valid MSSanté address: " + error);
                return;
            }
            if (parsed.IsPatient)
            {
                Reject("The address (« Adresse BAL ») is a patient's address, which has no place in the professionals' directory.");
                return;
            }
            var at = _rowCount * ExtractionColumns.Count;
            if (at + ExtractionColumns.Count > _cells.Length)
            {
                Array.Resize(ref _cells, _cells.Length * 2);
            }
            _fieldIds.CopyTo(_cells, at);
            _rowCount++;
        }

        private void Reject(string reason)
        {
            _rejected++;
            if (_problems.Count < options.MaxReportedProblems)
            {
                _problems.Add(new ExtractionRowProblem(_lineNumber, reason));
            }
        }

        private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
    }
}
