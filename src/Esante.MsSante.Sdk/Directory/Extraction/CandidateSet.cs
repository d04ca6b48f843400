using System.Runtime.CompilerServices;
using System.Numerics;

namespace Esante.MsSante.Directory;

/// <summary>
/// A set of entry ids, ascending: a slice of a sorted posting array, or a bitmap when dense (a whole array, or a slice of
/// one that holds many bitmaps end to end), or every entry.
/// Read by a <see cref="Cursor"/> that only moves forward, as candidates come in id order.
/// </summary>
internal readonly struct CandidateSet
{
    public readonly int[]? Ids;
    /// <summary>Where the set starts in <see cref="Ids"/> (an index) or in <see cref="Bits"/> (a word).</summary>
    public readonly int Start;
    public readonly ulong[]? Bits;
    public readonly int Count;
    private readonly int _words;
    private readonly bool _all;

    private CandidateSet(int[]? ids, int start, ulong[]? bits, int words, int count, bool all)
    {
        Ids = ids;
        Start = start;
        Bits = bits;
        _words = words;
        Count = count;
        _all = all;
    }

    public static CandidateSet Slice(int[] ids, int start, int count) => new(ids, start, null, 0, count, false);

    public static CandidateSet Bitmap(ulong[] bits, int count) => new(null, 0, bits, bits.Length, count, false);

    /// <summary>The bitmap of <paramref name="words"/> words at <paramref name="start"/> in <paramref name="bits"/>.</summary>
    public static CandidateSet Bitmap(ulong[] bits, int start, int words, int count) => new(null, start, bits, words, count, false);

    public static CandidateSet All(int count) => new(null, 0, null, 0, count, true);

    public static CandidateSet Empty { get; } = new([], 0, null, 0, 0, false);

    /// <summary>The bitmap's words (empty when the set is not a bitmap).</summary>
    public ReadOnlySpan<ulong> BitSpan => Bits is null ? default : Bits.AsSpan(Start, _words);

    public bool IsAll => _all;

    /// <summary>Reads a set forward: <see cref="Next"/> enumerates, <see cref="Contains"/> tests ids given in ascending order.</summary>
    public struct Cursor
    {
        private readonly CandidateSet _set;
        private int _position;
        private int _current;

        public Cursor(CandidateSet set)
        {
            _set = set;
            _position = 0;
            _current = -1;
        }

        /// <summary>The next id of the set, or -1 at the end.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Next()
        {
            if (_set.Ids is { } ids)
            {
                return _position < _set.Count ? ids[_set.Start + _position++] : -1;
            }
            if (_set.Bits is { } bits)
            {
                var start = _set.Start;
                var words = _set._words;
                var from = _current + 1;
                var word = from >> 6;
                if (word >= words)
                {
                    return -1;
                }
                var w = bits[start + word] & (ulong.MaxValue << (from & 63));
                while (w == 0)
                {
                    if (++word >= words)
                    {
                        _current = words << 6;
                        return -1;
                    }
                    w = bits[start + word];
                }
                _current = (word << 6) + BitOperations.TrailingZeroCount(w);
                return _current;
            }
            return _current + 1 < _set.Count ? ++_current : -1;
        }

        /// <summary>Whether <paramref name="id"/> is in the set; ids must be asked in ascending order.</summary>
        public bool Contains(int id)
        {
            if (_set.Ids is { } ids)
            {
                // Gallop from the last position, then binary search: cheap whether the set is dense or sparse.
                var lo = _position;
                var count = _set.Count;
                var start = _set.Start;
                if (lo >= count)
                {
                    return false;
                }
                if (ids[start + lo] >= id)
                {
                    return ids[start + lo] == id;
                }
                var step = 1;
                var hi = lo + 1;
                while (hi < count && ids[start + hi] < id)
                {
                    lo = hi;
                    step <<= 1;
                    hi = lo + step;
                }
                if (hi > count)
                {
                    hi = count;
                }
                // ids[lo] < id; find the first index in (lo, hi] with ids >= id.
                lo++;
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (ids[start + mid] < id)
                    {
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid;
                    }
                }
                _position = lo;
                return lo < count && ids[start + lo] == id;
            }
            if (_set.Bits is { } bits)
            {
                return (bits[_set.Start + (id >> 6)] & (1UL << (id & 63))) != 0;
            }
            return _set._all && id < _set.Count;
        }
    }
}
