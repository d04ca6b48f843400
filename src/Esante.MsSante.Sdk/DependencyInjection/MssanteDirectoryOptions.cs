
namespace Esante.MsSante.Directory;

/// <summary>Where the national directory is searched: the daily extraction file indexed in memory, or the FHIR API. One of the two.</summary>
public sealed class MssanteDirectoryOptions
{
    /// <summary>The « Extraction Correspondance MSSanté » file (.txt or the .zip holding it), loaded and indexed in memory at start.</summary>
    public string? ExtractionFilePath { get; set; }

    /// <summary>How the extraction file is indexed (PER/ORG order…).</summary>
    public ExtractionIndexOptions ExtractionIndex { get; } = new();

    /// <summary>
    /// Whether an index snapshot is used at start: read when fresh (a start in a fraction of the loading's time), else
    /// written after the extraction is loaded. A snapshot that cannot be written (a read-only folder) is a warning in the
    /// log, not an error. Default true.
    /// </summary>
    public bool UseSnapshot { get; set; } = true;

    /// <summary>The snapshot file; null (the default) for the extraction's path followed by <c>.index</c>.</summary>
    public string? SnapshotPath { get; set; }

    /// <summary>The Annuaire Santé FHIR API (an API key is required), when it is the source.</summary>
    public AnnuaireSanteFhirOptions? Fhir { get; set; }
}
