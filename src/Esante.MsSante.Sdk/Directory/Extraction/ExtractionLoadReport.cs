namespace Esante.MsSante.Directory;

/// <summary>What the loading of an extraction file did: rows read, kept and rejected, and the first problems with their line numbers.</summary>
public sealed class ExtractionLoadReport
{
    internal ExtractionLoadReport(long rowsRead, long rowsKept, IReadOnlyList<ExtractionRowProblem> problems, long rowsRejected)
    {
        RowsRead = rowsRead;
        RowsKept = rowsKept;
        RowsRejected = rowsRejected;
        Problems = problems;
    }

    /// <summary>Data rows read (the header excluded; empty lines are not rows).</summary>
    public long RowsRead { get; }

    /// <summary>Rows kept in the directory.</summary>
    public long RowsKept { get; }

    /// <summary>Rows rejected; <see cref="Problems"/> says why for the first ones.</summary>
    public long RowsRejected { get; }

    /// <summary>The first problems (at most <see cref="ExtractionLoadOptions.MaxReportedProblems"/>), in file order.</summary>
    public IReadOnlyList<ExtractionRowProblem> Problems { get; }

    /// <summary>
    /// When the national extraction was made, from its file name <c>Extraction_Correspondance_MSSante_AAAAMMJJhhmm.txt</c>
    /// (the file loaded, or the <c>.txt</c> in the zip), in Paris time; null when the name does not say (a renamed file, a stream).
    /// </summary>
    public DateTimeOffset? ExtractedAt { get; internal set; }

    /// <summary>A one-line summary, without any row content.</summary>
    public override string ToString() => $"{RowsRead} rows read, {RowsKept} kept, {RowsRejected} rejected";
}
