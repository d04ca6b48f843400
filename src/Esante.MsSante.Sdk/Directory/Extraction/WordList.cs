namespace Esante.MsSante.Directory;

/// <summary>
/// The index's words in ordinal order, as one block of characters and where each word starts: no string object per word
/// (240,000 in the national file), so a snapshot's words are ready as read and the collector has nothing to trace.
/// </summary>
internal sealed class WordList
{
    private readonly char[] _chars;
    private readonly int[] _offsets;

    /// <param name="chars">The words' characters, one after the other.</param>
    /// <param name="offsets">Where each word starts in <paramref name="chars"/>, then its end: one more than the words.</param>
    public WordList(char[] chars, int[] offsets)
    {
        _chars = chars;
        _offsets = offsets;
    }

    /// <summary>The words given, already in ordinal order.</summary>
    public static WordList Of(ReadOnlySpan<string> sorted)
    {
        var offsets = new int[sorted.Length + 1];
        for (var i = 0; i < sorted.Length; i++)
        {
            offsets[i + 1] = checked(offsets[i] + sorted[i].Length);
        }
        var chars = new char[offsets[^1]];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i].CopyTo(chars.AsSpan(offsets[i]));
        }
        return new WordList(chars, offsets);
    }

    public int Count => _offsets.Length - 1;

    public ReadOnlySpan<char> this[int word] => _chars.AsSpan(_offsets[word], _offsets[word + 1] - _offsets[word]);

    /// <summary>The characters of all the words, for a snapshot.</summary>
    public ReadOnlySpan<char> Chars => _chars;

    /// <summary>Where each word starts, then the end, for a snapshot.</summary>
    public ReadOnlySpan<int> Offsets => _offsets;

    /// <summary>The ids of the words starting with <paramref name="prefix"/>: a contiguous range.</summary>
    public (int Lo, int Hi) PrefixRange(ReadOnlySpan<char> prefix)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (this[mid].SequenceCompareTo(prefix) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        var first = lo;
        hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (this[mid].StartsWith(prefix, StringComparison.Ordinal))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return (first, lo);
    }
}
