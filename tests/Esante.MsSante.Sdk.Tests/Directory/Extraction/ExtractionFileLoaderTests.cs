using System.IO.Compression;
using System.Text;
using Esante.MsSante.Directory;

namespace Esante.MsSante.Tests.Directory.Extraction;

public class ExtractionFileLoaderTests
{
    private static readonly string[] Good = ExtractionFiles.Row("jean.dupont@medecin.mssante.fr", last: "DUPONT", first: "Jean");

    [Fact]
    public async Task A_file_whose_header_is_not_the_extraction_header_is_refused_clearly()
    {
        var text = "nom;prenom;email\nDupont;Jean;jean@x.fr\n";
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractionFiles.Load(text));
        Assert.Contains("not an « Extraction Correspondance MSSanté » file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_with_a_renamed_column_is_refused_naming_the_column()
    {
        var text = ExtractionColumns.HeaderLine.Replace("Nom d'exercice", "Nom", StringComparison.Ordinal) + "\n";
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractionFiles.Load(text));
        Assert.Contains("column 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_refused_clearly()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractionFiles.Load(""));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_only_the_header_loads_no_row()
    {
        var result = await ExtractionFiles.Load(ExtractionColumns.HeaderLine + "\n");
        Assert.Equal(0, result.Rows.Count);
        Assert.Equal(0, result.Report.RowsRead);
    }

    [Fact]
    public async Task Rows_with_too_few_or_too_many_columns_are_rejected_with_their_line_and_good_rows_kept()
    {
        var shortRow = Good.Take(20).ToArray();
        var longRow = Good.Append("extra").ToArray();
        var text = ExtractionFiles.Text(Good, shortRow, ExtractionFiles.Row("anne.martin@medecin.mssante.fr", last: "MARTIN"), longRow);

        var result = await ExtractionFiles.Load(text);

        Assert.Equal(4, result.Report.RowsRead);
        Assert.Equal(2, result.Report.RowsKept);
        Assert.Equal(2, result.Report.RowsRejected);
        Assert.Equal(2, result.Rows.Count);
        Assert.Collection(result.Report.Problems,
            p => { Assert.Equal(3, p.LineNumber); Assert.Contains("20 columns", p.Reason, StringComparison.Ordinal); },
            p => { Assert.Equal(5, p.LineNumber); Assert.Contains("32 columns", p.Reason, StringComparison.Ordinal); });
        Assert.Equal("MARTIN", result.Rows.Get(1, ExtractionColumns.LastName));
    }

    [Fact]
    public async Task A_row_that_is_not_valid_utf8_is_rejected_and_the_next_rows_kept()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes(ExtractionFiles.Text(Good)));
        bytes.AddRange(Encoding.UTF8.GetBytes(string.Join('|', ExtractionFiles.Row("a.b@medecin.mssante.fr", last: "X")).Replace("X", "\u0001", StringComparison.Ordinal)));
        var at = bytes.IndexOf(1);
        bytes[at] = 0xC3; // a lead byte followed by '|': broken UTF-8
        bytes.Add((byte)'\n');
        bytes.AddRange(Encoding.UTF8.GetBytes(string.Join('|', ExtractionFiles.Row("helene.roux@medecin.mssante.fr", last: "ROUX", first: "Hélène")) + "\n"));

        var result = await ExtractionFileLoader.ReadAsync(new MemoryStream(bytes.ToArray()));

        Assert.Equal(3, result.Report.RowsRead);
        Assert.Equal(1, result.Report.RowsRejected);
        var problem = Assert.Single(result.Report.Problems);
        Assert.Equal(3, problem.LineNumber);
        Assert.Contains("UTF-8", problem.Reason, StringComparison.Ordinal);
        Assert.Equal("Hélène", result.Rows.Get(1, ExtractionColumns.FirstName));
    }

    [Fact]
    public async Task Rows_with_an_invalid_address_or_type_are_rejected_without_their_content_in_the_report()
    {
        var text = ExtractionFiles.Text(
            ExtractionFiles.Row("not-an-address", last: "A"),
            ExtractionFiles.Row("someone@gmail.com", last: "B"),
            ExtractionFiles.Row("1234567890123@patient.mssante.fr", last: "C"),
            ExtractionFiles.Row("ok@medecin.mssante.fr", type: "XYZ", last: "D"),
            Good);

        var result = await ExtractionFiles.Load(text);

        Assert.Equal(1, result.Report.RowsKept);
        Assert.Equal([2L, 3L, 4L, 5L], result.Report.Problems.Select(p => p.LineNumber));
        Assert.All(result.Report.Problems, p => Assert.DoesNotContain("1234567890123", p.Reason, StringComparison.Ordinal));
        Assert.Contains("patient", result.Report.Problems[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_lists_the_first_problems_only_but_counts_all()
    {
        var rows = Enumerable.Range(0, 30).Select(_ => new[] { "PER", "bad" }).Append(Good).ToArray();
        var result = await ExtractionFileLoader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(ExtractionFiles.Text(rows))),
            new ExtractionLoadOptions { MaxReportedProblems = 5 });
        Assert.Equal(30, result.Report.RowsRejected);
        Assert.Equal(5, result.Report.Problems.Count);
        Assert.Equal(1, result.Report.RowsKept);
    }

    [Fact]
    public async Task Progress_is_reported_while_loading_and_at_the_end()
    {
        var seen = new List<ExtractionLoadProgress>();
        var progress = new SynchronousProgress(seen);
        using var stream = new MemoryStream();
        new ExtractionFileGenerator { RowCount = 2_500 }.WriteText(stream);
        stream.Position = 0;

        await ExtractionFileLoader.ReadAsync(stream, new ExtractionLoadOptions { ProgressInterval = 1_000 }, progress);

        Assert.Equal([1_000L, 2_000L, 2_500L], seen.Select(p => p.RowsRead));
        Assert.Equal(2_500, seen[^1].RowsKept + seen[^1].RowsRejected);
    }

    [Fact]
    public async Task A_zip_holding_the_text_file_loads_like_the_text_file()
    {
        var generator = new ExtractionFileGenerator { RowCount = 1_000, Seed = 3 };
        using var zip = new MemoryStream();
        generator.WriteZip(zip);
        zip.Position = 0;
        using var text = new MemoryStream();
        generator.WriteText(text);
        text.Position = 0;

        var fromZip = await ExtractionFileLoader.ReadAsync(zip);
        var fromText = await ExtractionFileLoader.ReadAsync(text);

        Assert.Equal(1_000, fromZip.Rows.Count);
        Assert.Equal(fromText.Rows.GetColumns(999), fromZip.Rows.GetColumns(999));
    }

    [Fact]
    public async Task The_extraction_date_is_read_from_the_name_of_the_text_file_in_Paris_time_and_is_null_when_the_name_does_not_say()
    {
        using var zip = new MemoryStream();
        new ExtractionFileGenerator { RowCount = 10 }.WriteZip(zip);
        zip.Position = 0;
        using var text = new MemoryStream();
        new ExtractionFileGenerator { RowCount = 10 }.WriteText(text);
        text.Position = 0;

        // The generator names its text file Extraction_Correspondance_MSSante_202406010400.txt: summer time in Paris.
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 4, 0, 0, TimeSpan.FromHours(2)), (await ExtractionFileLoader.ReadAsync(zip)).Report.ExtractedAt);
        Assert.Null((await ExtractionFileLoader.ReadAsync(text)).Report.ExtractedAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 4, 15, 0, TimeSpan.FromHours(1)), ExtractionFileLoader.ExtractionDate("/data/Extraction_Correspondance_MSSante_202612070415.txt"));
        Assert.Null(ExtractionFileLoader.ExtractionDate("annuaire.txt"));
        Assert.Null(ExtractionFileLoader.ExtractionDate("Extraction_Correspondance_MSSante_202613990415.txt"));
    }

    [Fact]
    public async Task A_zip_from_a_path_is_detected_by_its_content()
    {
        var path = Path.Combine(Path.GetTempPath(), $"extraction-{Guid.NewGuid():N}.zip");
        try
        {
            new ExtractionFileGenerator { RowCount = 100 }.WriteFile(path);
            var result = await ExtractionFileLoader.LoadAsync(path);
            Assert.Equal(100, result.Report.RowsKept);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_truncated_zip_is_refused_clearly()
    {
        using var zip = new MemoryStream();
        new ExtractionFileGenerator { RowCount = 2_000 }.WriteZip(zip);
        var truncated = zip.ToArray().AsSpan(0, (int)(zip.Length / 2)).ToArray();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractionFileLoader.ReadAsync(new MemoryStream(truncated)));

        Assert.Contains("zip archive is damaged or truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_without_a_text_file_is_refused_clearly()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("readme.pdf");
        }
        zip.Position = 0;
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractionFileLoader.ReadAsync(zip));
        Assert.Contains("no .txt file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Windows_line_endings_and_a_byte_order_mark_are_accepted()
    {
        var text = "\uFEFF" + ExtractionFiles.Text(Good).Replace("\n", "\r\n", StringComparison.Ordinal);
        var result = await ExtractionFiles.Load(text);
        Assert.Equal(1, result.Report.RowsKept);
        Assert.Equal("France", result.Rows.Get(0, ExtractionColumns.Country));
    }

    private sealed class SynchronousProgress(List<ExtractionLoadProgress> seen) : IProgress<ExtractionLoadProgress>
    {
        public void Report(ExtractionLoadProgress value) => seen.Add(value);
    }
}
