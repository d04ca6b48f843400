using System.Globalization;

namespace Esante.MsSante.Operators;

/// <summary>How much of the mailbox's storage is used (« capacité de stockage », 500 MB at the regional operator).</summary>
/// <param name="UsedBytes">The bytes used.</param>
/// <param name="LimitBytes">The limit in bytes, or null when the mailbox has none.</param>
public sealed record QuotaReport(long UsedBytes, long? LimitBytes)
{
    /// <summary>The fraction used, from 0 to 1 (or more when over quota); 0 without a limit.</summary>
    public double UsedFraction => LimitBytes is > 0 ? (double)UsedBytes / LimitBytes.Value : 0;

    /// <summary>For example "12.3 MB of 500.0 MB used (2%)".</summary>
    public override string ToString() => LimitBytes is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Mb(UsedBytes)} used (no limit)")
        : string.Create(CultureInfo.InvariantCulture, $"{Mb(UsedBytes)} of {Mb(LimitBytes.Value)} used ({UsedFraction:P0})");

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MB");
}
