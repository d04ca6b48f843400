using System.Runtime.CompilerServices;

namespace Esante.MsSante.Directory;

/// <summary>
/// A stable sort of 64-bit keys, each with an item, a byte at a time from the lowest (LSD radix), skipping the bytes every
/// key has the same. For the directory's build, whose 0.5 to 1 million keys it sorts in a few passes over memory, where
/// <see cref="Array.Sort{TKey, TValue}(TKey[], TValue[])"/> of a pair (a generic the runtime has no precompiled code for)
/// ran unoptimised code for a good part of a fresh process's load.
/// </summary>
internal static class RadixSort
{
    /// <summary>
    /// Sorts the first <paramref name="count"/> <paramref name="keys"/> ascending, <paramref name="items"/> moved with them;
    /// equal keys keep their order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort(ulong[] keys, int[] items, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Math.Min(keys.Length, items.Length));
        var counts = new int[8 * 256];
        for (var i = 0; i < count; i++)
        {
            var key = keys[i];
            for (var b = 0; b < 8; b++)
            {
                counts[(b << 8) | (int)((key >> (8 * b)) & 0xFF)]++;
            }
        }
        var (fromKeys, fromItems) = (keys, items);
        (ulong[] Keys, int[] Items) other = ([], []);
        for (var b = 0; b < 8 && count > 1; b++)
        {
            var at = counts.AsSpan(b << 8, 256);
            var shift = 8 * b;
            if (at[(int)((keys[0] >> shift) & 0xFF)] == count)
            {
                continue; // every key has this byte
            }
            if (other.Keys.Length == 0)
            {
                other = (LargeArrays.Uninitialized<ulong>(count), LargeArrays.Uninitialized<int>(count));
            }
            var (toKeys, toItems) = fromKeys == keys ? other : (keys, items);
            var start = 0;
            for (var d = 0; d < 256; d++)
            {
                (at[d], start) = (start, start + at[d]);
            }
            for (var i = 0; i < count; i++)
            {
                var to = at[(int)((fromKeys[i] >> shift) & 0xFF)]++;
                toKeys[to] = fromKeys[i];
                toItems[to] = fromItems[i];
            }
            (fromKeys, fromItems) = (toKeys, toItems);
        }
        if (fromKeys != keys)
        {
            fromKeys.AsSpan(0, count).CopyTo(keys);
            fromItems.AsSpan(0, count).CopyTo(items);
        }
    }
}
