namespace Esante.MsSante.Directory;

/// <summary>How far the loading of an extraction file has gone.</summary>
/// <param name="RowsRead">Data rows read so far (the header excluded).</param>
/// <param name="RowsKept">Rows kept so far.</param>
/// <param name="RowsRejected">Rows rejected so far.</param>
public readonly record struct ExtractionLoadProgress(long RowsRead, long RowsKept, long RowsRejected);
