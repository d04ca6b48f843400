using Esante.MsSante.Directory;
using Xunit;

namespace Esante.MsSante.Tests.Directory.Extraction;

public sealed class LargeArraysTests
{
    [Theory]
    [InlineData(10)]
    [InlineData((8 << 20) + 3)] // above the advice's threshold, not a whole number of pages
    public void Zeroed_arrays_hold_zeros_even_where_the_collector_reuses_dirty_memory(int length)
    {
        for (var round = 0; round < 3; round++)
        {
            // Dirty large arrays, dropped and collected, so the next allocation may reuse their memory.
            var dirty = LargeArrays.Uninitialized<int>(length);
            dirty.AsSpan().Fill(-1);
            dirty = null;
            GC.Collect();
            var zeroed = LargeArrays.Zeroed<int>(length);
            Assert.Equal(length, zeroed.Length);
            Assert.True(zeroed.AsSpan().IndexOfAnyExcept(0) < 0);
        }
    }

    [Fact]
    public void Uninitialized_arrays_keep_what_is_written_across_the_whole_advised_range()
    {
        var length = (6 << 20) + 5;
        var array = LargeArrays.Uninitialized<ulong>(length);
        for (var i = 0; i < length; i++)
        {
            array[i] = (ulong)i * 2654435761UL;
        }
        GC.Collect();
        for (var i = 0; i < length; i += 4099)
        {
            Assert.Equal((ulong)i * 2654435761UL, array[i]);
        }
        Assert.Equal((ulong)(length - 1) * 2654435761UL, array[^1]);
    }
}
