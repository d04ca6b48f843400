using System.Runtime.CompilerServices;
using System.Numerics;
using Esante.MsSante.Operators;

namespace Esante.MsSante.Directory;

/// <summary>
/// The national directory in memory, built from « Extraction Correspondance MSSanté »: search as you type over the whole
/// of France, and the guide's field search, with the same matching and ranking as <see cref="InMemoryDirectory"/>.
/// Immutable and thread-safe; to follow the daily file, build a new one and swap it in a <see cref="ReloadableDirectory"/>.
/// </summary>
/// <remarks>
/// <para>An address on several rows is one entry, which matches when any of its rows does (the words of all its rows are its
/// words); the entry shows its first row, and <see cref="GetRows(DirectoryEntry)"/> gives them all.</para>
/// <para>Every word of the index is in one sorted array, so a typed prefix is a contiguous range of word ids; each word has its
/// entries as an ascending array, or only as a bitmap when it covers more than 1/16 of the entries, and entries are numbered in rank order
/// (persons/structures, then name, then first name), so candidates come best first. Ranges of 1 to 3 letters that span several
/// words are merged once at build time. A query starts from its most selective word and tests the others with forward
/// cursors; <see cref="DirectoryPage.TotalCount"/> is exact.</para>
/// </remarks>
public sealed partial class ExtractionDirectoryIndex : IDirectorySearch
{
    private readonly ExtractionRowSet _rows;
    private readonly int[] _entryFirstRow;
    private readonly int[] _rowNext;
    private readonly WordList _tokens;
    private readonly int[] _postingStart; // per token, then the end: the running count of postings (a token's count is the difference)
    private readonly int[] _postingAt;    // per token: where its postings are in _postings (a dense token's are not: it has a bitmap)
    private readonly int[] _postings;
    private readonly int[] _denseStart; // per token: where its bitmap starts in _bitmaps (a word), or -1 when it has none
    private readonly ulong[] _bitmaps;  // the dense tokens' bitmaps end to end, BitmapWords each
    private readonly Dictionary<long, CandidateSet> _rangeSets;
    private readonly ulong[] _identifierKeys; // IdentifierCode keys
    private readonly int[] _identifierEntries;
    private readonly int[] _cityOfDelivery; // by the L6 column's id of a value (PackedCells.LocalId)
    private readonly string[] _cityNames;

    [ThreadStatic]
    private static QueryScratch? t_scratch;

    /// <summary>The number of distinct addresses (entries) in the index.</summary>
    public int Count => _entryFirstRow.Length;

    /// <summary>The rows the index was built from.</summary>
    public ExtractionRowSet Rows => _rows;

    /// <summary>How many distinct words (free-text and per field) the index holds.</summary>
    public int WordCount => _tokens.Count;

    /// <summary>The report of the loading, when the index was loaded from a file by <see cref="LoadAsync(string, ExtractionIndexOptions?, ExtractionLoadOptions?, IProgress{ExtractionLoadProgress}?, CancellationToken)"/>.</summary>
    public ExtractionLoadReport? LoadReport { get; private init; }

    /// <summary>The options the index was built with.</summary>
    public ExtractionIndexOptions Options { get; }

    /// <summary>Loads an extraction file (<c>.txt</c> or <c>.zip</c>) and builds its index.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Index options, or null for the defaults.</param>
    /// <param name="loadOptions">Loading options, or null for the defaults.</param>
    /// <param name="progress">Receives the loading's counts.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The index; its <see cref="LoadReport"/> says which rows were rejected and why.</returns>
    /// <exception cref="InvalidDataException">The file is empty, is not an extraction, or is a damaged zip.</exception>
    public static async Task<ExtractionDirectoryIndex> LoadAsync(string path, ExtractionIndexOptions? options = null, ExtractionLoadOptions? loadOptions = null,
        IProgress<ExtractionLoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.DirectoryLoad, System.Diagnostics.ActivityKind.Internal, Diagnostics.SdkTelemetry.DirectoryLoadDuration);
        try
        {
            // The file as it is before reading: a snapshot written later is tied to this state.
            var stamp = ExtractionStamp.Of(path);
            CompileBuildAhead();
            var loaded = await ExtractionFileLoader.LoadAsync(path, loadOptions, progress, cancellationToken).ConfigureAwait(false);
            // A text file's hash was taken from the bytes read; a zip's is taken when a snapshot is written.
            return Built(new ExtractionDirectoryIndex(loaded.Rows, options) { LoadReport = loaded.Report, _source = stamp is null ? null : stamp with { Hash = loaded.ContentHash } }, traced);
        }
        catch (Exception e) when (Diagnostics.SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
    }

    /// <summary>Builds the index of loaded rows.</summary>
    /// <param name="rows">The rows, from <see cref="ExtractionFileLoader"/>.</param>
    /// <param name="options">Index options, or null for the defaults.</param>
    public static ExtractionDirectoryIndex BuildFromRows(ExtractionRowSet rows, ExtractionIndexOptions? options = null)
    {
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.DirectoryLoad, System.Diagnostics.ActivityKind.Internal, Diagnostics.SdkTelemetry.DirectoryLoadDuration);
        return Built(new ExtractionDirectoryIndex(rows, options), traced);
    }

    /// <summary>An index just built: its size on the load's span and on the directory size gauge.</summary>
    private static ExtractionDirectoryIndex Built(ExtractionDirectoryIndex index, Diagnostics.TracedOperation? traced)
    {
        traced?.Tag(Diagnostics.SdkTelemetry.DirectorySource, "extraction").Tag(Diagnostics.SdkTelemetry.DirectoryEntries, index.Count);
        Diagnostics.SdkTelemetry.DirectoryBuilt("extraction", index.Count);
        return index;
    }

    /// <summary>Builds the index of a load result, keeping its report.</summary>
    /// <param name="loaded">The rows and report, from <see cref="ExtractionFileLoader"/>.</param>
    /// <param name="options">Index options, or null for the defaults.</param>
    public static ExtractionDirectoryIndex Build(ExtractionLoadResult loaded, ExtractionIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.DirectoryLoad, System.Diagnostics.ActivityKind.Internal, Diagnostics.SdkTelemetry.DirectoryLoadDuration);
        return Built(new ExtractionDirectoryIndex(loaded.Rows, options) { LoadReport = loaded.Report }, traced);
    }

    /// <inheritdoc/>
    public Task<DirectoryPage> SearchAsync(DirectoryQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult(Search(query));

    /// <summary>Searches synchronously; see <see cref="SearchAsync(DirectoryQuery, CancellationToken)"/>.</summary>
    /// <param name="query">The query; at least one criterion.</param>
    /// <returns>One page of results, best first, with the exact total.</returns>
    /// <exception cref="ArgumentException">The query has no criterion, or its paging is invalid.</exception>
    public DirectoryPage Search(DirectoryQuery query)
    {
        DirectoryQueryValidation.ThrowIfInvalid(query);
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.DirectorySearch)?.Tag(Diagnostics.SdkTelemetry.DirectorySource, "extraction");
        var scratch = t_scratch ??= new QueryScratch();
        var total = Run(query, scratch);
        traced?.Tag(Diagnostics.SdkTelemetry.ResultCount, total);
        var skip = query.Skip;
        var take = query.Take;
        var exact = scratch.Exact;
        var prefix = scratch.Prefix;
        var page = new List<DirectoryEntry>(Math.Min(take, Math.Max(0, total - skip)));
        for (var i = skip; i < exact.Count + prefix.Count && page.Count < take; i++)
        {
            page.Add(Materialize(i < exact.Count ? exact[i] : prefix[i - exact.Count]));
        }
        return new DirectoryPage(page, total, skip);
    }

    /// <summary>Counts the matches of a query and finds the ids of its first page, without building entries (for benchmarks).</summary>
    /// <param name="query">The query; at least one criterion.</param>
    /// <returns>The total number of matches.</returns>
    public int CountMatches(DirectoryQuery query)
    {
        DirectoryQueryValidation.ThrowIfInvalid(query);
        return Run(query, t_scratch ??= new QueryScratch());
    }

    /// <summary>Every row of an entry's address, all 31 columns each, in file order.</summary>
    /// <param name="entry">An entry returned by this index.</param>
    /// <returns>The rows; empty when the address is not in this index.</returns>
    public IReadOnlyList<IReadOnlyList<string>> GetRows(DirectoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var id = FindEntry(entry.Address.Value);
        var result = new List<IReadOnlyList<string>>();
        for (var row = id < 0 ? -1 : _entryFirstRow[id]; row >= 0; row = _rowNext[row])
        {
            result.Add(_rows.GetColumns(row));
        }
        return result;
    }

    /// <summary>The entry of an address, or null when it is not in the directory.</summary>
    /// <param name="address">An MSSanté address.</param>
    public DirectoryEntry? Find(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var id = FindEntry(address);
        return id < 0 ? null : Materialize(id);
    }

    private int FindEntry(string address)
    {
        // The rarest word of the address leads to it.
        var best = -1;
        foreach (var word in DirectoryText.Words(address))
        {
            var (lo, hi) = PrefixRange(EmailTag + word);
            if (lo >= hi || _tokens[lo].Length != word.Length + 1)
            {
                return -1;
            }
            if (best < 0 || _postingStart[lo + 1] - _postingStart[lo] < _postingStart[best + 1] - _postingStart[best])
            {
                best = lo;
            }
        }
        if (best < 0)
        {
            return -1;
        }
        var cursor = new CandidateSet.Cursor(TokenSet(best));
        for (var id = cursor.Next(); id >= 0; id = cursor.Next())
        {
            if (string.Equals(_rows.Value(_rows.ValueId(_entryFirstRow[id], ExtractionColumns.Address)), address, StringComparison.OrdinalIgnoreCase))
            {
                return id;
            }
        }
        return -1;
    }

    private DirectoryEntry Materialize(int id)
    {
        var row = _entryFirstRow[id];
        string? Col(int column)
        {
            var value = _rows.Value(_rows.ValueId(row, column));
            return value.Length == 0 ? null : value;
        }
        var lines = new List<string>(4);
        AddLine(lines, Col(ExtractionColumns.L2Location));
        AddLine(lines, Col(ExtractionColumns.L3Distribution));
        AddLine(lines, StreetLine(row));
        AddLine(lines, Col(ExtractionColumns.L5Locality));
        var city = _cityOfDelivery[_rows.LocalId(row, ExtractionColumns.L6Delivery)];
        return new DirectoryEntry
        {
            Address = MssanteAddress.Parse(_rows.Value(_rows.ValueId(row, ExtractionColumns.Address)), _rows.TrustedDomains),
            MailboxKind = KindOf(_rows.Value(_rows.ValueId(row, ExtractionColumns.MailboxType))),
            LastName = Col(ExtractionColumns.LastName),
            FirstName = Col(ExtractionColumns.FirstName),
            Civility = Col(ExtractionColumns.Civility),
            ProfessionCode = Col(ExtractionColumns.ProfessionCode),
            Profession = Col(ExtractionColumns.Profession),
            Specialty = Col(ExtractionColumns.Specialty),
            Identifier = IdentifierOf(row),
            Organization = Col(ExtractionColumns.Organization),
            Service = Col(ExtractionColumns.Service),
            AddressLines = lines,
            PostalCode = Col(ExtractionColumns.PostalCode),
            City = city == 0 ? null : _cityNames[city],
            Department = Col(ExtractionColumns.Department),
            Country = Col(ExtractionColumns.Country),
            Columns = _rows.View(row),
        };
    }

    private static void AddLine(List<string> lines, string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            lines.Add(line);
        }
    }

    /// <summary>« 1 BIS PL ALEXIS RICORDEAU »: number, complement, street type and name.</summary>
    private string? StreetLine(int row)
    {
        var parts = new[]
        {
            _rows.Value(_rows.ValueId(row, ExtractionColumns.L4StreetNumber)),
            _rows.Value(_rows.ValueId(row, ExtractionColumns.L4StreetNumberComplement)),
            _rows.Value(_rows.ValueId(row, ExtractionColumns.L4StreetType)),
            _rows.Value(_rows.ValueId(row, ExtractionColumns.L4StreetName)),
        };
        var line = string.Join(' ', parts.Where(p => p.Length > 0));
        return line.Length == 0 ? null : line;
    }

    private HealthIdentifier? IdentifierOf(int row)
    {
        var value = _rows.Value(_rows.ValueId(row, ExtractionColumns.ProfessionalId));
        if (value.Length == 0)
        {
            return null;
        }
        var type = _rows.Value(_rows.ValueId(row, ExtractionColumns.ProfessionalIdType));
        var national = _rows.Value(_rows.ValueId(row, ExtractionColumns.ProfessionalNationalId));
        return type switch
        {
            "8" => Rpps.TryParse(value, out var rpps) ? rpps : null,
            "0" => Adeli.TryParse(value, out var adeli) ? adeli : null,
            _ => NationalIdentifier.TryParse(national, out var any, out _) && any is Rpps or Adeli ? any : null,
        };
    }

    internal static MailboxKind KindOf(ReadOnlySpan<char> type) => type switch
    {
        "PER" => MailboxKind.Personal,
        "ORG" => MailboxKind.Organisational,
        "APP" => MailboxKind.Applicative,
        _ => MailboxKind.Practice,
    };

    /// <summary>The ids of the tokens starting with <paramref name="prefix"/>: a contiguous range of the sorted words.</summary>
    private (int Lo, int Hi) PrefixRange(string prefix) => _tokens.PrefixRange(prefix);

    /// <summary>The entries of one token, without copying.</summary>
    private CandidateSet TokenSet(int token)
    {
        if (_denseStart[token] >= 0)
        {
            return CandidateSet.Bitmap(_bitmaps, _denseStart[token], BitmapWords, _postingStart[token + 1] - _postingStart[token]);
        }
        return CandidateSet.Slice(_postings, _postingAt[token], _postingStart[token + 1] - _postingStart[token]);
    }

    /// <summary>The entries of a range of tokens: one token's postings, a range merged at build time, or merged now into a scratch bitmap.</summary>
    private CandidateSet SetOf(int lo, int hi, QueryScratch? scratch = null)
    {
        if (hi - lo == 1)
        {
            return TokenSet(lo);
        }
        if (_rangeSets.TryGetValue(((long)lo << 32) | (uint)hi, out var merged))
        {
            return merged;
        }
        scratch ??= t_scratch ??= new QueryScratch();
        var bits = scratch.RentBitmap(Count);
        Scatter(bits, lo, hi);
        return CandidateSet.Bitmap(bits, PopCount(bits));
    }

    /// <summary>Sets the bits of the entries of the tokens from <paramref name="lo"/> to <paramref name="hi"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scatter(ulong[] bits, int lo, int hi)
    {
        for (var t = lo; t < hi; t++)
        {
            if (_denseStart[t] >= 0)
            {
                // A dense word has a bitmap (and no postings): OR it word by word.
                var into = bits.AsSpan();
                var from = _bitmaps.AsSpan(_denseStart[t], into.Length);
                for (var i = 0; i < into.Length; i++)
                {
                    into[i] |= from[i];
                }
                continue;
            }
            var at = _postingAt[t];
            for (var p = at; p < at + (_postingStart[t + 1] - _postingStart[t]); p++)
            {
                var id = _postings[p];
                bits[id >> 6] |= 1UL << (id & 63);
            }
        }
    }

    /// <summary>Where each token's postings are once the dense tokens' are left out (they have bitmaps), and how many are kept.</summary>
    private static (int[] At, int Kept) PostingStorage(int[] postingStart, int[] denseStart)
    {
        var at = new int[denseStart.Length];
        var kept = 0;
        for (var t = 0; t < at.Length; t++)
        {
            at[t] = kept;
            if (denseStart[t] < 0)
            {
                kept += postingStart[t + 1] - postingStart[t];
            }
        }
        return (at, kept);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PopCount(ReadOnlySpan<ulong> bits)
    {
        var count = 0;
        foreach (var w in bits)
        {
            count += BitOperations.PopCount(w);
        }
        return count;
    }
}
