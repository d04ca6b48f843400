using System.Globalization;

namespace Esante.MsSante.Tests.Reliability;

/// <summary>
/// How long the reliability suites run and where they write their figures: RELIABILITY_SECONDS (the short CI form
/// when unset) and RELIABILITY_REPORT (a file each run appends one line of figures to; nothing written when unset).
/// </summary>
internal static class ReliabilitySettings
{
    private static readonly object Gate = new();

    public static int Seconds(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("RELIABILITY_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : ciDefault;

    public static void Report(string figures)
    {
        if (Environment.GetEnvironmentVariable("RELIABILITY_REPORT") is not { Length: > 0 } path)
        {
            return;
        }
        lock (Gate)
        {
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {figures}{Environment.NewLine}"));
        }
    }
}
