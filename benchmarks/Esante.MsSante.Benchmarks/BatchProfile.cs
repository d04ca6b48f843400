using System.Diagnostics;
using System.Globalization;
using Esante.MsSante.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Benchmarks;

/// <summary>
/// Where a batch's CPU goes on the client side: <see cref="BatchSend"/>'s « no Sent copy » batch, with the two
/// <see cref="LatencyRelay"/>s moved into a child process (<c>-- relay</c>), so this process's CPU time is the SDK's alone
/// and the relay's (which stands for the network) is counted apart. After a warm-up batch (JIT, first connections), each
/// round sends N letters on a quiet server and prints wall time and the CPU milliseconds per letter of each process
/// (user + system, from /proc), and the client's thread-pool work items per letter (each one may wake a worker, which
/// then spins before it sleeps: on this VM that idle spinning is about 40 % of the client's CPU) and bytes allocated. Run with
/// <c>-- batch-profile [letters] [rounds]</c>; the process id is printed first, for <c>perf record -p</c>.
/// </summary>
public static class BatchProfile
{
    private const int RoundTripMs = 10;

    public static async Task RunAsync(int letters, int rounds)
    {
        var stack = BenchmarkMailStack.Attach();
        var sender = stack.NewUser("profile-lab");
        var recipient = stack.NewUser("profile-doctor");
        using var relay = StartRelay(stack);
        var ports = relay.StandardOutput.ReadLine()?.Split(' ') ?? throw new InvalidOperationException("The relay process printed no ports.");
        await using var provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = Letters.ProductReference)
            .AddImapOperator(o =>
            {
                stack.Configure(o);
                o.ImapPort = int.Parse(ports[0], CultureInfo.InvariantCulture);
                o.SmtpPort = int.Parse(ports[1], CultureInfo.InvariantCulture);
                o.SaveSentCopy = false;
            })
            .Services.BuildServiceProvider();
        Console.WriteLine($"client pid {Environment.ProcessId}, relay pid {relay.Id}");
        try
        {
            await BatchAsync(provider, sender, recipient, 50);
            for (var round = 0; round < rounds; round++)
            {
                stack.WaitForEmptyQueue();
                var clientBefore = CpuTicks(Environment.ProcessId);
                var relayBefore = CpuTicks(relay.Id);
                var workItemsBefore = ThreadPool.CompletedWorkItemCount;
                var allocatedBefore = GC.GetTotalAllocatedBytes();
                var wall = Stopwatch.StartNew();
                await BatchAsync(provider, sender, recipient, letters);
                wall.Stop();
                var client = TicksToMs(CpuTicks(Environment.ProcessId) - clientBefore);
                var relayed = TicksToMs(CpuTicks(relay.Id) - relayBefore);
                var workItems = ThreadPool.CompletedWorkItemCount - workItemsBefore;
                var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: {letters} letters in {wall.Elapsed.TotalSeconds:F2} s ({wall.Elapsed.TotalMilliseconds / letters:F2} ms/letter); " +
                    $"CPU per letter: client {client / letters:F3} ms, relay {relayed / letters:F3} ms; client thread-pool work items per letter {(double)workItems / letters:F1}, allocated per letter {allocated / 1024.0 / letters:F1} KB"));
            }
        }
        finally
        {
            relay.Kill();
            stack.Dispose();
        }
    }

    /// <summary>
    /// The child process of <see cref="RunAsync"/>: relays to IMAP and submission with half the round trip each way, prints
    /// the two ports on one line, and runs until its standard input closes.
    /// </summary>
    public static void Relay(int imapPort, int submissionPort)
    {
        var oneWay = TimeSpan.FromMilliseconds(RoundTripMs / 2.0);
        using var imap = new LatencyRelay(imapPort, oneWay);
        using var smtp = new LatencyRelay(submissionPort, oneWay);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{imap.Port} {smtp.Port}"));
        Console.Out.Flush();
        Console.In.ReadToEnd();
    }

    private static Process StartRelay(BenchmarkMailStack stack)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BatchProfile).Assembly.Location);
        }
        start.ArgumentList.Add("relay");
        start.ArgumentList.Add(stack.ImapPort.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(stack.SubmissionPort.ToString(CultureInfo.InvariantCulture));
        return Process.Start(start) ?? throw new InvalidOperationException("The relay process did not start.");
    }

    private static async Task BatchAsync(ServiceProvider provider, string sender, string recipient, int letters)
    {
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInAsync(sender, BenchmarkMailStack.Password);
        await using var mailbox = await session.OpenMailboxAsync(MssanteAddress.Parse(sender));
        var report = await mailbox.SendBatchAsync(Enumerable.Range(0, letters).Select(i => Letters.Sdk(recipient, i)));
        if (report.Sent != letters)
        {
            throw new InvalidOperationException($"{report.Sent} of {letters} sent; stopped by {report.StoppedBy?.GetType().Name}.");
        }
    }

    /// <summary>utime + stime of a process, in clock ticks (/proc/PID/stat, fields 14 and 15).</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count from after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Linux's USER_HZ is 100 on every common build.</summary>
    private static double TicksToMs(long ticks) => ticks * 10.0;
}
