
namespace Esante.MsSante.Directory;

/// <summary>Where the national directory is searched: the daily extraction file indexed in memory, or the FHIR API. One of the two.</summary>
public sealed class MssanteDirectoryOptions
{
    /// <summary>The « Extraction Correspondance MSSanté » file (.txt or the .zip holding it), loaded and indexed in memory at start.</summary>
    public string? ExtractionFilePath { get; set; }

    /// <summary>How the extraction file is indexed (PER/ORG order…).</summary>
    public ExtractionIndexOptions ExtractionIndex { get; } = new();

    /// <summary>The Annuaire Santé FHIR API (an API key is required), when it is the source.</summary>
    public AnnuaireSanteFhirOptions? Fhir { get; set; }
}
