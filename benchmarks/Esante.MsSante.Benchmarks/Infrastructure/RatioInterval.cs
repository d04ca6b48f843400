using BenchmarkDotNet.Reports;

namespace Esante.MsSante.Benchmarks.Infrastructure;

/// <summary>
/// Prints, for each benchmark that has a baseline, the ratio of the mean times (benchmark / baseline) with a 95 % confidence
/// interval (delta method over the measured iterations). BenchmarkDotNet's RatioSD is the spread of the ratio, not the
/// uncertainty of its mean, so a goal such as « ratio ≤ 1.05 » is met when the interval's upper bound is at most 1.05.
/// </summary>
public static class RatioInterval
{
    public static void Print(IEnumerable<Summary> summaries)
    {
        foreach (var summary in summaries)
        {
            foreach (var report in summary.Reports)
            {
                var benchmark = report.BenchmarkCase;
                if (summary.IsBaseline(benchmark) || summary.GetBaseline(summary.GetLogicalGroupKey(benchmark)) is not { } baseline)
                {
                    continue;
                }
                var mine = Times(report);
                var theirs = Times(summary[baseline]);
                if (mine.Length < 2 || theirs.Length < 2)
                {
                    continue;
                }
                var (m1, v1) = MeanAndVariance(mine);
                var (m0, v0) = MeanAndVariance(theirs);
                var ratio = m1 / m0;
                var se = ratio * Math.Sqrt((v1 / (mine.Length * m1 * m1)) + (v0 / (theirs.Length * m0 * m0)));
                var parameters = benchmark.HasParameters ? " " + benchmark.Parameters.DisplayInfo : string.Empty;
                Console.WriteLine(
                    $"Ratio of means{parameters} {benchmark.Descriptor.WorkloadMethodDisplayInfo} / {baseline.Descriptor.WorkloadMethodDisplayInfo}: " +
                    $"{ratio:F3}, 95 % CI [{ratio - (1.96 * se):F3}; {ratio + (1.96 * se):F3}] ({mine.Length} and {theirs.Length} iterations)");
            }
        }
    }

    private static double[] Times(BenchmarkReport? report) =>
        report?.GetResultRuns().Select(m => m.Nanoseconds / m.Operations).ToArray() ?? [];

    private static (double Mean, double Variance) MeanAndVariance(double[] values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return (mean, variance);
    }
}
