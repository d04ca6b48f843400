using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Esante.MsSante.Directory.Benchmarks;

/// <summary>
/// The « directory at start-up » goals, each measured in a fresh process (this program started again as a child, so the
/// JIT, the page faults and the GC start cold as in a starting application): first load of the extraction, load from its
/// snapshot, and the baseline of merely reading the file and splitting its lines and columns. Then, in another fresh process, the
/// background rebuild: search latency while the extraction is reloaded beside a live index, against idle, and peak managed
/// memory and working set during the rebuild.
/// </summary>
public static class Startup
{
    public static async Task RunAsync(string path, int runs)
    {
        Console.WriteLine($"extraction {path} ({new FileInfo(path).Length / 1e6:F0} MB); {runs} fresh processes per measure");
        await WriteSnapshotAsync(path);
        GC.Collect();
        var split = Children("child-split", path, runs);
        var first = Children("child-load", path, runs);
        var firstStart = Children("child-first-start", path, runs);
        var fromSnapshot = Children("child-snapshot", path, runs);
        // What new memory costs this machine, the snapshot's size of it, written once in a fresh process.
        var smallPages = Children("child-touch-4k", path, runs);
        var hugePages = Children("child-touch-2m", path, runs);
        Console.WriteLine($"fresh process, read and split lines only: {Summary(split)}");
        Console.WriteLine($"fresh process, first load + index:        {Summary(first)} ({Goals.Median(first) / Goals.Median(split):F1}x the read-and-split baseline)");
        Console.WriteLine($"fresh process, first load + snapshot written (an application's first start, UseSnapshot): {Summary(firstStart)}");
        Console.WriteLine($"fresh process, load from snapshot:        {Summary(fromSnapshot)}");
        Console.WriteLine($"fresh process, the snapshot's size of new memory written, 4 KiB pages: {Summary(smallPages)}");
        Console.WriteLine($"fresh process, the same with 2 MiB pages where allowed (LargeArrays): {Summary(hugePages)}");
        // The rebuild in a fresh process too, so that nothing of the loads above is alive in it: as the collector runs by
        // default (it lets garbage build up while memory is free), then with its heap capped at the goal's 400 MB
        // (400,000,000 bytes), as a container's memory limit or an operator's setting would cap it.
        Children("rebuild", path, 1);
        Children("rebuild", path, 1, ("DOTNET_GCHeapHardLimit", "0x17D78400"));
        Console.WriteLine($"goals: first load median {Goals.Median(first):F0} ms (<= 2000); snapshot median {Goals.Median(fromSnapshot):F0} ms (<= 300)");
    }

    /// <summary>Loads the extraction and writes its snapshot beside it (the one the child processes read).</summary>
    public static async Task WriteSnapshotAsync(string path)
    {
        var snapshot = ExtractionDirectoryIndex.DefaultSnapshotPath(path);
        var index = await ExtractionDirectoryIndex.LoadAsync(path);
        var sw = Stopwatch.StartNew();
        index.WriteSnapshot(snapshot);
        Console.WriteLine($"snapshot {snapshot} written in {sw.ElapsedMilliseconds} ms ({new FileInfo(snapshot).Length / 1e6:F0} MB)");
    }

    private static string Summary(List<double> ms) =>
        $"median {Goals.Median(ms):F0} ms, best {ms.Min():F0} ms, worst {ms.Max():F0} ms ({string.Join(", ", ms.Select(m => m.ToString("F0", CultureInfo.InvariantCulture)))})";

    /// <summary>Runs this program <paramref name="runs"/> times with a child command; a child-* command prints the milliseconds to ready on its last line, others are echoed.</summary>
    private static List<double> Children(string command, string path, int runs, params (string Name, string Value)[] environment)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!)
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
            var self = Environment.GetCommandLineArgs()[0];
            if (self.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add(self);
            }
            start.ArgumentList.Add(command);
            start.ArgumentList.Add(path);
            using var child = Process.Start(start)!;
            var output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            if (!command.StartsWith("child-", StringComparison.Ordinal))
            {
                Console.Write(output);
                continue;
            }
            var last = output.Trim().Split('\n')[^1];
            Console.WriteLine($"  {command} {i + 1}: {last}");
            times.Add(double.Parse(last.Split(' ')[0], CultureInfo.InvariantCulture));
        }
        return times;
    }

    /// <summary>In a child: the time from the start of Main to a ready index (or the lines split), then one search to check.</summary>
    public static async Task ChildAsync(string command, string path)
    {
        var sw = Stopwatch.StartNew();
        string detail;
        switch (command)
        {
            case "child-split":
                var (lines, cells) = ReadAndSplit(path);
                detail = $"{lines} lines, {cells} cells";
                break;
            case "child-load":
                var loaded = await ExtractionDirectoryIndex.LoadAsync(path);
                detail = $"{loaded.Count} entries, {loaded.Search(new DirectoryQuery { Text = "gou ade" }).TotalCount} for 'gou ade'";
                break;
            case "child-first-start":
                // An application's first start with the snapshot on (the DI default): the load, then the snapshot written.
                var snapshot = Path.Combine(Path.GetTempPath(), $"first-start-{Environment.ProcessId}.index");
                var started = await ExtractionDirectoryIndex.LoadWithSnapshotAsync(path, new ExtractionSnapshotOptions { Path = snapshot });
                File.Delete(snapshot);
                detail = $"{started.Count} entries, {started.Search(new DirectoryQuery { Text = "gou ade" }).TotalCount} for 'gou ade', snapshot written";
                break;
            case "child-touch-4k" or "child-touch-2m":
                var size = (int)new FileInfo(ExtractionDirectoryIndex.DefaultSnapshotPath(path)).Length;
                var memory = command.EndsWith("4k", StringComparison.Ordinal) ? GC.AllocateUninitializedArray<byte>(size) : LargeArrays.Uninitialized<byte>(size);
                memory.AsSpan().Fill(1);
                detail = $"{size / 1e6:F0} MB written";
                break;
            default:
                var restored = ExtractionDirectoryIndex.LoadSnapshot(path);
                detail = $"{restored.Count} entries, {restored.Search(new DirectoryQuery { Text = "gou ade" }).TotalCount} for 'gou ade'";
                break;
        }
        var ms = sw.Elapsed.TotalMilliseconds;
        Console.Error.WriteLine($"managed memory after a full collection {GC.GetTotalMemory(true) / 1e6:F0} MB; GC pauses {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        Console.WriteLine($"{ms.ToString("F0", CultureInfo.InvariantCulture)} ms; {detail}; {Environment.WorkingSet / 1e6:F0} MB working set");
    }

    /// <summary>The least a loader must do: read the bytes, decode UTF-8, cut lines and count their '|'-separated columns.</summary>
    private static (long Lines, long Cells) ReadAndSplit(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, false, 1 << 16);
        long lines = 0, cells = 0;
        while (reader.ReadLine() is { } line)
        {
            lines++;
            foreach (var _ in line.AsSpan().Split('|'))
            {
                cells++;
            }
        }
        return (lines, cells);
    }

    /// <summary>Searches on one thread, back to back, while the extraction is reloaded into a <see cref="ReloadableDirectory"/>; then idle.</summary>
    public static async Task RebuildAsync(string path)
    {
        var limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Console.WriteLine($"rebuild: managed memory before {GC.GetTotalMemory(true) / 1e6:F0} MB; the collector may use {limit / 1e6:F0} MB"
            + (Environment.GetEnvironmentVariable("DOTNET_GCHeapHardLimit") is { } hard ? $" (heap capped by DOTNET_GCHeapHardLimit={hard})" : ""));
        var initial = ExtractionDirectoryIndex.LoadSnapshot(path);
        Console.WriteLine($"rebuild: managed memory with the index from the snapshot {GC.GetTotalMemory(true) / 1e6:F0} MB");
        var directory = new ReloadableDirectory(initial);
        var replaced = new WeakReference(initial);
        initial = null;
        var mix = QueryMix.Build(((ExtractionDirectoryIndex)directory.Current).Rows);
        var queries = mix.Select(q => new DirectoryQuery { Text = q, Take = 10 }).ToArray();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        Console.WriteLine($"rebuild: managed memory with one index {before / 1e6:F0} MB, working set {Environment.WorkingSet / 1e6:F0} MB");
        var idle = Search(directory, queries, () => false, 5, out _);
        using var process = Process.GetCurrentProcess();
        long peakManaged = 0, peakWorkingSet = 0;
        var snapshotPath = Path.Combine(Path.GetTempPath(), $"rebuild-{Environment.ProcessId}.index");
        var pauseBefore = GC.GetTotalPauseDuration();
        var sw = Stopwatch.StartNew();
        var rebuild = directory.ReloadExtractionAsync(path, new ExtractionSnapshotOptions { Path = snapshotPath });
        var sampler = Task.Run(async () =>
        {
            while (!rebuild.IsCompleted)
            {
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                await Task.Delay(20);
            }
        });
        var during = Search(directory, queries, () => rebuild.IsCompleted, int.MaxValue, out var failedSearches);
        try
        {
            await rebuild;
        }
        catch (OutOfMemoryException)
        {
            // What an application sees when the heap is too small for a rebuild: the reload fails, the current index stays.
            await sampler;
            var answers = (await directory.SearchAsync(new DirectoryQuery { Text = "gou ade" })).TotalCount;
            Console.WriteLine($"rebuild: out of memory after {sw.ElapsedMilliseconds} ms, peak managed memory {peakManaged / 1e6:F0} MB; {failedSearches} of {during.Count + failedSearches} searches during it ran out of memory too; "
                + $"the current index stays (generation {directory.Generation}, {answers} for 'gou ade')");
            Environment.ExitCode = 3;
            File.Delete(snapshotPath);
            return;
        }
        var rebuildMs = sw.ElapsedMilliseconds;
        await sampler;
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var pauses = GC.GetTotalPauseDuration() - pauseBefore;
        Console.WriteLine($"rebuild: {rebuildMs} ms (load, index, snapshot write, swap), generation {directory.Generation}; GC pauses {pauses.TotalMilliseconds:F0} ms");
        Goals.Report("  searches idle                ", idle);
        Goals.Report("  searches during the rebuild  ", during);
        Console.WriteLine($"  {during.Count} searches during the rebuild; peak managed memory {peakManaged / 1e6:F0} MB (sampled GC.GetTotalMemory every 20 ms; last GC's heap {info.HeapSizeBytes / 1e6:F0} MB), peak working set {peakWorkingSet / 1e6:F0} MB (process peak {process.PeakWorkingSet64 / 1e6:F0} MB)");
        GC.Collect();
        Console.WriteLine($"  after the swap and a collection: {GC.GetTotalMemory(true) / 1e6:F0} MB (the replaced index {(replaced.IsAlive ? "still referenced" : "collected")})");
        Console.WriteLine($"goals: search p99 during rebuild {Goals.Percentile(during, 0.99):F1} us (<= 1000); peak managed memory {peakManaged / 1e6:F0} MB (<= 400)");
        File.Delete(snapshotPath);
    }

    /// <summary>The searches' times in µs; <paramref name="outOfMemory"/> counts those that ran out of memory (a capped heap).</summary>
    private static List<double> Search(ReloadableDirectory directory, DirectoryQuery[] queries, Func<bool> stop, int passes, out int outOfMemory)
    {
        var times = new List<double>();
        var sw = new Stopwatch();
        outOfMemory = 0;
        for (var p = 0; p < passes && !stop(); p++)
        {
            foreach (var q in queries)
            {
                sw.Restart();
                try
                {
                    directory.SearchAsync(q).GetAwaiter().GetResult();
                    times.Add(sw.Elapsed.TotalMicroseconds);
                }
                catch (OutOfMemoryException)
                {
                    outOfMemory++;
                }
                if (stop())
                {
                    break;
                }
            }
        }
        return times;
    }
}
