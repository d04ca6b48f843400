using System.Globalization;

namespace Esante.MsSante;

/// <summary>How much of the mailbox's storage is used (« capacité de stockage », 500 MB at the regional operator).</summary>
/// <param name="UsedBytes">The bytes used.</param>
/// <param name="LimitBytes">The limit in bytes, or null when the mailbox has none.</param>
public sealed record QuotaReport(long UsedBytes, long? LimitBytes)
{
    /// <summary>The fraction used, from 0 to 1 (or more when over quota); 0 without a limit.</summary>
    public double UsedFraction => LimitBytes is > 0 ? (double)UsedBytes / LimitBytes.Value : 0;

    /// <summary>For example "12.3 MB of 500.0 MB used (2.5%)".</summary>
    public override string ToString() => LimitBytes is null
        ? $"{Size(UsedBytes)} used (no limit)"
        : string.Create(CultureInfo.InvariantCulture, $"{Size(UsedBytes)} of {Size(LimitBytes.Value)} used ({UsedFraction * 100:0.0}%)");

    private static string Size(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MB");
}
