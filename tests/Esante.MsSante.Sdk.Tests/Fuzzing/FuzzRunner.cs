using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Esante.MsSante.Tests.Fuzzing;

/// <summary>One kind of failure found: its signature, the smallest input found for it, and what it threw.</summary>
internal sealed record FuzzFailure(string Signature, byte[] Input, long Index, string Detail);

/// <summary>What a run over one reader found, with its figures.</summary>
internal sealed record FuzzReport(string Reader, long Inputs, long Results, long Refused, long Crashes, IReadOnlyList<FuzzFailure> Failures,
    TimeSpan Elapsed, TimeSpan Slowest, long PeakManagedBytes, long RetainedBytes, int Seed)
{
    public string FiguresLine() => string.Create(CultureInfo.InvariantCulture,
        $"{Reader}\tinputs={Inputs}\tresults={Results}\trefused={Refused}\tfailures={Crashes}\tkinds={Failures.Count}\ttime_s={Elapsed.TotalSeconds:F1}\tslowest_ms={Slowest.TotalMilliseconds:F1}\tpeak_mb={PeakManagedBytes / (1024 * 1024)}\tretained_mb={RetainedBytes / (1024 * 1024)}\tseed={Seed}\tmachine={Environment.ProcessorCount}cpu");

    public string Describe()
    {
        var text = new StringBuilder(FiguresLine());
        foreach (var failure in Failures)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {failure.Signature} (input #{failure.Index}, {failure.Input.Length} bytes): {failure.Detail}\n  base64: {Convert.ToBase64String(failure.Input)}");
        }
        return text.ToString();
    }
}

/// <summary>
/// Runs N generated inputs through a reader on a few threads, each input under a time bound, and watches the managed heap:
/// a crash (an undocumented exception), an input that runs past the bound, or memory that grows without coming back is a
/// failure. Settings from the environment: <c>FUZZ_INPUTS</c> (inputs per reader, 10,000 by default), <c>FUZZ_SEED</c>,
/// <c>FUZZ_WORKERS</c>, <c>FUZZ_REPORT</c> (a file to append each reader's figures line to), <c>FUZZ_CRASH_DIR</c>
/// (where failing inputs are written), <c>FUZZ_STOP_AT</c> (a Unix time after which no input starts: a long run by hand
/// reports the count it reached, and its test fails for the inputs it did not run).
/// </summary>
internal static class FuzzRunner
{
    public const int DefaultInputs = 10_000;
    public const int DefaultSeed = 20261206;

    /// <summary>An input that takes longer than this has hung (the slowest valid inputs take milliseconds).</summary>
    public static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    /// <summary>Managed heap that may stay after a run (caches, pools): more means the readers keep what they read.</summary>
    private const long RetainedLimit = 256L * 1024 * 1024;

    /// <summary>Managed heap (after a collection) no input set may reach at once: readers bound what they hold.</summary>
    private const long PeakLimit = 3L * 1024 * 1024 * 1024;

    public static long Inputs => long.TryParse(Environment.GetEnvironmentVariable("FUZZ_INPUTS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultInputs;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;

    public static int Workers => int.TryParse(Environment.GetEnvironmentVariable("FUZZ_WORKERS"), CultureInfo.InvariantCulture, out var w) && w > 0 ? w : Math.Max(1, Environment.ProcessorCount);

    /// <summary>When a long run stops starting inputs, if it was given a time.</summary>
    public static DateTimeOffset? StopAt => long.TryParse(Environment.GetEnvironmentVariable("FUZZ_STOP_AT"), CultureInfo.InvariantCulture, out var t) ? DateTimeOffset.FromUnixTimeSeconds(t) : null;

    public static FuzzReport Run(FuzzTarget target) => Run(target, Inputs, Seed, Workers);

    public static FuzzReport Run(FuzzTarget target, long inputs, int seed, int workers)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var failures = new Dictionary<string, FuzzFailure>(StringComparer.Ordinal);
        long next = -1, results = 0, refused = 0, crashes = 0, slowestTicks = 0, peak = before;
        var stop = false;
        var stopAt = StopAt;
        var clock = Stopwatch.StartNew();
        void Record(string signature, byte[] input, long index, string detail)
        {
            lock (failures)
            {
                if (!failures.TryGetValue(signature, out var known) || known.Input.Length > input.Length)
                {
                    failures[signature] = new FuzzFailure(signature, input, index, detail);
                }
            }
        }
        void Work()
        {
            long index;
            while (!Volatile.Read(ref stop) && (index = Interlocked.Increment(ref next)) < inputs)
            {
                var input = FuzzGenerators.Input(target, seed, index);
                var started = Stopwatch.GetTimestamp();
                var task = Task.Run(() => target.ClassifyAsync(input));
                if (!task.Wait(HangBound))
                {
                    Interlocked.Increment(ref crashes);
                    Record("hang", input, index, $"no outcome within {HangBound.TotalSeconds} s");
                    Volatile.Write(ref stop, true); // a thread is stuck in the reader: the run cannot go on soundly
                    return;
                }
                var ticks = Stopwatch.GetTimestamp() - started;
                InterlockedMax(ref slowestTicks, ticks);
                var (outcome, error) = task.Result;
                switch (outcome)
                {
                    case FuzzOutcome.Result:
                        Interlocked.Increment(ref results);
                        break;
                    case FuzzOutcome.Refused:
                        Interlocked.Increment(ref refused);
                        break;
                    default:
                        Interlocked.Increment(ref crashes);
                        Record(Signature(error!), input, index, Describe(error!));
                        break;
                }
                if ((index & 255) == 0)
                {
                    if (stopAt is { } deadline && DateTimeOffset.UtcNow >= deadline)
                    {
                        Volatile.Write(ref stop, true);
                    }
                    var now = GC.GetTotalMemory(forceFullCollection: false);
                    InterlockedMax(ref peak, now);
                    // What the heap holds counts, not garbage a starved background GC has not collected yet.
                    if (now > PeakLimit && GC.GetTotalMemory(forceFullCollection: true) > PeakLimit)
                    {
                        Record("memory", input, index, $"managed heap at {now / (1024 * 1024)} MB");
                        Volatile.Write(ref stop, true);
                    }
                }
            }
        }
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(Work) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        clock.Stop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var retained = Math.Max(0, GC.GetTotalMemory(forceFullCollection: true) - before);
        if (retained > RetainedLimit)
        {
            Record("memory retained", [], -1, $"{retained / (1024 * 1024)} MB still held after the run");
        }
        var minimized = failures.Values.Select(f => f.Signature is "hang" or "memory" or "memory retained" ? f : Minimize(target, f)).OrderBy(f => f.Signature, StringComparer.Ordinal).ToList();
        var report = new FuzzReport(target.Name, results + refused + crashes, results, refused, crashes, minimized, clock.Elapsed,
            TimeSpan.FromSeconds((double)slowestTicks / Stopwatch.Frequency), peak, retained, seed);
        Save(report);
        return report;
    }

    /// <summary>The exception's type and the SDK frame it came from: one signature per bug, whatever the input.</summary>
    public static string Signature(Exception e)
    {
        var frame = e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("Esante.MsSante.", StringComparison.Ordinal) && !l.Contains(".Tests.", StringComparison.Ordinal))
            ?? e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "?";
        var at = frame.IndexOf(" in ", StringComparison.Ordinal);
        return $"{e.GetType().FullName} {(at < 0 ? frame : frame[..at])}";
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";

    /// <summary>Makes a failing input smaller while it fails the same way: slices removed, halving down to single bytes.</summary>
    public static FuzzFailure Minimize(FuzzTarget target, FuzzFailure failure, int budget = 3000)
    {
        var input = failure.Input;
        bool SameFailure(byte[] candidate)
        {
            var task = Task.Run(() => target.ClassifyAsync(candidate));
            if (!task.Wait(HangBound))
            {
                return false;
            }
            var (outcome, error) = task.Result;
            return outcome == FuzzOutcome.Crash && Signature(error!) == failure.Signature;
        }
        for (var chunk = Math.Max(1, input.Length / 2); chunk >= 1 && budget > 0; chunk /= 2)
        {
            for (var start = 0; start < input.Length && budget > 0;)
            {
                budget--;
                var candidate = input[..start].Concat(input[Math.Min(input.Length, start + chunk)..]).ToArray();
                if (SameFailure(candidate))
                {
                    input = candidate;
                }
                else
                {
                    start += chunk;
                }
            }
        }
        return failure with { Input = input };
    }

    private static void Save(FuzzReport report)
    {
        if (Environment.GetEnvironmentVariable("FUZZ_REPORT") is { Length: > 0 } path)
        {
            lock (typeof(FuzzRunner))
            {
                File.AppendAllText(path, report.FiguresLine() + Environment.NewLine);
            }
        }
        if (Environment.GetEnvironmentVariable("FUZZ_CRASH_DIR") is { Length: > 0 } directory && report.Failures.Count > 0)
        {
            System.IO.Directory.CreateDirectory(directory);
            foreach (var (failure, i) in report.Failures.Select((f, i) => (f, i)))
            {
                File.WriteAllBytes(Path.Combine(directory, $"{report.Reader}-{i}.bin"), failure.Input);
            }
            File.AppendAllText(Path.Combine(directory, $"{report.Reader}.txt"), report.Describe() + Environment.NewLine);
        }
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Volatile.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
