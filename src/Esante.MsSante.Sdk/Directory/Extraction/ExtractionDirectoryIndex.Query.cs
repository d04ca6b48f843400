namespace Esante.MsSante.Directory;

public sealed partial class ExtractionDirectoryIndex
{
    // Field words live in the same sorted array as free-text words, behind a control character no folded word contains.
    internal const string LastNameTag = "\u0001";
    internal const string FirstNameTag = "\u0002";
    internal const string PostalCodeTag = "\u0003";
    internal const string CityTag = "\u0004";
    internal const string DepartmentTag = "\u0005";
    internal const string ProfessionTag = "\u0006";
    internal const string OrganizationTag = "\u0007";
    internal const string EmailTag = "\u0008";
    internal const string KindTag = "\u000B";

    /// <summary>One criterion of a query: a range of words (any of them matches), or a set computed otherwise.</summary>
    private struct Term
    {
        public int Lo;
        public int Hi;
        public long Estimate;
        public bool IsText;
        public int ExactToken; // the word itself, for free-text words; -1 when no word equals it
        public CandidateSet? Fixed; // identifier or département: computed up front
    }

    /// <summary>Per-thread buffers, so a query allocates little beyond its page.</summary>
    private sealed class QueryScratch
    {
        public readonly List<int> Exact = new(64);
        public readonly List<int> Prefix = new(64);
        public Term[] Terms = new Term[8];
        public int[] Candidates = new int[1024];
        private readonly Stack<ulong[]> _free = new();
        private int _bitmapLength;

        private readonly HashSet<ulong[]> _rented = new(ReferenceEqualityComparer.Instance);

        /// <summary>A cleared bitmap for this query; only these ever go back to the free list, never the index's own.</summary>
        public ulong[] RentBitmap(int entries)
        {
            var length = (entries + 63) >> 6;
            if (length != _bitmapLength)
            {
                _free.Clear();
                _bitmapLength = length;
            }
            if (_free.TryPop(out var bits))
            {
                Array.Clear(bits);
            }
            else
            {
                bits = new ulong[length];
            }
            _rented.Add(bits);
            return bits;
        }

        public void Return(CandidateSet set)
        {
            if (set.Bits is { } bits && _rented.Remove(bits) && bits.Length == _bitmapLength && _free.Count < 4)
            {
                _free.Push(bits);
            }
        }

        public void Reset()
        {
            Exact.Clear();
            Prefix.Clear();
            // Bitmaps still rented by an earlier query that stopped early go back too.
            foreach (var bits in _rented)
            {
                if (bits.Length == _bitmapLength && _free.Count < 4)
                {
                    _free.Push(bits);
                }
            }
            _rented.Clear();
        }
    }

    /// <summary>Runs a query: fills the scratch's exact and prefix-only buckets (first Skip+Take each) and returns the total.</summary>
    private int Run(DirectoryQuery query, QueryScratch scratch)
    {
        scratch.Reset();
        var need = (int)Math.Min((long)query.Skip + query.Take, int.MaxValue);
        var termCount = 0;

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var words = DirectoryText.Words(query.Text);
            if (words.Length == 0)
            {
                return 0; // only punctuation: nothing, rather than everything
            }
            foreach (var word in words)
            {
                if (!AddRange(scratch, ref termCount, word, isText: true))
                {
                    return 0;
                }
            }
        }
        if (!AddField(scratch, ref termCount, LastNameTag, query.LastName) ||
            !AddField(scratch, ref termCount, FirstNameTag, query.FirstName) ||
            !AddField(scratch, ref termCount, PostalCodeTag, query.PostalCode) ||
            !AddField(scratch, ref termCount, CityTag, query.City) ||
            !AddField(scratch, ref termCount, ProfessionTag, query.Profession) ||
            !AddField(scratch, ref termCount, OrganizationTag, query.Organization) ||
            !AddField(scratch, ref termCount, EmailTag, query.Email))
        {
            return 0;
        }
        if (query.MailboxKind is { } kind && !AddRange(scratch, ref termCount, KindTag + KindWord(kind), isText: false, exactOnly: true))
        {
            return 0;
        }
        if (!string.IsNullOrWhiteSpace(query.Identifier))
        {
            var set = IdentifierSet(query.Identifier.Trim());
            if (set.Count == 0)
            {
                return 0;
            }
            AddFixed(scratch, ref termCount, set);
        }
        if (DirectoryText.Words(query.Department).Length > 0)
        {
            var set = DepartmentSet(query.Department!, scratch);
            if (set.Count == 0)
            {
                return 0;
            }
            AddFixed(scratch, ref termCount, set);
        }

        var terms = scratch.Terms;
        if (termCount == 0)
        {
            // Every criterion was punctuation only, which constrains nothing (as in InMemoryDirectory): every entry.
            return Single(scratch, CandidateSet.All(Count), exact: null, need);
        }
        // Most selective first.
        Array.Sort(terms, 0, termCount, TermByEstimate.Instance);
        if (termCount == 1)
        {
            var only = terms[0];
            var set = Materialize(only, scratch);
            return Single(scratch, set, only.IsText ? (only.ExactToken >= 0 ? TokenSet(only.ExactToken) : CandidateSet.Empty) : null, need);
        }

        // Several criteria: the candidates of the most selective, filtered by each of the others in turn.
        var first = Materialize(terms[0], scratch);
        int n;
        CandidateSet matches;
        if (first.Bits is not null && first.Count >= DenseIntersection)
        {
            // Even the most selective criterion is dense (« chu na », « ma j »): AND the bitmaps word by word and count
            // with popcount, rather than testing tens of thousands of candidates one by one.
            matches = IntersectBitmaps(first, terms, termCount, scratch);
            n = matches.Count;
        }
        else
        {
            if (scratch.Candidates.Length < first.Count)
            {
                scratch.Candidates = new int[Math.Max(first.Count, scratch.Candidates.Length * 2)];
            }
            var candidates = scratch.Candidates;
            n = 0;
            var reader = new CandidateSet.Cursor(first);
            for (var id = reader.Next(); id >= 0; id = reader.Next())
            {
                candidates[n++] = id;
            }
            scratch.Return(first);
            for (var t = 1; t < termCount && n > 0; t++)
            {
                var set = Materialize(terms[t], scratch);
                var cursor = new CandidateSet.Cursor(set);
                var kept = 0;
                for (var i = 0; i < n; i++)
                {
                    var id = candidates[i];
                    if (cursor.Contains(id))
                    {
                        candidates[kept++] = id;
                    }
                }
                n = kept;
                scratch.Return(set);
            }
            matches = CandidateSet.Slice(candidates, 0, n);
        }

        // Rank: entries where every free-text word is a whole word first, then those where some word is only a prefix.
        var textTerms = 0;
        var anyWithoutExact = false;
        for (var t = 0; t < termCount; t++)
        {
            if (terms[t].IsText)
            {
                textTerms++;
                anyWithoutExact |= terms[t].ExactToken < 0;
            }
        }
        // The matches are read in id order, which is rank order, so only the first page's worth is visited.
        var matchReader = new CandidateSet.Cursor(matches);
        if (textTerms == 0 || anyWithoutExact)
        {
            var bucket = textTerms == 0 ? scratch.Exact : scratch.Prefix;
            for (var id = bucket.Count < need ? matchReader.Next() : -1; id >= 0; id = bucket.Count < need ? matchReader.Next() : -1)
            {
                bucket.Add(id);
            }
            return n;
        }
        var cursors = new CandidateSet.Cursor[textTerms];
        var c = 0;
        for (var t = 0; t < termCount; t++)
        {
            if (terms[t].IsText)
            {
                cursors[c++] = new CandidateSet.Cursor(TokenSet(terms[t].ExactToken));
            }
        }
        for (var id = matchReader.Next(); id >= 0; id = matchReader.Next())
        {
            if (scratch.Exact.Count >= need && scratch.Prefix.Count >= need)
            {
                break;
            }
            var exact = true;
            for (var k = 0; k < cursors.Length; k++)
            {
                if (!cursors[k].Contains(id))
                {
                    exact = false;
                }
            }
            var bucket = exact ? scratch.Exact : scratch.Prefix;
            if (bucket.Count < need)
            {
                bucket.Add(id);
            }
        }
        return n;
    }

    /// <summary>A most selective set at least this large, as a bitmap, is intersected word by word (a bitmap is Count/64 words).</summary>
    private const int DenseIntersection = 4_096;

    /// <summary>
    /// The entries in <paramref name="first"/> (a bitmap) and in every other term: a scratch bitmap ANDed word by word with
    /// the others' bitmaps (a sparse one is scattered into a bitmap first), counted with popcount.
    /// </summary>
    private CandidateSet IntersectBitmaps(CandidateSet first, Term[] terms, int termCount, QueryScratch scratch)
    {
        var result = scratch.RentBitmap(Count);
        first.BitSpan.CopyTo(result);
        scratch.Return(first);
        ulong[]? sparse = null;
        for (var t = 1; t < termCount; t++)
        {
            var set = Materialize(terms[t], scratch);
            if (set.IsAll)
            {
                continue;
            }
            var bits = set.BitSpan;
            if (set.Bits is null)
            {
                sparse ??= new ulong[result.Length];
                Array.Clear(sparse);
                var ids = set.Ids!;
                for (var i = set.Start; i < set.Start + set.Count; i++)
                {
                    var id = ids[i];
                    sparse[id >> 6] |= 1UL << (id & 63);
                }
                bits = sparse;
            }
            var r = result.AsSpan();
            var other = bits[..r.Length];
            for (var i = 0; i < r.Length; i++)
            {
                r[i] &= other[i];
            }
            scratch.Return(set);
        }
        return CandidateSet.Bitmap(result, PopCount(result));
    }

    /// <summary>One criterion: its count is the total, and the page is read from the front of its set.</summary>
    private static int Single(QueryScratch scratch, CandidateSet set, CandidateSet? exact, int need)
    {
        if (exact is not { } exactSet)
        {
            var all = new CandidateSet.Cursor(set);
            for (var id = all.Next(); id >= 0 && scratch.Exact.Count < need; id = all.Next())
            {
                scratch.Exact.Add(id);
            }
            return set.Count;
        }
        var exactReader = new CandidateSet.Cursor(exactSet);
        for (var id = exactReader.Next(); id >= 0 && scratch.Exact.Count < need; id = exactReader.Next())
        {
            scratch.Exact.Add(id);
        }
        var reader = new CandidateSet.Cursor(set);
        var exactTest = new CandidateSet.Cursor(exactSet);
        for (var id = reader.Next(); id >= 0 && scratch.Prefix.Count < need; id = reader.Next())
        {
            if (!exactTest.Contains(id))
            {
                scratch.Prefix.Add(id);
            }
        }
        return set.Count;
    }

    private CandidateSet Materialize(in Term term, QueryScratch scratch) =>
        term.Fixed is { } set ? set : SetOf(term.Lo, term.Hi, scratch);

    private bool AddField(QueryScratch scratch, ref int termCount, string tag, string? criterion)
    {
        if (string.IsNullOrWhiteSpace(criterion))
        {
            return true;
        }
        foreach (var word in DirectoryText.Words(criterion))
        {
            if (!AddRange(scratch, ref termCount, tag + word, isText: false))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Adds the words starting with <paramref name="prefix"/> as a criterion; false when there are none (no match at all).</summary>
    private bool AddRange(QueryScratch scratch, ref int termCount, string prefix, bool isText, bool exactOnly = false)
    {
        var (lo, hi) = PrefixRange(prefix);
        if (lo >= hi)
        {
            return false;
        }
        var exact = _tokens[lo].Length == prefix.Length ? lo : -1;
        if (exactOnly)
        {
            if (exact < 0)
            {
                return false;
            }
            hi = lo + 1;
        }
        var terms = scratch.Terms;
        for (var i = 0; i < termCount; i++)
        {
            if (terms[i].Fixed is null && terms[i].Lo == lo && terms[i].Hi == hi && terms[i].IsText == isText)
            {
                return true; // the same word twice constrains nothing more
            }
        }
        if (termCount == terms.Length)
        {
            Array.Resize(ref scratch.Terms, terms.Length * 2);
        }
        scratch.Terms[termCount++] = new Term
        {
            Lo = lo,
            Hi = hi,
            Estimate = _rangeSets.TryGetValue(((long)lo << 32) | (uint)hi, out var merged) ? merged.Count : _postingStart[hi] - _postingStart[lo],
            IsText = isText,
            ExactToken = exact,
        };
        return true;
    }

    private static void AddFixed(QueryScratch scratch, ref int termCount, CandidateSet set)
    {
        if (termCount == scratch.Terms.Length)
        {
            Array.Resize(ref scratch.Terms, scratch.Terms.Length * 2);
        }
        scratch.Terms[termCount++] = new Term { Estimate = set.Count, ExactToken = -1, Fixed = set };
    }

    /// <summary>The entries whose RPPS or ADELI number, or national id, is exactly <paramref name="identifier"/>.</summary>
    private CandidateSet IdentifierSet(string identifier)
    {
        var code = IdentifierCode.Encode(identifier);
        if (code == 0)
        {
            return CandidateSet.Empty; // not the shape of any indexed identifier
        }
        var keys = _identifierKeys;
        var lo = Array.BinarySearch(keys, code);
        if (lo < 0)
        {
            return CandidateSet.Empty;
        }
        while (lo > 0 && keys[lo - 1] == code)
        {
            lo--;
        }
        var end = lo;
        while (end < keys.Length && keys[end] == code)
        {
            end++;
        }
        return CandidateSet.Slice(_identifierEntries, lo, end - lo);
    }

    /// <summary>
    /// « Département »: every word of it starts a word of the département column, or the postal code starts with it
    /// (« 44 » finds Loire-Atlantique either way), as <see cref="InMemoryDirectory"/> matches.
    /// </summary>
    private CandidateSet DepartmentSet(string criterion, QueryScratch scratch)
    {
        var bits = new ulong[(Count + 63) >> 6];
        var words = DirectoryText.Words(criterion);
        var ranges = new (int Lo, int Hi)[words.Length];
        var possible = true;
        for (var i = 0; i < words.Length; i++)
        {
            ranges[i] = PrefixRange(DepartmentTag + words[i]);
            possible &= ranges[i].Lo < ranges[i].Hi;
        }
        if (possible)
        {
            var first = SetOf(ranges[0].Lo, ranges[0].Hi, scratch);
            var others = new CandidateSet[words.Length - 1];
            for (var i = 1; i < words.Length; i++)
            {
                // Département words are few: each range is cheap to merge, and kept apart from the first one's bitmap.
                others[i - 1] = ranges[i].Hi - ranges[i].Lo == 1 ? TokenSet(ranges[i].Lo) : Copy(SetOf(ranges[i].Lo, ranges[i].Hi, scratch));
            }
            var reader = new CandidateSet.Cursor(first);
            var tests = new CandidateSet.Cursor[others.Length];
            for (var i = 0; i < others.Length; i++)
            {
                tests[i] = new CandidateSet.Cursor(others[i]);
            }
            for (var id = reader.Next(); id >= 0; id = reader.Next())
            {
                var all = true;
                for (var i = 0; i < tests.Length && all; i++)
                {
                    all = tests[i].Contains(id);
                }
                if (all)
                {
                    bits[id >> 6] |= 1UL << (id & 63);
                }
            }
        }
        if (criterion.Length > 0 && criterion.AsSpan().ContainsAnyExcept(FoldedAscii))
        {
            return CandidateSet.Bitmap(bits, PopCount(bits));
        }
        var (lo, hi) = PrefixRange(PostalCodeTag + criterion);
        Scatter(bits, lo, hi);
        return CandidateSet.Bitmap(bits, PopCount(bits));
    }

    private static CandidateSet Copy(CandidateSet set) =>
        set.Bits is not null ? CandidateSet.Bitmap(set.BitSpan.ToArray(), set.Count) : set;

    private static readonly System.Buffers.SearchValues<char> FoldedAscii =
        System.Buffers.SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyz");

    internal static string KindWord(MailboxKind kind) => kind switch
    {
        MailboxKind.Personal => "per",
        MailboxKind.Organisational => "org",
        MailboxKind.Applicative => "app",
        _ => "cab",
    };

    private sealed class TermByEstimate : IComparer<Term>
    {
        public static readonly TermByEstimate Instance = new();

        public int Compare(Term x, Term y) => x.Estimate.CompareTo(y.Estimate);
    }
}
