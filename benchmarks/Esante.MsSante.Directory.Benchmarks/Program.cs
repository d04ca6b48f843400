using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Esante.MsSante.Directory;
using Esante.MsSante;
using Esante.MsSante.Directory.Benchmarks;

if (args.Length >= 2 && args[0] == "generate")
{
    var rows = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 540_000;
    var sw = Stopwatch.StartNew();
    new ExtractionFileGenerator { RowCount = rows }.WriteFile(args[1]);
    Console.WriteLine($"wrote {rows} rows to {args[1]} in {sw.Elapsed.TotalSeconds:F1} s ({new FileInfo(args[1]).Length / 1e6:F0} MB)");
    return;
}
if (args.Length >= 2 && args[0] == "goals")
{
    await Goals.RunAsync(args[1]);
    return;
}
if (args.Length >= 2 && args[0] == "profile")
{
    await Profile.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3);
    return;
}
if (args.Length >= 2 && args[0] == "startup")
{
    await Startup.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3);
    return;
}
if (args.Length >= 2 && args[0] == "rebuild")
{
    await Startup.RebuildAsync(args[1]);
    return;
}
if (args.Length >= 2 && args[0] == "write-snapshot")
{
    await Startup.WriteSnapshotAsync(args[1]);
    return;
}
if (args.Length >= 2 && args[0].StartsWith("child-", StringComparison.Ordinal))
{
    await Startup.ChildAsync(args[0], args[1]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(QueryMix).Assembly).Run(args);
