using BenchmarkDotNet.Running;
using Esante.MsSante.Benchmarks.Infrastructure;

namespace Esante.MsSante.Benchmarks;

/// <summary>
/// Starts a private Dovecot + Postfix stack (tests/mailstack, as root), runs the BenchmarkDotNet switcher with the arguments
/// given, and stops the stack. A stack already running can be reused by setting ESANTE_BENCH_MAILSTACK_ENV to its env file.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var listingOnly = args.Any(a => a is "--list" or "--help" or "-h" or "-?" or "--version");
        BenchmarkMailStack? stack = null;
        if (!listingOnly && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(BenchmarkMailStack.EnvVariable)))
        {
            Console.WriteLine("Starting a private mail stack (Dovecot + Postfix on loopback, tests/mailstack/start.sh)...");
            stack = BenchmarkMailStack.Start();
            Console.WriteLine($"Mail stack running in {stack.Directory}.");
            // BenchmarkDotNet's benchmark processes inherit this variable and attach to the stack.
            Environment.SetEnvironmentVariable(BenchmarkMailStack.EnvVariable, stack.EnvFile);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stack.Dispose();
        }
        try
        {
            if (args.Length > 0 && args[0] == "memory")
            {
                AttachmentMemory.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15).GetAwaiter().GetResult();
                return 0;
            }
            if (args.Length == 5 && args[0] == "memory-case")
            {
                return AttachmentMemory.RunCaseAsync(args[1], args[2], args[3], args[4]).GetAwaiter().GetResult();
            }
            if (args.Length > 0 && args[0] == "batch-profile")
            {
                BatchProfile.RunAsync(
                    args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000,
                    args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3).GetAwaiter().GetResult();
                return 0;
            }
            if (args.Length == 3 && args[0] == "relay")
            {
                BatchProfile.Relay(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            }
            if (args.Length > 0 && args[0] == "interleave")
            {
                Interleaved.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100).GetAwaiter().GetResult();
                return 0;
            }
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
            RatioInterval.Print(summaries);
            return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        }
        finally
        {
            if (stack is not null)
            {
                Console.WriteLine($"Stopping the mail stack in {stack.Directory}.");
                stack.Dispose();
            }
        }
    }
}
