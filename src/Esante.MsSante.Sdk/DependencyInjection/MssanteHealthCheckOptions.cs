namespace Esante.MsSante;

/// <summary>What <c>services.AddHealthChecks().AddMssante(…)</c> checks, and how its results are named and tagged.</summary>
public sealed class MssanteHealthCheckOptions
{
    /// <summary>The <c>AddMssante</c> registration whose operator is checked: empty (the default) for the unnamed one, else its name.</summary>
    public string Registration { get; set; } = string.Empty;

    /// <summary>
    /// How old the national directory's extraction may be before the directory check reports <c>Degraded</c>: 48 hours by
    /// default (the file is published daily, so one missed refresh is tolerated).
    /// </summary>
    public TimeSpan DirectoryMaxAge { get; set; } = TimeSpan.FromHours(48);

    /// <summary>The tags of the three checks (to select them, e.g. for a readiness endpoint): <c>mssante</c> by default.</summary>
    public IList<string> Tags { get; } = ["mssante"];
}
