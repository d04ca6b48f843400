using System.Reflection;
using System.Runtime.CompilerServices;

namespace Esante.MsSante.Directory;

public sealed partial class ExtractionDirectoryIndex
{
    /// <summary>Ranges of 1 to 3 letters spanning several words are merged at build time when they cover at least this many postings.</summary>
    private const int MergeAtBuildThreshold = 2_048;

    private static readonly int[] TextColumns =
    [
        ExtractionColumns.LastName, ExtractionColumns.FirstName, ExtractionColumns.Organization, ExtractionColumns.Service,
        ExtractionColumns.L2Location, ExtractionColumns.L3Distribution, ExtractionColumns.L4StreetNumber,
        ExtractionColumns.L4StreetNumberComplement, ExtractionColumns.L4StreetType, ExtractionColumns.L4StreetName, ExtractionColumns.L5Locality,
    ];

    private static readonly (int Column, string Tag)[] FieldColumns =
    [
        (ExtractionColumns.LastName, LastNameTag), (ExtractionColumns.FirstName, FirstNameTag), (ExtractionColumns.PostalCode, PostalCodeTag),
        (ExtractionColumns.Department, DepartmentTag), (ExtractionColumns.Profession, ProfessionTag), (ExtractionColumns.Organization, OrganizationTag),
    ];

    private static int s_buildCompiled;

    /// <summary>
    /// Has the build's constructor, its two stage methods and the rows' packing compiled on a thread-pool thread while the
    /// file is read, once a process: being fully optimised from their first call
    /// (<see cref="MethodImplOptions.AggressiveOptimization"/>), their compilation held the loading thread ≈ 60 ms between
    /// the file read and the build in a fresh process. Only a hint: where the runtime cannot (ahead-of-time compiled),
    /// nothing changes.
    /// </summary>
    private static void CompileBuildAhead()
    {
        if (Interlocked.Exchange(ref s_buildCompiled, 1) != 0)
        {
            return;
        }
        _ = Task.Run(() =>
        {
            try
            {
                MethodBase?[] methods =
                [
                    typeof(ExtractionDirectoryIndex).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(ExtractionRowSet), typeof(ExtractionIndexOptions)]),
                    typeof(ExtractionDirectoryIndex).GetMethod(nameof(GatherEntryWords), BindingFlags.NonPublic | BindingFlags.Instance),
                    typeof(ExtractionDirectoryIndex).GetMethod(nameof(Postings), BindingFlags.NonPublic | BindingFlags.Static),
                    typeof(PackedCells).GetMethod(nameof(PackedCells.Pack)),
                ];
                foreach (var method in methods)
                {
                    if (method is not null) // null where reflection's metadata is trimmed away (native AOT)
                    {
                        RuntimeHelpers.PrepareMethod(method.MethodHandle);
                    }
                }
            }
            catch (Exception e) when (e is PlatformNotSupportedException or NotSupportedException)
            {
                // Compiled on first call instead.
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ExtractionDirectoryIndex(ExtractionRowSet rows, ExtractionIndexOptions? options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _rows = rows;
        Options = options ?? new ExtractionIndexOptions();
        var rowCount = rows.Count;

        // 1. One entry per address; its rows chained in file order.
        var entryOfAddress = LargeArrays.Zeroed<int>(rows.DistinctValueCount);
        var lastRowOfEntry = new List<int>(rowCount);
        var firstRows = new List<int>(rowCount);
        var entryOfRow = new int[rowCount]; // entries numbered in file order
        _rowNext = new int[rowCount];
        for (var row = 0; row < rowCount; row++)
        {
            _rowNext[row] = -1;
            var address = rows.ValueId(row, ExtractionColumns.Address);
            var entry = entryOfAddress[address] - 1;
            entryOfRow[row] = entry < 0 ? firstRows.Count : entry;
            if (entry < 0)
            {
                entryOfAddress[address] = firstRows.Count + 1;
                firstRows.Add(row);
                lastRowOfEntry.Add(row);
            }
            else
            {
                _rowNext[lastRowOfEntry[entry]] = row;
                lastRowOfEntry[entry] = row;
            }
        }
        entryOfAddress = [];
        var entryCount = firstRows.Count;
        int[] firstRowOfEntry = [.. firstRows];
        firstRows = lastRowOfEntry = null!;
        // The words of the addresses (one distinct address per entry, so the most interning) and the identifiers are found
        // in tasks, by entry in file order, while this thread ranks the entries and finds the other words; they are merged
        // below. (firstRowOfEntry and entryOfRow, which they read, are let go only once they are done.) In a rebuild, they
        // start once the ranking is done and its memory let go, one after the other.
        Task<(string[] Sorted, int[] EntryStart, int[] Words)>? emailTask = null;
        Task<(ulong[] Keys, int[] Entries)>? identifierTask = null;
        if (!BuildParallelism.IsOneAfterTheOther)
        {
            emailTask = Task.Run(() => BuildEmailWords(rows, firstRowOfEntry));
            identifierTask = Task.Run(() => BuildIdentifiers(rows, entryOfRow));
        }

        // City of each L6 value (by its id in the column): « 44093 NANTES CEDEX 1 » without its postal code, once per
        // distinct line.
        var deliveries = rows.Cells.ColumnValueCount(ExtractionColumns.L6Delivery);
        _cityOfDelivery = new int[deliveries];
        var cityNames = new List<string> { string.Empty };
        var cityIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        // The build reads values as characters: the row set makes a value's string (and keeps it) only when a search shows
        // it, so a rebuild's new row set holds no strings at the rebuild's peak of memory.
        var valueChars = new char[128];
        for (var delivery = 1; delivery < deliveries; delivery++)
        {
            var line = rows.Chars(rows.Cells.ColumnValue(ExtractionColumns.L6Delivery, delivery), ref valueChars);
            var space = line.IndexOf(' ');
            var cityChars = space > 0 && !line[..space].ContainsAnyExceptInRange('0', '9') ? line[(space + 1)..].Trim() : line;
            if (cityChars.IsEmpty)
            {
                continue;
            }
            var city = new string(cityChars);
            if (!cityIndex.TryGetValue(city, out var index))
            {
                index = cityNames.Count;
                cityNames.Add(city);
                cityIndex.Add(city, index);
            }
            _cityOfDelivery[delivery] = index;
        }
        _cityNames = [.. cityNames];
        cityIndex.Clear();

        // The kind of each mailbox type (the column's few values).
        var kindOfType = new MailboxKind[rows.Cells.ColumnValueCount(ExtractionColumns.MailboxType)];
        for (var local = 0; local < kindOfType.Length; local++)
        {
            kindOfType[local] = KindOf(rows.Chars(rows.Cells.ColumnValue(ExtractionColumns.MailboxType, local), ref valueChars));
        }

        // 2. Entries numbered in rank order: kind, then folded name (last name, or structure), then folded first name.
        var nameRank = RankFolded(firstRowOfEntry, rows, ExtractionColumns.LastName, ExtractionColumns.Organization);
        var firstNameRank = RankFolded(firstRowOfEntry, rows, ExtractionColumns.FirstName, -1);
        var keys = new ulong[entryCount];
        var order = new int[entryCount];
        for (var e = 0; e < entryCount; e++)
        {
            var row = firstRowOfEntry[e];
            var kind = kindOfType[rows.LocalId(row, ExtractionColumns.MailboxType)];
            ulong kindRank = Options.KindOrder switch
            {
                DirectoryKindOrder.PersonsFirst => kind == MailboxKind.Personal ? 0UL : 1UL,
                DirectoryKindOrder.StructuresFirst => kind == MailboxKind.Personal ? 1UL : 0UL,
                _ => 0UL,
            };
            var last = rows.ValueId(row, ExtractionColumns.LastName);
            var name = last != 0 ? nameRank[last] : nameRank[rows.ValueId(row, ExtractionColumns.Organization)];
            keys[e] = (kindRank << 62) | ((ulong)name << 31) | (uint)firstNameRank[rows.ValueId(row, ExtractionColumns.FirstName)];
            order[e] = e;
        }
        nameRank = [];
        firstNameRank = [];
        RadixSort.Sort(keys, order, entryCount); // stable: equal keys keep file order
        keys = [];
        // `order` maps ranks to entries in file order (the numbering of the address words and the identifiers).
        _entryFirstRow = new int[entryCount];
        var rankOfEntry = new int[entryCount];
        for (var e = 0; e < entryCount; e++)
        {
            _entryFirstRow[e] = firstRowOfEntry[order[e]];
            rankOfEntry[order[e]] = e;
        }
        // Once found, the address words are put in rank order on the other core, while this thread gathers the other words.
        emailTask ??= Task.Run(() => BuildEmailWords(rows, firstRowOfEntry));
        var emailByRank = emailTask.ContinueWith(found => InRankOrder(found.Result, order), TaskScheduler.Default);
        // In a rebuild, the identifiers after the address words, on the same other thread.
        identifierTask ??= emailByRank.ContinueWith(_ => BuildIdentifiers(rows, entryOfRow), TaskScheduler.Default);
        // The task in file order is let go: it would keep its result, 15 MB, to the end (this method's locals are not
        // tracked one by one).
        emailTask = null!;

        // 3. Words of each entry; 4. and 5. the words sorted, and the postings. Each in a method of its own: this constructor's
        // frame is too large for the compiler to track its temporaries one by one, so whatever one of them referenced (a span
        // of the entries' words, a tuple of the address words' arrays) stayed alive to the constructor's end, ≈ 60 MB at a
        // rebuild's peak of memory.
        var gathered = GatherEntryWords(rows, rankOfEntry, entryOfRow, kindOfType);
        (_identifierKeys, _identifierEntries) = IdentifiersByRank(identifierTask.GetAwaiter().GetResult(), rankOfEntry);
        rankOfEntry = entryOfRow = [];

        (_tokens, _postingStart, _denseStart, _postingAt, _postings, _bitmaps) = Postings(gathered, ref emailByRank);
        order = firstRowOfEntry = []; // the tasks are done with them

        // 6. Short free-text prefixes spanning many words merged once, each length by its own thread.
        var merged = new List<(long Range, CandidateSet Set)>[3];
        BuildParallelism.For(merged.Length, i => merged[i] = MergeShortPrefixes(i + 1, entryCount));
        _rangeSets = [];
        foreach (var (range, set) in merged.SelectMany(m => m))
        {
            _rangeSets[range] = set; // a range can be that of two lengths (« ab » and « abc »): the same entries
        }
    }

    /// <summary>
    /// Step 3 of the build: the words of each entry (entries in rank order), as provisional ids of a word pool, each word once
    /// per entry; a dense word's entries go into its bitmap instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private EntryWords GatherEntryWords(ExtractionRowSet rows, int[] rankOfEntry, int[] entryOfRow, MailboxKind[] kindOfType)
    {
        var rowCount = rows.Count;
        var entryCount = rankOfEntry.Length;
        // Words as provisional ids of a word pool (sorted once, in Postings), each word once per entry. The words
        // of a column's distinct values are found once each, by the column's own numbering of its values: a row then reads,
        // for each column, the run of word ids of its cell (where a cache by value id and a dictionary of tagged words took
        // twice the time).
        var words = new StringPool(1 << 18);
        var buffer = new char[256];
        var decoded = new char[256];
        var tagged = new char[256];
        var wordColumns = TextColumns.Union(FieldColumns.Select(f => f.Column)).ToArray();
        var columnWords = new (int[] Start, int[] Words)[wordColumns.Length];
        for (var i = 0; i < wordColumns.Length; i++)
        {
            var column = wordColumns[i];
            var tag = Array.Find(FieldColumns, f => f.Column == column).Tag;
            columnWords[i] = ValueWords(column, rows.Cells.ColumnValueCount(column), TextColumns.Contains(column), tag?[0] ?? '\0');
        }
        var cityWords = ValueWords(-1, _cityNames.Length, true, CityTag[0]);
        var kindWordOfType = new int[kindOfType.Length];
        for (var local = 0; local < kindWordOfType.Length; local++)
        {
            kindWordOfType[local] = Tagged(KindTag[0], KindWord(kindOfType[local]));
        }
        // A dense word (in over 1/16 of the entries) gets a bitmap rather than postings: 43 % of the national file's
        // postings. Dense words are found here, before the entries' words are gathered, from how many rows hold each value
        // (never fewer than the entries that hold the word, so no dense word is missed), and their entries go straight into
        // their bitmaps: the entries' words, at the build's peak of memory, hold only the others.
        var dense = Math.Max(64, entryCount / 16);
        var bitmapWords = (entryCount + 63) >> 6;
        // The entries' words are gathered by two threads, each half of the entries (split at a multiple of 64, so that they
        // set no bitmap's word in common), so the rows are counted, and the words estimated, by half: the first half's rows
        // bound how far its words can reach, and the second half's are gathered from there.
        var estimate = new[] { new long[words.Count], new long[words.Count] }; // by half
        var half = (entryCount / 2) & ~63;
        var rowsOfValue = new int[2][][]; // by half, by column, by value
        var rowsOfDelivery = new int[2][];
        var rowsOfType = new int[2][];
        for (var h = 0; h < 2; h++)
        {
            rowsOfValue[h] = [.. wordColumns.Select(column => new int[rows.Cells.ColumnValueCount(column)])];
            rowsOfDelivery[h] = new int[rows.Cells.ColumnValueCount(ExtractionColumns.L6Delivery)];
            rowsOfType[h] = new int[kindWordOfType.Length];
        }
        for (var row = 0; row < rowCount; row++)
        {
            var h = rankOfEntry[entryOfRow[row]] < half ? 0 : 1;
            for (var i = 0; i < wordColumns.Length; i++)
            {
                rowsOfValue[h][i][rows.LocalId(row, wordColumns[i])]++;
            }
            rowsOfDelivery[h][rows.LocalId(row, ExtractionColumns.L6Delivery)]++;
            rowsOfType[h][rows.LocalId(row, ExtractionColumns.MailboxType)]++;
        }
        var rowsOfCity = new int[2][];
        for (var h = 0; h < 2; h++)
        {
            rowsOfCity[h] = new int[_cityNames.Length];
            for (var delivery = 0; delivery < rowsOfDelivery[h].Length; delivery++)
            {
                rowsOfCity[h][_cityOfDelivery[delivery]] += rowsOfDelivery[h][delivery];
            }
            for (var i = 0; i < wordColumns.Length; i++)
            {
                Estimate(columnWords[i], rowsOfValue[h][i], estimate[h]);
            }
            Estimate(cityWords, rowsOfCity[h], estimate[h]);
            for (var local = 0; local < kindWordOfType.Length; local++)
            {
                estimate[h][kindWordOfType[local]] += rowsOfType[h][local];
            }
        }
        var bitmapOf = new int[words.Count]; // where a dense word's bitmap starts in `bitmaps`, or -1
        var denseWords = 0;
        long sparseWords = 0; // at most as many as the entries' words to gather
        long firstHalfWords = 0; // at most as many as the first half's
        for (var w = 0; w < bitmapOf.Length; w++)
        {
            var rowsWithWord = estimate[0][w] + estimate[1][w];
            bitmapOf[w] = rowsWithWord >= dense ? denseWords++ * bitmapWords : -1;
            if (rowsWithWord < dense)
            {
                sparseWords += rowsWithWord;
                firstHalfWords += estimate[0][w];
            }
        }
        estimate = [];
        rowsOfValue = [];
        rowsOfCity = rowsOfDelivery = rowsOfType = [];
        var bitmaps = LargeArrays.Zeroed<ulong>(denseWords * bitmapWords);
        // Entries in rank order, so that the postings below are filled reading these words in order; an entry of several
        // rows (one address, several rows of the file) gets the union of its rows' words, once each.
        var entryWordStart = new int[entryCount + 1];
        BuildParallelism.MakeRoom();
        var entryWords = LargeArrays.Uninitialized<int>((int)Math.Min(sparseWords, Array.MaxLength)); // read only below `used`
        var ends = new int[2];
        BuildParallelism.Invoke(() => ends[0] = Gather(0, half, 0), () => ends[1] = Gather(half, entryCount, (int)firstHalfWords));
        // The second half's words moved down to follow the first's.
        var gap = (int)firstHalfWords - ends[0];
        Array.Copy(entryWords, firstHalfWords, entryWords, ends[0], ends[1] - firstHalfWords);
        for (var e = half + 1; e <= entryCount; e++)
        {
            entryWordStart[e] -= gap;
        }
        var used = ends[1] - gap;
        return new EntryWords(words, entryWords, entryWordStart, used, half, bitmapOf, bitmaps, denseWords, dense);

        // Gathers the words of entries [from, to) into entryWords from `at`; returns where they end.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        int Gather(int from, int to, int at)
        {
            var seenBy = new int[bitmapOf.Length];
            seenBy.AsSpan().Fill(-1);
            for (var e = from; e < to; e++)
            {
                for (var row = _entryFirstRow[e]; row >= 0; row = _rowNext[row])
                {
                    for (var i = 0; i < wordColumns.Length; i++)
                    {
                        AddRun(columnWords[i], rows.LocalId(row, wordColumns[i]), e, seenBy, ref at);
                    }
                    AddRun(cityWords, _cityOfDelivery[rows.LocalId(row, ExtractionColumns.L6Delivery)], e, seenBy, ref at);
                    AddWord(kindWordOfType[rows.LocalId(row, ExtractionColumns.MailboxType)], e, seenBy, ref at);
                }
                entryWordStart[e + 1] = at;
            }
            return at;
        }

        // Adds a value's words (the run of its local id) to the entry's.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void AddRun((int[] Start, int[] Words) valueWords, int local, int entry, int[] seenBy, ref int at)
        {
            for (var p = valueWords.Start[local]; p < valueWords.Start[local + 1]; p++)
            {
                AddWord(valueWords.Words[p], entry, seenBy, ref at);
            }
        }

        // Adds a word to the entry: its bit when the word is dense, else to the entry's words, once.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void AddWord(int w, int entry, int[] seenBy, ref int at)
        {
            if (bitmapOf[w] >= 0)
            {
                bitmaps[bitmapOf[w] + (entry >> 6)] |= 1UL << (entry & 63);
            }
            else if (seenBy[w] != entry)
            {
                seenBy[w] = entry;
                entryWords[at++] = w;
            }
        }

        // Adds the rows holding each value to the estimate of each of its words.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Estimate((int[] Start, int[] Words) valueWords, int[] rowsOf, long[] estimate)
        {
            for (var v = 1; v < rowsOf.Length; v++)
            {
                for (var p = valueWords.Start[v]; p < valueWords.Start[v + 1]; p++)
                {
                    estimate[valueWords.Words[p]] += rowsOf[v];
                }
            }
        }

        // The words of a column's values 1 to count - 1 (0 is the empty value), or of the cities when column is -1, once
        // each: each folded word as is when plain, and tagged when tag is not 0; a value's words are Words[Start[v]..Start[v + 1]].
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        (int[] Start, int[] Words) ValueWords(int column, int count, bool plain, char tag)
        {
            var start = new int[count + 1];
            var ids = new int[Math.Max(16, count * 2)];
            var n = 0;
            for (var v = 1; v < count; v++)
            {
                start[v] = n;
                var text = column < 0 ? _cityNames[v] : rows.Chars(rows.Cells.ColumnValue(column, v), ref decoded);
                var length = TextFolding.Fold(text, ref buffer);
                var folded = buffer.AsSpan(0, length);
                for (var pos = 0; NextWord(folded, ref pos, out var wordStart, out var wordLength);)
                {
                    if (n + 2 > ids.Length)
                    {
                        Array.Resize(ref ids, ids.Length * 2);
                    }
                    var word = folded.Slice(wordStart, wordLength);
                    if (plain)
                    {
                        ids[n++] = words.Intern(word);
                    }
                    if (tag != '\0')
                    {
                        ids[n++] = Tagged(tag, word);
                    }
                }
            }
            start[count] = n;
            return (start, ids);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        int Tagged(char tag, ReadOnlySpan<char> word)
        {
            if (tagged.Length < word.Length + 1)
            {
                tagged = new char[word.Length * 2];
            }
            tagged[0] = tag;
            word.CopyTo(tagged.AsSpan(1));
            return words.Intern(tagged.AsSpan(0, word.Length + 1));
        }
    }

    /// <summary>
    /// What step 3 gathers and steps 4 and 5 turn into the word list and the postings: the provisional word pool, the entries'
    /// words (entry <c>e</c>'s are <c>Words[Start[e]..Start[e + 1]]</c>, <c>Used</c> in all), and the dense words' bitmaps.
    /// A class, so that <see cref="Postings"/> lets each part go as soon as it is read, whatever the caller's frame holds.
    /// </summary>
    private sealed class EntryWords(StringPool pool, int[] words, int[] start, int used, int half, int[] bitmapOf, ulong[] bitmaps, int denseWords, int dense)
    {
        public StringPool? Pool = pool;
        public int[] Words = words;
        public int[] Start = start;
        public readonly int Used = used;
        public readonly int Half = half; // the first entry of the second half (the two threads' split)
        public int[] BitmapOf = bitmapOf; // by provisional word id: where its bitmap starts in Bitmaps, or -1
        public ulong[] Bitmaps = bitmaps;
        public readonly int DenseWords = denseWords;
        public readonly int Dense = dense; // entries from which a word is dense
    }

    /// <summary>
    /// Steps 4 and 5 of the build: the words sorted (the address words, sorted in their task, merged in) as the index's word
    /// list, and the entries' words made postings, or bits of the dense words' bitmaps. Lets go of the word pool and the
    /// address words' task as soon as they are read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static (WordList Tokens, int[] PostingStart, int[] DenseStart, int[] PostingAt, int[] Postings, ulong[] Bitmaps) Postings(
        EntryWords gathered, ref Task<(string[] Sorted, int[] EntryStart, int[] Words)> emailByRank)
    {
        var (entryWords, entryWordStart, used, half, bitmapOf, bitmaps, denseWords, dense) =
            (gathered.Words, gathered.Start, gathered.Used, gathered.Half, gathered.BitmapOf, gathered.Bitmaps, gathered.DenseWords, gathered.Dense);
        // The holder lets go of all; this method's locals hold what it still reads, and are tracked one by one.
        gathered.Words = gathered.Start = gathered.BitmapOf = [];
        gathered.Bitmaps = [];
        // 4. Sort the words; remap provisional ids to sorted ids. The address words, sorted in their task, all begin with
        // their tag, so they go as one block where that tag sorts among the others.
        var (emailSorted, emailStart, emailWordIds) = emailByRank.GetAwaiter().GetResult();
        emailByRank = null!;
        var entryCount = entryWordStart.Length - 1;
        var bitmapWords = (entryCount + 63) >> 6;
        var wordCount = gathered.Pool!.Count;
        var (provisional, remap) = Sorted(gathered.Pool!);
        // The pool goes now, before the postings' arrays are made: a rebuild's memory is at its highest there.
        gathered.Pool = null;
        // Id 0 is the empty string, first after sorting: dropped, in both lists.
        var emailCount = emailSorted.Length - 1;
        var emailBase = 1;
        while (emailBase < wordCount && provisional[emailBase][0] < EmailTag[0])
        {
            emailBase++;
        }
        var sorted = new string[wordCount - 1 + emailCount];
        provisional.AsSpan(1, emailBase - 1).CopyTo(sorted);
        emailSorted.AsSpan(1).CopyTo(sorted.AsSpan(emailBase - 1));
        provisional.AsSpan(emailBase).CopyTo(sorted.AsSpan(emailBase - 1 + emailCount));
        provisional = emailSorted = [];
        var tokens = WordList.Of(sorted);
        sorted = [];
        foreach (ref var position in remap.AsSpan())
        {
            position = position < emailBase ? position - 1 : position - 1 + emailCount; // id 0 becomes -1, never read
        }
        emailBase--;

        // 5. Postings. The entries' words become sorted ids in place and are counted, reading the arrays in order; the
        // dense words are counted from their bitmaps, and the address words that are dense (their domains') get theirs
        // here, filled with the postings. Then a counting sort by word, entries visited in rank order (the order their words are in) so that each
        // list is ascending.
        var postingStart = new int[tokens.Count + 1];
        var denseStart = new int[tokens.Count];
        denseStart.AsSpan().Fill(-1);
        var emailWords = emailWordIds.AsSpan(0, emailStart[entryCount]);
        foreach (ref var w in entryWords.AsSpan(0, used))
        {
            w = remap[w];
            postingStart[w + 1]++;
        }
        for (var w = 1; w < wordCount; w++)
        {
            if (bitmapOf[w] >= 0)
            {
                denseStart[remap[w]] = bitmapOf[w];
                postingStart[remap[w] + 1] = PopCount(bitmaps.AsSpan(bitmapOf[w], bitmapWords));
            }
        }
        bitmapOf = [];
        foreach (ref var w in emailWords)
        {
            w += emailBase;
            postingStart[w + 1]++;
        }
        remap = [];
        // Any word now counted dense that has no bitmap yet: only address words can be, the others' estimates being above
        // their counts.
        for (var t = 0; t < tokens.Count; t++)
        {
            if (denseStart[t] < 0 && postingStart[t + 1] >= dense)
            {
                denseStart[t] = denseWords++ * bitmapWords;
            }
        }
        if ((long)denseWords * bitmapWords > bitmaps.Length)
        {
            var all = LargeArrays.Zeroed<ulong>(denseWords * bitmapWords);
            bitmaps.CopyTo(all, 0);
            bitmaps = all;
        }
        for (var t = 0; t < tokens.Count; t++)
        {
            postingStart[t + 1] += postingStart[t];
        }
        var (postingAt, kept) = PostingStorage(postingStart, denseStart);
        BuildParallelism.MakeRoom();
        var postings = LargeArrays.Uninitialized<int>(kept); // every element written below
        // Filled by the two threads, each its half of the entries (as they gathered them): the second half's postings of a
        // word start after the first's.
        var secondHalfAt = (int[])postingAt.Clone();
        foreach (var w in entryWords.AsSpan(0, entryWordStart[half]))
        {
            secondHalfAt[w]++;
        }
        foreach (var w in emailWords[..emailStart[half]])
        {
            secondHalfAt[w]++;
        }
        BuildParallelism.Invoke(() => Fill(0, half, (int[])postingAt.Clone()), () => Fill(half, entryCount, secondHalfAt));
        return (tokens, postingStart, denseStart, postingAt, postings, bitmaps);

        // Adds entries [from, to) to the postings (or the bitmaps) of each of their words; `at` says where each word's next
        // posting goes.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Fill(int from, int to, int[] at)
        {
            for (var e = from; e < to; e++)
            {
                Add(entryWords.AsSpan(entryWordStart[e], entryWordStart[e + 1] - entryWordStart[e]), e, at);
                Add(emailWordIds.AsSpan(emailStart[e], emailStart[e + 1] - emailStart[e]), e, at);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Add(ReadOnlySpan<int> ids, int e, int[] at)
        {
            foreach (var token in ids)
            {
                if (denseStart[token] >= 0)
                {
                    bitmaps[denseStart[token] + (e >> 6)] |= 1UL << (e & 63);
                }
                else
                {
                    postings[at[token]++] = e;
                }
            }
        }
    }

    /// <summary>
    /// The words of each entry's address, tagged as e-mail words: their own list, sorted (the first, id 0, the empty string),
    /// and the word ids of each entry (in file order, as given) with one less (the first word 0), each once: entry
    /// <c>e</c>'s are <c>Words[EntryStart[e]..EntryStart[e + 1]]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (string[] Sorted, int[] EntryStart, int[] Words) BuildEmailWords(ExtractionRowSet rows, int[] entryFirstRow)
    {
        var pool = new StringPool(1 << 18, 1 << 21);
        var decoded = new char[256];
        var entryStart = new int[entryFirstRow.Length + 1];
        var words = new int[entryFirstRow.Length * 6];
        var used = 0;
        var buffer = new char[256];
        var tagged = new char[256];
        var seenBy = new int[1 << 18];
        seenBy.AsSpan().Fill(-1);
        // The domain's words, once per distinct domain (a structure's domain serves all its mailboxes).
        var domains = new StringPool(1 << 14);
        var domainWords = new int[]?[1 << 14];
        var scratch = new List<int>();
        for (var e = 0; e < entryFirstRow.Length; e++)
        {
            var row = entryFirstRow[e];
            var address = rows.Chars(rows.ValueId(row, ExtractionColumns.Address), ref decoded);
            var at = address.LastIndexOf('@');
            var domain = domains.Intern(address[(at + 1)..]);
            if (domain >= domainWords.Length)
            {
                Array.Resize(ref domainWords, domainWords.Length * 2);
            }
            if (domainWords[domain] is not { } known)
            {
                InternWords(address[(at + 1)..]);
                known = domainWords[domain] = [.. scratch];
            }
            InternWords(address[..at]);
            scratch.AddRange(known);
            foreach (var id in scratch)
            {
                if (id >= seenBy.Length)
                {
                    var grown = new int[Math.Max(pool.Count, seenBy.Length * 2)];
                    grown.AsSpan(seenBy.Length).Fill(-1);
                    seenBy.CopyTo(grown, 0);
                    seenBy = grown;
                }
                if (seenBy[id] != e)
                {
                    seenBy[id] = e;
                    if (used == words.Length)
                    {
                        Array.Resize(ref words, words.Length * 2);
                    }
                    words[used++] = id;
                }
            }
            entryStart[e + 1] = used;
        }
        var (sorted, positionOf) = Sorted(pool);
        foreach (ref var w in words.AsSpan(0, used))
        {
            w = positionOf[w] - 1;
        }
        return (sorted, entryStart, words);

        // Folds text and interns its words, tagged, into scratch (cleared first).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void InternWords(ReadOnlySpan<char> text)
        {
            scratch.Clear();
            var length = TextFolding.Fold(text, ref buffer);
            for (var pos = 0; NextWord(buffer.AsSpan(0, length), ref pos, out var wordStart, out var wordLength);)
            {
                if (tagged.Length < wordLength + 1)
                {
                    tagged = new char[(wordLength + 1) * 2];
                }
                tagged[0] = EmailTag[0];
                buffer.AsSpan(wordStart, wordLength).CopyTo(tagged.AsSpan(1));
                scratch.Add(pool.Intern(tagged.AsSpan(0, wordLength + 1)));
            }
        }
    }

    /// <summary>A pool's values sorted ordinally (the empty string, id 0, first), and each id's position among them.</summary>
    private static (string[] Sorted, int[] PositionOf) Sorted(StringPool pool)
    {
        var sorted = pool.ToArray();
        var ids = new int[sorted.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }
        Array.Sort(sorted, ids, StringComparer.Ordinal);
        var positionOf = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            positionOf[ids[i]] = i;
        }
        return (sorted, positionOf);
    }

    /// <summary>The address words of <see cref="BuildEmailWords"/> with their entries in rank order (<paramref name="order"/> gives each rank's entry).</summary>
    private static (string[] Sorted, int[] EntryStart, int[] Words) InRankOrder((string[] Sorted, int[] EntryStart, int[] Words) byEntry, int[] order)
    {
        var entryStart = new int[order.Length + 1];
        var words = new int[byEntry.EntryStart[^1]];
        for (var e = 0; e < order.Length; e++)
        {
            var from = byEntry.EntryStart[order[e]];
            var count = byEntry.EntryStart[order[e] + 1] - from;
            byEntry.Words.AsSpan(from, count).CopyTo(words.AsSpan(entryStart[e]));
            entryStart[e + 1] = entryStart[e] + count;
        }
        return (byEntry.Sorted, entryStart, words);
    }

    /// <summary>
    /// The searchable identifiers (RPPS or ADELI number, and national id) as <see cref="IdentifierCode"/> keys, sorted, each
    /// key's entries (as <paramref name="entryOfRow"/> numbers them) ascending and once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ulong[] Keys, int[] Entries) BuildIdentifiers(ExtractionRowSet rows, int[] entryOfRow)
    {
        var keys = LargeArrays.Uninitialized<ulong>(entryOfRow.Length * 2); // read only below `count`
        var decoded = new char[64];
        var entries = LargeArrays.Uninitialized<int>(entryOfRow.Length * 2);
        var count = 0;
        Span<char> national = stackalloc char[IdentifierCode.MaxLength];
        // The identifier type of each of the column's few values: '8' (RPPS), '0' (ADELI), or none.
        var typeOf = new char[rows.Cells.ColumnValueCount(ExtractionColumns.ProfessionalIdType)];
        for (var local = 0; local < typeOf.Length; local++)
        {
            var text = rows.Chars(rows.Cells.ColumnValue(ExtractionColumns.ProfessionalIdType, local), ref decoded);
            typeOf[local] = text is "8" or "0" ? text[0] : '\0';
        }
        for (var row = 0; row < entryOfRow.Length; row++)
        {
            var id = rows.ValueId(row, ExtractionColumns.ProfessionalId);
            if (id == 0)
            {
                continue;
            }
            // Only identifiers that parse are searchable, as DirectoryEntry.Identifier holds only those.
            var type = typeOf[rows.LocalId(row, ExtractionColumns.ProfessionalIdType)];
            var value = rows.Chars(id, ref decoded);
            var valid = type switch
            {
                '8' => Rpps.IsValid(value),
                '0' => Adeli.IsValid(value),
                _ => false,
            };
            if (!valid)
            {
                continue;
            }
            // The number, and the national id: the type's prefix (8 or 0) and the number (two keys a row at most).
            national[0] = type;
            value.CopyTo(national[1..]);
            keys[count] = IdentifierCode.Encode(value);
            entries[count++] = entryOfRow[row];
            keys[count] = IdentifierCode.Encode(national[..(value.Length + 1)]);
            entries[count++] = entryOfRow[row];
        }
        RadixSort.Sort(keys, entries, count);
        // Within a key (a professional with several mailboxes, or several rows), entries ascending and once.
        SortWithinKeys(keys, entries, count);
        var kept = 0;
        for (var k = 0; k < count; k++)
        {
            if (k == 0 || keys[k] != keys[k - 1] || entries[k] != entries[k - 1])
            {
                keys[kept] = keys[k];
                entries[kept++] = entries[k];
            }
        }
        return (keys.AsSpan(0, kept).ToArray(), entries.AsSpan(0, kept).ToArray());
    }

    /// <summary>Sorts the entries of each run of equal keys among the first <paramref name="count"/>.</summary>
    private static void SortWithinKeys(ulong[] keys, int[] entries, int count)
    {
        for (var i = 0; i < count;)
        {
            var j = i + 1;
            while (j < count && keys[j] == keys[i])
            {
                j++;
            }
            if (j - i > 1)
            {
                Array.Sort(entries, i, j - i);
            }
            i = j;
        }
    }

    /// <summary>The identifiers of <see cref="BuildIdentifiers"/> with their entries renumbered by <paramref name="rankOfEntry"/>, each key's still ascending.</summary>
    private static (ulong[] Keys, int[] Entries) IdentifiersByRank((ulong[] Keys, int[] Entries) identifiers, int[] rankOfEntry)
    {
        var (keys, entries) = identifiers;
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = rankOfEntry[entries[i]];
        }
        SortWithinKeys(keys, entries, keys.Length);
        return identifiers;
    }

    /// <summary>The next word of folded text (words are ranges between single spaces), from <paramref name="pos"/>; false at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool NextWord(ReadOnlySpan<char> folded, ref int pos, out int start, out int length)
    {
        while (pos < folded.Length)
        {
            var space = folded[pos..].IndexOf(' ');
            var end = space < 0 ? folded.Length : pos + space;
            start = pos;
            length = end - pos;
            pos = end + 1;
            if (length > 0)
            {
                return true;
            }
        }
        start = 0;
        length = 0;
        return false;
    }

    /// <summary>For each value id used by entries in <paramref name="column"/> (or <paramref name="fallback"/> when empty), the rank of its folded text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] RankFolded(int[] firstRows, ExtractionRowSet rows, int column, int fallback)
    {
        var rank = LargeArrays.Zeroed<int>(rows.DistinctValueCount);
        var seen = new List<int>();
        var mark = new bool[rows.DistinctValueCount];
        foreach (var row in firstRows)
        {
            var id = rows.ValueId(row, column);
            if (id == 0 && fallback >= 0)
            {
                id = rows.ValueId(row, fallback);
            }
            if (!mark[id])
            {
                mark[id] = true;
                seen.Add(id);
            }
        }
        var buffer = new char[128];
        var decoded = new char[128];
        var folded = new string[seen.Count];
        for (var i = 0; i < folded.Length; i++)
        {
            var length = TextFolding.Fold(rows.Chars(seen[i], ref decoded), ref buffer);
            folded[i] = new string(buffer, 0, length);
        }
        var ids = seen.ToArray();
        Array.Sort(folded, ids, StringComparer.Ordinal);
        var r = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (i > 0 && folded[i] != folded[i - 1])
            {
                r++;
            }
            rank[ids[i]] = r;
        }
        return rank;
    }

    /// <summary>The free-text ranges of <paramref name="length"/> letters that span several words and many postings, merged, by range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<(long Range, CandidateSet Set)> MergeShortPrefixes(int length, int entryCount)
    {
        var merged = new List<(long Range, CandidateSet Set)>();
        var tokens = _tokens;
        var dense = entryCount / 32;
        var t = 0;
        while (t < tokens.Count)
        {
            var token = tokens[t];
            if (token.Length < length || token[0] < '0')
            {
                t++;
                continue; // too short for this prefix, or a field word
            }
            var end = t + 1;
            while (end < tokens.Count && tokens[end].Length >= length && tokens[end][..length].SequenceEqual(token[..length]))
            {
                end++;
            }
            // Tokens shorter than the prefix sort before the range, so [t, end) is exactly the prefix's range.
            if (end - t > 1 && _postingStart[end] - _postingStart[t] >= MergeAtBuildThreshold)
            {
                var bits = new ulong[(entryCount + 63) >> 6];
                Scatter(bits, t, end);
                var count = PopCount(bits);
                CandidateSet set;
                if (count >= dense)
                {
                    set = CandidateSet.Bitmap(bits, count);
                }
                else
                {
                    var ids = new int[count];
                    var cursor = new CandidateSet.Cursor(CandidateSet.Bitmap(bits, count));
                    var n = 0;
                    for (var id = cursor.Next(); id >= 0; id = cursor.Next())
                    {
                        ids[n++] = id;
                    }
                    set = CandidateSet.Slice(ids, 0, count);
                }
                merged.Add((((long)t << 32) | (uint)end, set));
            }
            t = end;
        }
        return merged;
    }
}
