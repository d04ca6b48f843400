using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace Esante.MsSante.Benchmarks.Infrastructure;

/// <summary>
/// A short job for network benchmarks that take seconds per call: one process per benchmark, one warm-up and five measured
/// iterations of exactly one call each (no pilot stage, no unrolling), with allocations reported. The whole suite runs in a
/// few minutes on two cores; the price is wider error bars, which the results discuss. Benchmarks of tens of milliseconds
/// may ask for more iterations; those of minutes, for fewer and no warm-up.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortRunConfigAttribute : Attribute, IConfigSource
{
    public ShortRunConfigAttribute(int iterationCount = 5, int warmupCount = 1)
    {
        Config = ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(warmupCount)
                .WithIterationCount(iterationCount)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithId("Short"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.KeepBenchmarkFiles | ConfigOptions.DisableOptimizationsValidator);
    }

    public IConfig Config { get; }
}
