using System.Diagnostics;

namespace Esante.MsSante.MailStackSupport;

/// <summary>
/// Drives the stack of <c>tests/mailstack</c> from .NET: its scripts, its <c>mailstack.env</c>, the repository root. One
/// file, compiled into the tests and into the benchmarks (each links it), so both start and read the stack alike.
/// </summary>
internal static class MailStackScripts
{
    /// <summary>The <c>KEY=value</c> lines of a <c>mailstack.env</c> file.</summary>
    public static Dictionary<string, string> ReadEnv(string envFile) =>
        File.ReadAllLines(envFile)
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"', '\''));

    /// <summary>Runs one of <c>tests/mailstack</c>'s scripts; fails with its output when it fails.</summary>
    public static void RunScript(string script, params string[] arguments) =>
        Run("bash", [Path.Combine(RepositoryRoot(), "tests", "mailstack", script), .. arguments]);

    /// <summary>Runs a program for at most 5 minutes and returns what it printed; fails with its output when it fails.</summary>
    public static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish in 5 minutes.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}); run it by hand to see why:{Environment.NewLine}{error.Result}{output.Result}");
        }
        return output.Result;
    }

    /// <summary>The folder holding Esante.MsSante.sln, found above the binaries (BenchmarkDotNet's child builds live below bin/).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Esante.MsSante.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("The repository root (Esante.MsSante.sln) was not found above the binaries.");
    }
}
