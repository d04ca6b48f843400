using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Esante.MsSante.Directory;

public sealed partial class ExtractionDirectoryIndex
{
    /// <summary>« ESMSIDX » and a line feed: the first bytes of a snapshot.</summary>
    private static ReadOnlySpan<byte> SnapshotMagic => "ESMSIDX\n"u8;

    /// <summary>The snapshot format's version; a snapshot of another version is refused (and rewritten by the fallback path).</summary>
    internal const int SnapshotVersion = 2;

    private const int SnapshotHeaderSize = 128;

    /// <summary>The extraction file the index was loaded from, as it was when the loading started; null when built from rows or a stream.</summary>
    private ExtractionStamp? _source;

    /// <summary>Whether this index was read from a snapshot rather than built from the extraction.</summary>
    public bool IsFromSnapshot { get; private init; }

    /// <summary>The snapshot path used when none is given: the extraction's path followed by <c>.index</c>.</summary>
    /// <param name="extractionPath">The extraction file.</param>
    public static string DefaultSnapshotPath(string extractionPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(extractionPath);
        return extractionPath + ".index";
    }

    /// <summary>
    /// Loads the index from its snapshot when the snapshot is fresh, else loads the extraction and (by default) writes the
    /// snapshot for the next start. A stale, damaged or unreadable snapshot is logged (warning) and replaced; a snapshot that
    /// cannot be written is logged and the index is returned all the same.
    /// </summary>
    /// <param name="path">The extraction file (<c>.txt</c> or <c>.zip</c>).</param>
    /// <param name="snapshot">Where the snapshot is and whether to write it.</param>
    /// <param name="options">Index options, or null for the defaults.</param>
    /// <param name="loadOptions">Loading options, or null for the defaults.</param>
    /// <param name="progress">Receives the loading's counts when the extraction itself is loaded.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The index; <see cref="IsFromSnapshot"/> says where it came from.</returns>
    /// <exception cref="InvalidDataException">The extraction is empty, is not an extraction, or is a damaged zip.</exception>
    /// <exception cref="FileNotFoundException">The extraction file does not exist.</exception>
    public static async Task<ExtractionDirectoryIndex> LoadWithSnapshotAsync(string path, ExtractionSnapshotOptions snapshot, ExtractionIndexOptions? options = null,
        ExtractionLoadOptions? loadOptions = null, IProgress<ExtractionLoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(snapshot);
        var snapshotPath = snapshot.Path ?? DefaultSnapshotPath(path);
        try
        {
            return LoadSnapshot(path, snapshotPath, options, loadOptions, cancellationToken);
        }
        catch (ExtractionSnapshotException e)
        {
            if (e.Problem != ExtractionSnapshotProblem.Missing && snapshot.Logger is { } logger)
            {
                Diagnostics.Log.DirectorySnapshotRefused(logger, snapshotPath, e.Problem, e.Message);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A snapshot that cannot be read (permissions, a disk error) is no reason not to start.
            if (snapshot.Logger is { } logger)
            {
                Diagnostics.Log.DirectorySnapshotRefused(logger, snapshotPath, ExtractionSnapshotProblem.Damaged, e.Message);
            }
        }
        var index = await LoadAsync(path, options, loadOptions, progress, cancellationToken).ConfigureAwait(false);
        if (snapshot.Write)
        {
            try
            {
                index.WriteSnapshot(snapshotPath, cancellationToken);
                if (snapshot.Logger is { } logger)
                {
                    Diagnostics.Log.DirectorySnapshotWritten(logger, snapshotPath, index.Count);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ExtractionSnapshotException)
            {
                if (snapshot.Logger is { } logger)
                {
                    Diagnostics.Log.DirectorySnapshotNotWritten(logger, snapshotPath, e.GetType().Name, e.Message);
                }
            }
        }
        return index;
    }

    /// <summary>
    /// Writes the index to a snapshot file, tied to the extraction it was loaded from by the extraction's size, last write
    /// time and XXH64 hash of its whole content, so that <see cref="LoadSnapshot"/> gives a ready index in a fraction of the
    /// loading's time. The hash is of the bytes the index was built from, taken as a text extraction was read (a zip's is
    /// taken now, its size and date unchanged): a file rewritten since with the same size and date does not get this
    /// index's snapshot. Written to a temporary file first, then moved in place: a reader never sees half a snapshot.
    /// </summary>
    /// <param name="snapshotPath">The snapshot file; null for <see cref="DefaultSnapshotPath(string)"/> of the extraction.</param>
    /// <param name="cancellationToken">Cancels the writing (the temporary file is deleted).</param>
    /// <exception cref="InvalidOperationException">The index was not loaded from an extraction file (built from rows or a stream).</exception>
    /// <exception cref="ExtractionSnapshotException">The extraction changed since it was loaded (<see cref="ExtractionSnapshotProblem.Stale"/>).</exception>
    /// <exception cref="IOException">The snapshot cannot be written.</exception>
    public void WriteSnapshot(string? snapshotPath = null, CancellationToken cancellationToken = default)
    {
        var source = _source ?? throw new InvalidOperationException("Only an index loaded from an extraction file (or from its snapshot) can be written to a snapshot: the snapshot is tied to that file.");
        snapshotPath ??= DefaultSnapshotPath(source.Path);
        var now = ExtractionStamp.Of(source.Path);
        if (now is null || now.Length != source.Length || now.LastWriteTicks != source.LastWriteTicks)
        {
            throw new ExtractionSnapshotException(ExtractionSnapshotProblem.Stale,
                $"The extraction '{Path.GetFileName(source.Path)}' changed since this index was loaded: no snapshot is written for it.");
        }
        var hash = source.Hash ?? ExtractionStamp.HashFile(source.Path, cancellationToken);
        var directory = Path.GetDirectoryName(Path.GetFullPath(snapshotPath))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(snapshotPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                file.Write(new byte[SnapshotHeaderSize]);
                // Two parts, each with its checksum, so that a reader reads them on two cores at once.
                var rowsPart = new SnapshotWriter(file, cancellationToken);
                WriteRows(rowsPart);
                var indexPart = new SnapshotWriter(file, cancellationToken);
                WriteIndex(indexPart);
                var header = new byte[SnapshotHeaderSize];
                var h = header.AsSpan();
                SnapshotMagic.CopyTo(h);
                BinaryPrimitives.WriteInt32LittleEndian(h[8..], SnapshotVersion);
                BinaryPrimitives.WriteInt32LittleEndian(h[12..], SnapshotHeaderSize);
                BinaryPrimitives.WriteInt64LittleEndian(h[16..], source.Length);
                BinaryPrimitives.WriteInt64LittleEndian(h[24..], source.LastWriteTicks);
                BinaryPrimitives.WriteUInt64LittleEndian(h[32..], hash);
                BinaryPrimitives.WriteInt64LittleEndian(h[40..], rowsPart.Length + indexPart.Length);
                BinaryPrimitives.WriteUInt64LittleEndian(h[48..], rowsPart.Checksum);
                BinaryPrimitives.WriteInt64LittleEndian(h[56..], rowsPart.Length);
                BinaryPrimitives.WriteUInt64LittleEndian(h[64..], indexPart.Checksum);
                var headerHash = new SnapshotHash();
                headerHash.Append(h[..(SnapshotHeaderSize - 8)]);
                BinaryPrimitives.WriteUInt64LittleEndian(h[(SnapshotHeaderSize - 8)..], headerHash.Finish());
                file.Position = 0;
                file.Write(header);
                file.Flush(flushToDisk: false);
            }
            File.Move(temporary, snapshotPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
        _source = source with { Hash = hash };
    }

    /// <summary>
    /// Reads an index from the snapshot of an extraction, checking that the snapshot is whole (checksum over all its bytes),
    /// of this format version, made with the same options, and that the extraction has not changed since (same size, last
    /// write time and XXH64 hash of its whole content, read beside the snapshot on another thread). Searches on it return
    /// exactly what the index built from the extraction returns.
    /// </summary>
    /// <param name="extractionPath">The extraction file the snapshot was made from.</param>
    /// <param name="snapshotPath">The snapshot; null for <see cref="DefaultSnapshotPath(string)"/>.</param>
    /// <param name="options">The index options the snapshot must have been made with; null for the defaults.</param>
    /// <param name="loadOptions">The loading options (trusted domains) it must have been made with; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The index, with the <see cref="LoadReport"/> of the original loading.</returns>
    /// <exception cref="ExtractionSnapshotException">The snapshot is missing, stale, damaged (truncated, not a snapshot, checksum mismatch) or of another version; <see cref="ExtractionSnapshotException.Problem"/> says which.</exception>
    /// <exception cref="IOException">The snapshot cannot be read.</exception>
    public static ExtractionDirectoryIndex LoadSnapshot(string extractionPath, string? snapshotPath = null, ExtractionIndexOptions? options = null,
        ExtractionLoadOptions? loadOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(extractionPath);
        snapshotPath ??= DefaultSnapshotPath(extractionPath);
        options ??= new ExtractionIndexOptions();
        loadOptions ??= new ExtractionLoadOptions();
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.DirectoryLoad, System.Diagnostics.ActivityKind.Internal, Diagnostics.SdkTelemetry.DirectoryLoadDuration);
        var name = Path.GetFileName(snapshotPath);
        if (!File.Exists(snapshotPath))
        {
            throw new ExtractionSnapshotException(ExtractionSnapshotProblem.Missing, $"There is no index snapshot '{name}'.");
        }
        var stamp = ExtractionStamp.Of(extractionPath)
            ?? throw new ExtractionSnapshotException(ExtractionSnapshotProblem.Stale, $"The extraction '{Path.GetFileName(extractionPath)}' of the snapshot '{name}' does not exist.");
        using var handle = File.OpenHandle(snapshotPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var fileLength = RandomAccess.GetLength(handle);
        var header = new byte[SnapshotHeaderSize];
        if (fileLength < SnapshotHeaderSize || RandomAccess.Read(handle, header, 0) < SnapshotHeaderSize)
        {
            throw Damaged(name, "it is shorter than its header (truncated, or not a snapshot)");
        }
        if (!header.AsSpan(0, 8).SequenceEqual(SnapshotMagic))
        {
            throw Damaged(name, "it does not start like a snapshot (bad magic number)");
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (version != SnapshotVersion)
        {
            throw new ExtractionSnapshotException(ExtractionSnapshotProblem.WrongVersion,
                $"The index snapshot '{name}' has format version {version}; this version of the SDK reads version {SnapshotVersion}. Load the extraction to write a new one.");
        }
        var headerHash = new SnapshotHash();
        headerHash.Append(header.AsSpan(0, SnapshotHeaderSize - 8));
        if (headerHash.Finish() != BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(SnapshotHeaderSize - 8)))
        {
            throw Damaged(name, "its header does not match its checksum");
        }
        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(40));
        if (fileLength != SnapshotHeaderSize + payloadLength)
        {
            throw Damaged(name, $"it holds {fileLength} bytes where its header announces {SnapshotHeaderSize + payloadLength} (truncated or appended to)");
        }
        if (BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16)) != stamp.Length || BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24)) != stamp.LastWriteTicks)
        {
            throw new ExtractionSnapshotException(ExtractionSnapshotProblem.Stale,
                $"The index snapshot '{name}' is stale: the extraction '{Path.GetFileName(extractionPath)}' has another size or date than when the snapshot was written.");
        }
        // The extraction's content is hashed on another core while the snapshot is read.
        var hashing = Task.Run(() => ExtractionStamp.HashFile(extractionPath, cancellationToken), cancellationToken);
        ExtractionDirectoryIndex index;
        try
        {
            var rowsLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(56));
            if (rowsLength < 0 || rowsLength > payloadLength)
            {
                throw Damaged(name, "its header is malformed");
            }
            // The index part on another core while this thread reads the rows: most of the time goes to the memory the
            // arrays take (page faults), which two cores share out.
            var indexReader = new SnapshotReader(handle, SnapshotHeaderSize + rowsLength, fileLength, name, cancellationToken);
            var indexPart = Task.Run(() => ReadIndexPart(indexReader, name), cancellationToken);
            var rowsReader = new SnapshotReader(handle, SnapshotHeaderSize, SnapshotHeaderSize + rowsLength, name, cancellationToken);
            RowsPart rowsPart;
            try
            {
                rowsPart = ReadRowsPart(rowsReader, options, loadOptions, name);
            }
            finally
            {
                ((IAsyncResult)indexPart).AsyncWaitHandle.WaitOne();
            }
            var content = indexPart.GetAwaiter().GetResult();
            if (rowsReader.Checksum != BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(48))
                || indexReader.Checksum != BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(64)))
            {
                throw Damaged(name, "its content does not match its checksum");
            }
            if (content.RowNext.Length != rowsPart.Rows.Count || content.CityOfDelivery.Length != rowsPart.Rows.Cells.ColumnValueCount(ExtractionColumns.L6Delivery)
                || content.EntryFirstRow.AsSpan().ContainsAnyExceptInRange(0, rowsPart.Rows.Count - 1))
            {
                throw Damaged(name, "its index does not fit its rows");
            }
            content.Rows = rowsPart.Rows;
            index = new ExtractionDirectoryIndex(content, options) { LoadReport = rowsPart.Report, IsFromSnapshot = true };
        }
        finally
        {
            // Never leave the hashing running unobserved.
            try
            {
                hashing.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
            }
        }
        var hash = hashing.GetAwaiter().GetResult();
        if (hash != BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(32)))
        {
            throw new ExtractionSnapshotException(ExtractionSnapshotProblem.Stale,
                $"The index snapshot '{name}' is stale: the content of the extraction '{Path.GetFileName(extractionPath)}' changed since the snapshot was written.");
        }
        index._source = stamp with { Hash = hash };
        traced?.Tag(Diagnostics.SdkTelemetry.DirectorySource, "snapshot").Tag(Diagnostics.SdkTelemetry.DirectoryEntries, index.Count);
        Diagnostics.SdkTelemetry.DirectoryBuilt("extraction", index.Count);
        return index;
    }

    private static ExtractionSnapshotException Damaged(string name, string why) =>
        new(ExtractionSnapshotProblem.Damaged, $"The index snapshot '{name}' is damaged: {why}. Load the extraction to write a new one.");

    private void WriteRows(SnapshotWriter w)
    {
        // Options the snapshot depends on.
        w.WriteInts([(int)Options.KindOrder]);
        w.WriteStrings([.. _rows.TrustedDomains.WhitelistedDomains.Order(StringComparer.Ordinal)]);
        // The loading's report.
        var report = LoadReport;
        var at = report?.ExtractedAt;
        w.WriteLongs([report is null ? 0 : 1, report?.RowsRead ?? 0, report?.RowsKept ?? 0, report?.RowsRejected ?? 0,
            at is null ? 0 : 1, at?.Ticks ?? 0, (long)(at?.Offset.TotalMinutes ?? 0)]);
        var problems = report?.Problems ?? [];
        w.WriteLongs([.. problems.Select(p => p.LineNumber)]);
        w.WriteStrings([.. problems.Select(p => p.Reason)]);
        // The rows.
        // The values as the rows hold them: in Latin-1 when they all fit, else in UTF-16.
        var (latin1, chars, offsets) = _rows.Block;
        w.WriteInts([latin1 is not null ? 1 : 2]);
        if (latin1 is not null)
        {
            w.WriteInts(offsets);
            w.WriteBytes(latin1);
        }
        else
        {
            w.WriteStringBlock(offsets, chars);
        }
        w.WriteInts([_rows.Count]);
        var cells = _rows.Cells;
        w.WriteInts(cells.Widths);
        w.WriteInts(cells.DictionaryStart);
        w.WriteInts(cells.Dictionary);
        w.WriteBytes(cells.Bytes);
    }

    private void WriteIndex(SnapshotWriter w)
    {
        w.WriteInts(_entryFirstRow);
        w.WriteInts(_rowNext);
        w.WriteStringBlock(_tokens.Offsets, _tokens.Chars);
        w.WriteInts(_postingStart);
        w.WriteInts(_postings);
        // The dense tokens, in the order their bitmaps are laid out (the k-th dense token's is the k-th bitmap); then the
        // merged ranges, their bitmaps and their ids each in one section.
        w.WriteInts([.. Enumerable.Range(0, _denseStart.Length).Where(t => _denseStart[t] >= 0).OrderBy(t => _denseStart[t])]);
        w.WriteLongs([BitmapWords]);
        w.WriteUlongs(_bitmaps);
        var ranges = _rangeSets.OrderBy(r => r.Key).ToArray();
        w.WriteLongs([.. ranges.Select(r => r.Key)]);
        w.WriteInts([.. ranges.Select(r => r.Value.Bits is null ? r.Value.Count : -1 - r.Value.Count)]);
        // Written set by set rather than gathered first: the national file's are 15 MB, at a rebuild's memory peak.
        var bitmapSets = ranges.Select(r => r.Value).Where(set => set.Bits is not null).ToArray();
        w.BeginSection(bitmapSets.Sum(set => (long)set.BitSpan.Length * sizeof(ulong)));
        foreach (var set in bitmapSets)
        {
            w.WritePart(MemoryMarshal.AsBytes(set.BitSpan));
        }
        var idSets = ranges.Select(r => r.Value).Where(set => set.Bits is null).ToArray();
        w.BeginSection(idSets.Sum(set => (long)set.Count * sizeof(int)));
        foreach (var set in idSets)
        {
            w.WritePart(MemoryMarshal.AsBytes(set.Ids.AsSpan(set.Start, set.Count)));
        }
        w.WriteUlongs(_identifierKeys);
        w.WriteInts(_identifierEntries);
        w.WriteInts(_cityOfDelivery);
        w.WriteStrings(_cityNames);
    }

    private int BitmapWords => (Count + 63) >> 6;

    private sealed record RowsPart(ExtractionRowSet Rows, ExtractionLoadReport? Report);

    private static RowsPart ReadRowsPart(SnapshotReader r, ExtractionIndexOptions options, ExtractionLoadOptions loadOptions, string name)
    {
        var kindOrder = r.ReadInts();
        var domains = r.ReadStrings();
        if (kindOrder.Length != 1 || (DirectoryKindOrder)kindOrder[0] != options.KindOrder
            || !domains.SequenceEqual(loadOptions.TrustedDomains.WhitelistedDomains.Order(StringComparer.Ordinal)))
        {
            throw new ExtractionSnapshotException(ExtractionSnapshotProblem.Stale,
                $"The index snapshot '{name}' was made with other options (person/structure order or trusted domains) than those asked.");
        }
        var counts = r.ReadLongs();
        var lines = r.ReadLongs();
        var reasons = r.ReadStrings();
        if (counts.Length != 7 || lines.Length != reasons.Length)
        {
            throw Damaged(name, "its load report is malformed");
        }
        ExtractionLoadReport? report = null;
        if (counts[0] != 0)
        {
            var problems = new ExtractionRowProblem[lines.Length];
            for (var i = 0; i < problems.Length; i++)
            {
                problems[i] = new ExtractionRowProblem(lines[i], reasons[i]);
            }
            report = new ExtractionLoadReport(counts[1], counts[2], problems, counts[3]);
            if (counts[4] != 0)
            {
                report.ExtractedAt = new DateTimeOffset(counts[5], TimeSpan.FromMinutes(counts[6]));
            }
        }
        var encoding = r.ReadInts();
        if (encoding is not [1 or 2])
        {
            throw Damaged(name, "its rows are malformed");
        }
        var latin1 = encoding[0] == 1;
        var (valueChars, valueBytes, valueOffsets) = latin1 ? (null, r.ReadLatin1Block(out var offsets), offsets) : Utf16(r.ReadStringBlock());
        var rowCount = r.ReadInts();
        var widths = r.ReadInts();
        var dictionaryStart = r.ReadInts();
        var dictionary = r.ReadInts();
        var bytes = r.ReadBytes();
        if (rowCount.Length != 1 || widths.Length != ExtractionColumns.Count || valueOffsets.Length < 2 || valueOffsets[1] != 0 || !r.AtEnd)
        {
            throw Damaged(name, "its rows are malformed");
        }
        var cells = PackedCells.Read(bytes, widths, dictionaryStart, dictionary, rowCount[0], valueOffsets.Length - 1)
            ?? throw Damaged(name, "its rows are malformed");
        return new RowsPart(new ExtractionRowSet((valueBytes, valueChars, valueOffsets), cells, loadOptions.TrustedDomains), report);

        static (char[]?, byte[]?, int[]) Utf16((char[] Chars, int[] Offsets) block) => (block.Chars, null, block.Offsets);
    }

    private static SnapshotContent ReadIndexPart(SnapshotReader r, string name)
    {
        var content = new SnapshotContent
        {
            EntryFirstRow = r.ReadInts(),
            RowNext = r.ReadInts(),
            Tokens = r.ReadWordList(),
            PostingStart = r.ReadInts(),
            Postings = r.ReadInts(),
        };
        var entryCount = content.EntryFirstRow.Length;
        var words = (entryCount + 63) >> 6;
        var dense = r.ReadInts();
        var bitmapWords = r.ReadLongs();
        if (bitmapWords.Length != 1 || bitmapWords[0] != words || content.PostingStart.Length != content.Tokens.Count + 1
            || content.PostingStart[0] != 0 || (long)dense.Length * words > Array.MaxLength)
        {
            throw Damaged(name, "its index is malformed");
        }
        content.Bitmaps = r.ReadUlongs(dense.Length * words);
        content.DenseStart = new int[content.Tokens.Count];
        content.DenseStart.AsSpan().Fill(-1);
        for (var i = 0; i < dense.Length; i++)
        {
            var t = dense[i];
            if ((uint)t >= (uint)content.DenseStart.Length || content.DenseStart[t] >= 0)
            {
                throw Damaged(name, "its index is malformed");
            }
            content.DenseStart[t] = i * words;
        }
        for (var t = 0; t < content.Tokens.Count; t++)
        {
            if (content.PostingStart[t + 1] < content.PostingStart[t])
            {
                throw Damaged(name, "its index is malformed");
            }
        }
        (content.PostingAt, var kept) = PostingStorage(content.PostingStart, content.DenseStart);
        if (kept != content.Postings.Length)
        {
            throw Damaged(name, "its index is malformed");
        }
        var rangeKeys = r.ReadLongs();
        var rangeCounts = r.ReadInts();
        var rangeBits = r.ReadUlongs();
        var rangeIds = r.ReadInts();
        if (rangeKeys.Length != rangeCounts.Length)
        {
            throw Damaged(name, "its index is malformed");
        }
        content.RangeSets = new Dictionary<long, CandidateSet>(rangeKeys.Length);
        int bitsAt = 0, idsAt = 0;
        for (var i = 0; i < rangeKeys.Length; i++)
        {
            var count = rangeCounts[i];
            if (count < 0 ? rangeBits.Length - bitsAt < words : rangeIds.Length - idsAt < count)
            {
                throw Damaged(name, "its index is malformed");
            }
            content.RangeSets[rangeKeys[i]] = count < 0 ? CandidateSet.Bitmap(rangeBits, bitsAt, words, -1 - count) : CandidateSet.Slice(rangeIds, idsAt, count);
            if (count < 0)
            {
                bitsAt += words;
            }
            else
            {
                idsAt += count;
            }
        }
        if (bitsAt != rangeBits.Length || idsAt != rangeIds.Length)
        {
            throw Damaged(name, "its index is malformed");
        }
        content.IdentifierKeys = r.ReadUlongs();
        content.IdentifierEntries = r.ReadInts();
        content.CityOfDelivery = r.ReadInts();
        content.CityNames = r.ReadStrings();
        if (content.IdentifierKeys.Length != content.IdentifierEntries.Length || !r.AtEnd)
        {
            throw Damaged(name, "its index is malformed");
        }
        return content;
    }

    private ExtractionDirectoryIndex(SnapshotContent content, ExtractionIndexOptions options)
    {
        Options = options;
        _rows = content.Rows!;
        _entryFirstRow = content.EntryFirstRow;
        _rowNext = content.RowNext;
        _tokens = content.Tokens;
        _postingStart = content.PostingStart;
        _postingAt = content.PostingAt;
        _postings = content.Postings;
        _denseStart = content.DenseStart;
        _bitmaps = content.Bitmaps;
        _rangeSets = content.RangeSets;
        _identifierKeys = content.IdentifierKeys;
        _identifierEntries = content.IdentifierEntries;
        _cityOfDelivery = content.CityOfDelivery;
        _cityNames = content.CityNames;
    }

    private sealed class SnapshotContent
    {
        public ExtractionRowSet? Rows;
        public required int[] EntryFirstRow;
        public required int[] RowNext;
        public required WordList Tokens;
        public required int[] PostingStart;
        public required int[] Postings;
        public int[] DenseStart = [];
        public int[] PostingAt = [];
        public ulong[] Bitmaps = [];
        public Dictionary<long, CandidateSet> RangeSets = [];
        public ulong[] IdentifierKeys = [];
        public int[] IdentifierEntries = [];
        public int[] CityOfDelivery = [];
        public string[] CityNames = [];
    }

    /// <summary>Sections written one after the other: each its byte length (8 bytes) then its bytes; all hashed.</summary>
    private sealed class SnapshotWriter(Stream stream, CancellationToken cancellationToken)
    {
        private SnapshotHash _hash = new();
        private readonly byte[] _chars = new byte[1 << 16];

        public long Length { get; private set; }

        public ulong Checksum => _hash.Finish();

        public void WriteInts(ReadOnlySpan<int> values) => Write(MemoryMarshal.AsBytes(values));

        public void WriteLongs(ReadOnlySpan<long> values) => Write(MemoryMarshal.AsBytes(values));

        public void WriteUlongs(ReadOnlySpan<ulong> values) => Write(MemoryMarshal.AsBytes(values));

        public void WriteBytes(ReadOnlySpan<byte> values) => Write(values);

        /// <summary>Strings as <see cref="WriteStrings"/> writes them, from their characters and offsets.</summary>
        public void WriteStringBlock(ReadOnlySpan<int> offsets, ReadOnlySpan<char> chars)
        {
            WriteInts(offsets);
            Write(MemoryMarshal.AsBytes(chars));
        }

        /// <summary>Strings as two sections: their character offsets, then all their UTF-16 characters.</summary>
        public void WriteStrings(string[] values)
        {
            var offsets = new int[values.Length + 1];
            for (var i = 0; i < values.Length; i++)
            {
                offsets[i + 1] = checked(offsets[i] + values[i].Length);
            }
            WriteInts(offsets);
            WriteLength((long)offsets[^1] * sizeof(char));
            var used = 0;
            foreach (var value in values)
            {
                var bytes = MemoryMarshal.AsBytes(value.AsSpan());
                while (bytes.Length > 0)
                {
                    var n = Math.Min(bytes.Length, _chars.Length - used);
                    bytes[..n].CopyTo(_chars.AsSpan(used));
                    used += n;
                    bytes = bytes[n..];
                    if (used == _chars.Length)
                    {
                        Raw(_chars);
                        used = 0;
                    }
                }
            }
            Raw(_chars.AsSpan(0, used));
        }

        private long _partsLeft;

        /// <summary>Starts a section of <paramref name="length"/> bytes, written in parts by <see cref="WritePart"/> rather than gathered into one array first.</summary>
        public void BeginSection(long length)
        {
            WriteLength(length);
            _partsLeft = length;
        }

        /// <summary>Writes a part of the section <see cref="BeginSection"/> started; the parts add up to its length.</summary>
        public void WritePart(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > _partsLeft)
            {
                throw new InvalidOperationException("The parts of a snapshot section are longer than the section.");
            }
            _partsLeft -= bytes.Length;
            Chunks(bytes);
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            WriteLength(bytes.Length);
            Chunks(bytes);
        }

        private void Chunks(ReadOnlySpan<byte> bytes)
        {
            for (var i = 0; i < bytes.Length; i += 1 << 22)
            {
                Raw(bytes.Slice(i, Math.Min(1 << 22, bytes.Length - i)));
            }
        }

        private void WriteLength(long length)
        {
            if (_partsLeft != 0)
            {
                throw new InvalidOperationException("A snapshot section was started with more bytes than its parts wrote.");
            }
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(prefix, length);
            Raw(prefix);
        }

        private void Raw(ReadOnlySpan<byte> bytes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _hash.Append(bytes);
            stream.Write(bytes);
            Length += bytes.Length;
        }
    }

    /// <summary>Reads the sections of <see cref="SnapshotWriter"/> in bulk into arrays, hashing as it goes; a length past the end is damage.</summary>
    private sealed class SnapshotReader(SafeFileHandle handle, long position, long end, string name, CancellationToken cancellationToken)
    {
        private SnapshotHash _hash = new();
        private long _position = position;

        public ulong Checksum => _hash.Finish();

        public bool AtEnd => _position == end;

        public int[] ReadInts(int? expected = null) => Read<int>(expected);

        public long[] ReadLongs() => Read<long>(null);

        public ulong[] ReadUlongs(int? expected = null) => Read<ulong>(expected);

        public byte[] ReadBytes() => Read<byte>(null);

        /// <summary>A list of strings as its characters and offsets, checked (ascending offsets within the characters).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public (char[] Chars, int[] Offsets) ReadStringBlock()
        {
            var offsets = Read<int>(null);
            var chars = Read<char>(null);
            CheckOffsets(offsets, chars.Length);
            return (chars, offsets);
        }

        /// <summary>A list of strings as a <see cref="WordList"/>, no string made.</summary>
        public WordList ReadWordList()
        {
            var (chars, offsets) = ReadStringBlock();
            return new WordList(chars, offsets);
        }

        /// <summary>A list of strings written in Latin-1: its bytes and offsets, checked.</summary>
        public byte[] ReadLatin1Block(out int[] offsets)
        {
            offsets = Read<int>(null);
            var bytes = Read<byte>(null);
            CheckOffsets(offsets, bytes.Length);
            return bytes;
        }

        private void CheckOffsets(int[] offsets, int length)
        {
            if (offsets.Length == 0 || offsets[0] != 0 || offsets[^1] != length)
            {
                throw Damaged(name, "a list of strings is malformed");
            }
            for (var i = 1; i < offsets.Length; i++)
            {
                if (offsets[i] < offsets[i - 1])
                {
                    throw Damaged(name, "a list of strings is malformed");
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public string[] ReadStrings()
        {
            var (chars, offsets) = ReadStringBlock();
            var strings = new string[offsets.Length - 1];
            var all = chars.AsSpan();
            for (var i = 0; i < strings.Length; i++)
            {
                strings[i] = offsets[i] == offsets[i + 1] ? string.Empty : new string(all[offsets[i]..offsets[i + 1]]);
            }
            return strings;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private T[] Read<T>(int? expected) where T : unmanaged
        {
            var bytes = ReadLength();
            var size = Unsafe.SizeOf<T>();
            if (bytes < 0 || bytes % size != 0 || bytes > end - _position || bytes / size > Array.MaxLength
                || (expected is { } count && bytes != (long)count * size))
            {
                throw Damaged(name, "a section's length is out of bounds (truncated or corrupted)");
            }
            var array = LargeArrays.Uninitialized<T>((int)(bytes / size));
            var span = MemoryMarshal.AsBytes(array.AsSpan());
            Fill(span);
            return array;
        }

        private long ReadLength()
        {
            Span<byte> prefix = stackalloc byte[8];
            if (end - _position < 8)
            {
                throw Damaged(name, "it ends in the middle of a section (truncated)");
            }
            Fill(prefix);
            return BinaryPrimitives.ReadInt64LittleEndian(prefix);
        }

        private void Fill(Span<byte> span)
        {
            for (var done = 0; done < span.Length;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // 1 MiB at a time, hashed while it is still in the cache.
                var chunk = span.Slice(done, Math.Min(span.Length - done, 1 << 20));
                var n = RandomAccess.Read(handle, chunk, _position);
                if (n <= 0)
                {
                    throw Damaged(name, "it ends in the middle of a section (truncated)");
                }
                _hash.Append(chunk[..n]);
                _position += n;
                done += n;
            }
        }
    }
}

/// <summary>An extraction file as it was: path, size, last write time (UTC ticks), and the hash of its content once computed.</summary>
internal sealed record ExtractionStamp(string Path, long Length, long LastWriteTicks, ulong? Hash = null)
{
    /// <summary>The file's stamp now (without its hash), or null when it does not exist.</summary>
    public static ExtractionStamp? Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new ExtractionStamp(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks) : null;
    }

    /// <summary>XXH64 of the whole file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong HashFile(string path, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        var hash = new SnapshotHash();
        long position = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = RandomAccess.Read(handle, buffer, position);
            if (n <= 0)
            {
                return hash.Finish();
            }
            hash.Append(buffer.AsSpan(0, n));
            position += n;
        }
    }
}
