using System.Diagnostics;
using Esante.MsSante.Directory;

namespace Esante.MsSante.Directory.Benchmarks;

/// <summary>
/// Quick profile without SQLite: loader and index build timed apart (time and bytes allocated), then the query mix
/// (median, p99, and the slowest queries), so an optimisation can be checked in a minute.
/// </summary>
public static class Profile
{
    public static async Task RunAsync(string path, int runs)
    {
        ExtractionDirectoryIndex? index = null;
        for (var i = 0; i < runs; i++)
        {
            index = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var a0 = GC.GetTotalAllocatedBytes(true);
            var p0 = GC.GetTotalPauseDuration();
            var sw = Stopwatch.StartNew();
            var loaded = await ExtractionFileLoader.LoadAsync(path);
            var t1 = sw.Elapsed.TotalMilliseconds;
            var a1 = GC.GetTotalAllocatedBytes(true);
            var p1 = GC.GetTotalPauseDuration();
            index = ExtractionDirectoryIndex.Build(loaded);
            var t2 = sw.Elapsed.TotalMilliseconds;
            var a2 = GC.GetTotalAllocatedBytes(true);
            var p2 = GC.GetTotalPauseDuration();
            Console.WriteLine($"run {i + 1}: load {t1:F0} ms ({(a1 - a0) / 1e6:F0} MB, GC pauses {(p1 - p0).TotalMilliseconds:F0} ms), " +
                $"build {t2 - t1:F0} ms ({(a2 - a1) / 1e6:F0} MB, GC pauses {(p2 - p1).TotalMilliseconds:F0} ms), total {t2:F0} ms; " +
                $"gen0/1/2 so far {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        }
        Console.WriteLine($"managed memory after load: {GC.GetTotalMemory(true) / 1e6:F0} MB; {index!.Count} entries, {index.WordCount} words");
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect();
        var info = GC.GetGCMemoryInfo();
        Console.WriteLine($"after LOH compaction: {GC.GetTotalMemory(true) / 1e6:F0} MB; heap {info.HeapSizeBytes / 1e6:F0} MB, fragmented {info.FragmentedBytes / 1e6:F0} MB");
        var mix = QueryMix.Build(index.Rows);
        var queries = mix.Select(q => new DirectoryQuery { Text = q, Take = 10 }).ToArray();
        var times = Goals.Measure(queries, q => index.Search(q).TotalCount);
        Goals.Report("index (Search, Take=10)", times);
        var slow = new List<(double Us, string Q)>();
        for (var i = 0; i < queries.Length; i++)
        {
            var worst = 0.0;
            for (var p = 0; p < 5; p++)
            {
                worst = Math.Max(worst, times[(p * queries.Length) + i]);
            }
            slow.Add((worst, mix[i]));
        }
        foreach (var (us, q) in slow.OrderByDescending(s => s.Us).DistinctBy(s => s.Q).Take(8))
        {
            Console.WriteLine($"  slow: {us,8:F0} us  '{q}' -> {index.CountMatches(new DirectoryQuery { Text = q, Take = 10 })}");
        }
    }
}
