using System.Diagnostics;
using Esante.MsSante.Directory;

namespace Esante.MsSante.Directory.Benchmarks;

/// <summary>
/// Measures each acceptance goal with a Stopwatch: load+index time (best and median of 3), retained managed memory
/// (GC.GetTotalMemory(true)), and per-query latency of the 1,000-prefix mix (median and p99 over 5 passes, after a warm-up)
/// for the index and for SQLite FTS5 over the same rows.
/// </summary>
public static class Goals
{
    public static async Task RunAsync(string path)
    {
        var loads = new List<double>();
        ExtractionDirectoryIndex? index = null;
        for (var i = 0; i < 3; i++)
        {
            index = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var allocatedBefore = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            index = await ExtractionDirectoryIndex.LoadAsync(path);
            sw.Stop();
            loads.Add(sw.Elapsed.TotalMilliseconds);
            Console.WriteLine($"load+index run {i + 1}: {sw.Elapsed.TotalMilliseconds:F0} ms, allocated {(GC.GetTotalAllocatedBytes(true) - allocatedBefore) / 1e6:F0} MB; {index.LoadReport}; {index.Count} entries, {index.WordCount} words");
        }
        var retained = GC.GetTotalMemory(true);
        Console.WriteLine($"managed memory after load (GC.GetTotalMemory(true)): {retained / 1e6:F0} MB");

        var mix = QueryMix.Build(index!.Rows);
        var queries = mix.Select(q => new DirectoryQuery { Text = q, Take = 10 }).ToArray();
        var indexTimes = Measure(queries, q => index.Search(q).TotalCount);
        Report("index (Search, Take=10, entries built)", indexTimes);
        var countTimes = Measure(queries, q => index.CountMatches(q));
        Report("index (ids and exact count only)", countTimes);

        using var fts = SqliteFts.Build(index.Rows);
        var ftsTimes = Measure(mix, q => fts.Search(q, 10), passes: 1);
        Report("SQLite FTS5 (prefix query, LIMIT 10 + COUNT)", ftsTimes);
        Console.WriteLine($"speed-up (median): {Median(ftsTimes) / Median(indexTimes):F0}x; (mean): {ftsTimes.Average() / indexTimes.Average():F0}x");
        Console.WriteLine($"goals: load+index best {loads.Min():F0} ms / median {loads.Order().ElementAt(1):F0} ms (<= 3000); memory {retained / 1e6:F0} MB (<= 400); median {Median(indexTimes):F1} us (<= 50); p99 {Percentile(indexTimes, 0.99):F1} us (<= 1000)");
    }

    internal static List<double> Measure<T>(T[] queries, Func<T, int> run, int passes = 5)
    {
        foreach (var q in queries)
        {
            run(q); // warm-up
        }
        var times = new List<double>(queries.Length * passes);
        var sw = new Stopwatch();
        for (var p = 0; p < passes; p++)
        {
            foreach (var q in queries)
            {
                sw.Restart();
                run(q);
                sw.Stop();
                times.Add(sw.Elapsed.TotalMicroseconds);
            }
        }
        return times;
    }

    internal static void Report(string name, List<double> times) =>
        Console.WriteLine($"{name}: median {Median(times):F1} us, p90 {Percentile(times, 0.90):F1} us, p99 {Percentile(times, 0.99):F1} us, max {times.Max():F0} us, mean {times.Average():F1} us");

    internal static double Median(List<double> times) => Percentile(times, 0.5);

    internal static double Percentile(List<double> times, double p)
    {
        var sorted = times.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
