using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Esante.MsSante.Directory;

namespace Esante.MsSante.Directory.Benchmarks;

/// <summary>Where the generated 540,000-row file lives; written once if missing.</summary>
internal static class GeneratedFile
{
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("EXTRACTION_FILE") ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "extraction-540000.txt");
            if (!File.Exists(path))
            {
                new ExtractionFileGenerator { RowCount = 540_000 }.WriteFile(path);
            }
            return path;
        }
    }
}

/// <summary>Load + index of the 540,000-row file: time and allocated memory (MemoryDiagnoser).</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class LoadBenchmarks
{
    private string _path = "";

    [GlobalSetup]
    public void Setup() => _path = GeneratedFile.Path;

    [Benchmark(Description = "load + index 540,000 rows")]
    public async Task<int> LoadAndIndex() => (await ExtractionDirectoryIndex.LoadAsync(_path)).Count;
}

/// <summary>
/// The fixed 1,000-prefix mix, one operation = all 1,000 queries (so Mean/1000 is the mean per query). Per-query median and p99 come from the Stopwatch loop of the "goals" command.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class AutocompleteBenchmarks
{
    private ExtractionDirectoryIndex _index = null!;
    private DirectoryQuery[] _queries = [];
    private string[] _mix = [];

    [GlobalSetup]
    public void Setup()
    {
        _index = ExtractionDirectoryIndex.LoadAsync(GeneratedFile.Path).GetAwaiter().GetResult();
        _mix = QueryMix.Build(_index.Rows);
        _queries = _mix.Select(q => new DirectoryQuery { Text = q, Take = 10 }).ToArray();
    }

    [Benchmark(Description = "index: 1,000 prefix queries (page of 10 + exact count)")]
    public int Index()
    {
        var total = 0;
        foreach (var q in _queries)
        {
            total += _index.Search(q).TotalCount;
        }
        return total;
    }
}

/// <summary>
/// The baseline: the same 1,000 queries against SQLite FTS5 over the same rows. One iteration only, as one operation takes
/// about two minutes.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class FtsAutocompleteBenchmarks
{
    private string[] _mix = [];
    private SqliteFts _fts = null!;

    [GlobalSetup]
    public void Setup()
    {
        var index = ExtractionDirectoryIndex.LoadAsync(GeneratedFile.Path).GetAwaiter().GetResult();
        _mix = QueryMix.Build(index.Rows);
        _fts = SqliteFts.Build(index.Rows);
    }

    [GlobalCleanup]
    public void Cleanup() => _fts.Dispose();

    [Benchmark(Description = "SQLite FTS5: 1,000 prefix queries (LIMIT 10 + count)")]
    public int Fts()
    {
        var total = 0;
        foreach (var q in _mix)
        {
            total += _fts.Search(q, 10);
        }
        return total;
    }
}
