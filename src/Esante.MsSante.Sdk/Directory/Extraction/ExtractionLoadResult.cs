namespace Esante.MsSante.Directory;

/// <summary>The rows kept from an extraction file, and the report of the loading.</summary>
/// <param name="Rows">The rows kept.</param>
/// <param name="Report">Counts and the first problems.</param>
public sealed record ExtractionLoadResult(ExtractionRowSet Rows, ExtractionLoadReport Report);
