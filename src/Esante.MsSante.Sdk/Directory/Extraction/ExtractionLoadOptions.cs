
namespace Esante.MsSante.Directory;

/// <summary>Options of <see cref="ExtractionFileLoader"/>.</summary>
public sealed class ExtractionLoadOptions
{
    /// <summary>How many problems the report lists at most; the counts cover all. Default 100.</summary>
    public int MaxReportedProblems { get; init; } = 100;

    /// <summary>The trust space addresses must belong to. Default: <c>*.mssante.fr</c>.</summary>
    public TrustedDomainList TrustedDomains { get; init; } = TrustedDomainList.Default;

    /// <summary>How many rows between two progress reports. Default 10,000.</summary>
    public int ProgressInterval { get; init; } = 10_000;
}
