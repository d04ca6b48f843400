using Esante.MsSante.Directory;
using Xunit;

namespace Esante.MsSante.Tests.Directory.Extraction;

public sealed class RadixSortTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public void Keys_sort_ascending_with_their_items_and_equal_keys_keep_their_order(int count)
    {
        var random = new Random(count);
        // Keys of every kind: a few distinct values (many ties), bytes that vary only high or only low, and full 64 bits.
        var keys = new ulong[count + 5];
        for (var i = 0; i < count; i++)
        {
            keys[i] = (i % 4) switch
            {
                0 => (ulong)random.Next(8),
                1 => (ulong)random.Next(1 << 20) << 40,
                2 => ((ulong)random.Next(2) << 62) | ((ulong)random.Next(300) << 31) | (uint)random.Next(50),
                _ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63),
            };
        }
        var items = Enumerable.Range(0, count + 5).ToArray();
        keys.AsSpan(count).Fill(ulong.MaxValue); // past the count: left alone
        var expected = Enumerable.Range(0, count).OrderBy(i => keys[i]).ToArray(); // OrderBy is stable
        var expectedKeys = expected.Select(i => keys[i]).ToArray();

        RadixSort.Sort(keys, items, count);

        Assert.Equal(expectedKeys, keys[..count]);
        Assert.Equal(expected, items[..count]);
        Assert.All(keys[count..], k => Assert.Equal(ulong.MaxValue, k));
        Assert.Equal([count, count + 1, count + 2, count + 3, count + 4], items[count..]);
    }

    [Fact]
    public void Keys_that_all_share_every_byte_are_left_as_they_are()
    {
        var keys = new ulong[] { 42, 42, 42 };
        var items = new[] { 2, 0, 1 };
        RadixSort.Sort(keys, items, 3);
        Assert.Equal([2, 0, 1], items);
    }

    [Fact]
    public void A_count_beyond_the_arrays_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RadixSort.Sort(new ulong[2], new int[1], 2));
    }
}
