using System.Diagnostics;

namespace Esante.MsSante.Benchmarks;

/// <summary>
/// The comparisons of <see cref="SdkVsRawMailKit"/> measured in pairs: in one process, one raw MailKit operation then the
/// same through the SDK, alternately, so both meet the same machine and server state. BenchmarkDotNet runs the two sides
/// one after the other, a minute apart, and the server's state (deliveries in progress, caches) moves in between; these
/// pairs show whether a difference belongs to the code or to the moment. Prints the medians and the median of the paired
/// ratios. Run with <c>-- interleave [pairs]</c>.
/// </summary>
public static class Interleaved
{
    public static async Task RunAsync(int pairs)
    {
        var rawList = new SdkVsRawMailKit();
        await rawList.SetupListRaw();
        var sdkList = new SdkVsRawMailKit();
        await sdkList.SetupListSdk();
        Report($"List 1,000 summaries ({SdkVsRawMailKit.ListsPerCall} listings per sample)", pairs, SdkVsRawMailKit.ListsPerCall,
            await PairsAsync(pairs, _ => rawList.ListRawMailKit(), _ => sdkList.ListSdk()));
        await rawList.Cleanup();
        await sdkList.Cleanup();

        var rawSend = new SdkVsRawMailKit();
        await rawSend.SetupSendRaw();
        var sdkSend = new SdkVsRawMailKit();
        await sdkSend.SetupSendSdk();
        // Warm-up: the first sends pay the JIT and the server's first deliveries.
        for (var i = 0; i < 20; i++)
        {
            await rawSend.SendOneRawAsync(i);
            await sdkSend.SendOneSdkAsync(i);
        }
        Report("Send 1 + Sent copy", pairs * 5, 1, await PairsAsync(pairs * 5, rawSend.SendOneRawAsync, sdkSend.SendOneSdkAsync));
        await rawSend.Cleanup();
        await sdkSend.Cleanup();
    }

    private static async Task<(double[] Raw, double[] Sdk)> PairsAsync(int pairs, Func<int, Task> raw, Func<int, Task> sdk)
    {
        var rawTimes = new double[pairs];
        var sdkTimes = new double[pairs];
        var watch = new Stopwatch();
        for (var i = 0; i < pairs; i++)
        {
            // Which side goes first alternates too, so neither always follows the other's server-side aftermath.
            if (i % 2 == 0)
            {
                rawTimes[i] = await TimeAsync(raw, i);
                sdkTimes[i] = await TimeAsync(sdk, i);
            }
            else
            {
                sdkTimes[i] = await TimeAsync(sdk, i);
                rawTimes[i] = await TimeAsync(raw, i);
            }
        }
        return (rawTimes, sdkTimes);

        async Task<double> TimeAsync(Func<int, Task> operation, int i)
        {
            watch.Restart();
            await operation(i);
            return watch.Elapsed.TotalMilliseconds;
        }
    }

    private static void Report(string what, int pairs, int perSample, (double[] Raw, double[] Sdk) times)
    {
        var raw = Median(times.Raw) / perSample;
        var sdk = Median(times.Sdk) / perSample;
        var ratios = times.Raw.Zip(times.Sdk, (r, s) => s / r).ToArray();
        Console.WriteLine($"{what}, {pairs} pairs: raw MailKit median {raw:F2} ms, SDK median {sdk:F2} ms; " +
            $"ratio of medians {sdk / raw:F3}; median of the paired ratios {Median(ratios):F3}");
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
