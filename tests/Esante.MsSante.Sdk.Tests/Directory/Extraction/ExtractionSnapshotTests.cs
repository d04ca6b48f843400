using System.IO.Compression;
using Esante.MsSante.Directory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Esante.MsSante.Tests.Directory.Extraction;

public sealed class ExtractionSnapshotTests : IDisposable
{
    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("snapshot-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_folder, recursive: true);

    private string Extraction(int rows = 3_000, int seed = 20240601, string name = "extraction.txt")
    {
        var path = Path.Combine(_folder, name);
        new ExtractionFileGenerator { RowCount = rows, Seed = seed, RepeatedAddressShare = 0.05 }.WriteFile(path);
        return path;
    }

    /// <summary>A generated extraction with its snapshot written beside it.</summary>
    private async Task<string> Snapshotted(int rows)
    {
        var path = Extraction(rows);
        (await ExtractionDirectoryIndex.LoadAsync(path)).WriteSnapshot();
        return path;
    }

    /// <summary>What a page says, every field of every entry, as text to compare.</summary>
    private static string Describe(DirectoryPage page) =>
        $"{page.TotalCount}/{page.Skip}: " + string.Join(" | ", page.Entries.Select(e =>
            string.Join(";", e.Address.Value, e.MailboxKind, e.LastName, e.FirstName, e.Civility, e.ProfessionCode, e.Profession,
                e.Specialty, e.Identifier?.ToString(), e.Organization, e.Service, string.Join("/", e.AddressLines), e.PostalCode,
                e.City, e.Department, e.Country, string.Join("/", e.Columns ?? []))));

    private static IEnumerable<DirectoryQuery> Queries(ExtractionDirectoryIndex index)
    {
        foreach (var text in new[] { "a", "b", "ma", "gou ade", "chu na", "nantes", "dupont", "pierre mar", "cab s", "centre hosp", "zzz" })
        {
            yield return new DirectoryQuery { Text = text, Take = 10 };
            yield return new DirectoryQuery { Text = text, Skip = 7, Take = 5 };
        }
        for (var row = 0; row < index.Rows.Count; row += 397)
        {
            yield return new DirectoryQuery { LastName = index.Rows.Get(row, ExtractionColumns.LastName) is { Length: > 0 } last ? last : null, City = "nan", Take = 10 };
            yield return new DirectoryQuery { Email = index.Rows.Get(row, ExtractionColumns.Address), Take = 10 };
            if (index.Rows.Get(row, ExtractionColumns.ProfessionalId) is { Length: > 0 } id)
            {
                yield return new DirectoryQuery { Identifier = id, Take = 10 };
            }
        }
        yield return new DirectoryQuery { PostalCode = "44", MailboxKind = MailboxKind.Organisational, Take = 20 };
        yield return new DirectoryQuery { Profession = "med", Department = "44", Take = 20 };
    }

    /// <summary>Loading the snapshot of <paramref name="path"/> fails for <paramref name="problem"/>, and the message says <paramref name="says"/>.</summary>
    private static ExtractionSnapshotException AssertRefused(string path, ExtractionSnapshotProblem problem, string says)
    {
        var error = Assert.Throws<ExtractionSnapshotException>(() => ExtractionDirectoryIndex.LoadSnapshot(path));
        Assert.Equal(problem, error.Problem);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
        return error;
    }

    private static void AssertSameAnswers(ExtractionDirectoryIndex loaded, ExtractionDirectoryIndex restored)
    {
        Assert.Equal(loaded.Count, restored.Count);
        Assert.Equal(loaded.WordCount, restored.WordCount);
        Assert.Equal(loaded.Rows.Count, restored.Rows.Count);
        Assert.Equal(loaded.Rows.DistinctValueCount, restored.Rows.DistinctValueCount);
        var queries = Queries(loaded).Where(q => q.Text is not null || q.LastName is not null || q.Email is not null || q.Identifier is not null
            || q.PostalCode is not null || q.Profession is not null).ToList();
        Assert.True(queries.Count > 30);
        foreach (var query in queries)
        {
            Assert.Equal(Describe(loaded.Search(query)), Describe(restored.Search(query)));
            Assert.Equal(loaded.CountMatches(query), restored.CountMatches(query));
        }
        for (var row = 0; row < loaded.Rows.Count; row += 211)
        {
            var address = loaded.Rows.Get(row, ExtractionColumns.Address);
            var entry = restored.Find(address);
            Assert.NotNull(entry);
            Assert.Equal(loaded.GetRows(loaded.Find(address)!).Select(r => string.Join("|", r)), restored.GetRows(entry).Select(r => string.Join("|", r)));
            Assert.Equal(loaded.Rows.GetColumns(row), restored.Rows.GetColumns(row));
        }
    }

    [Fact]
    public async Task A_snapshot_gives_an_index_that_answers_exactly_as_the_loaded_one()
    {
        var path = Extraction();
        var loaded = await ExtractionDirectoryIndex.LoadAsync(path);
        loaded.WriteSnapshot();
        Assert.True(File.Exists(ExtractionDirectoryIndex.DefaultSnapshotPath(path)));

        var restored = ExtractionDirectoryIndex.LoadSnapshot(path);

        Assert.False(loaded.IsFromSnapshot);
        Assert.True(restored.IsFromSnapshot);
        Assert.Equal(loaded.LoadReport!.ToString(), restored.LoadReport!.ToString());
        Assert.Equal(loaded.LoadReport.ExtractedAt, restored.LoadReport.ExtractedAt);
        AssertSameAnswers(loaded, restored);
    }

    [Fact]
    public async Task An_index_read_from_a_snapshot_writes_the_same_snapshot_again()
    {
        var path = Extraction(rows: 800);
        var first = Path.Combine(_folder, "first.index");
        var second = Path.Combine(_folder, "second.index");
        (await ExtractionDirectoryIndex.LoadAsync(path)).WriteSnapshot(first);

        ExtractionDirectoryIndex.LoadSnapshot(path, first).WriteSnapshot(second);

        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
    }

    [Fact]
    public async Task The_report_of_rejected_rows_and_the_extraction_date_survive_the_snapshot()
    {
        var path = Path.Combine(_folder, "Extraction_Correspondance_MSSante_202612070315.txt");
        await File.WriteAllTextAsync(path, ExtractionFiles.Text(
            ExtractionFiles.Row("adeline.goudal@chu-nantes.mssante.fr", last: "GOUDAL", first: "Adeline"),
            ExtractionFiles.Row("not-an-address", last: "NOBODY")));
        var loaded = await ExtractionDirectoryIndex.LoadAsync(path);
        loaded.WriteSnapshot();

        var report = ExtractionDirectoryIndex.LoadSnapshot(path).LoadReport!;

        Assert.Equal(1, report.RowsRejected);
        Assert.Equal(loaded.LoadReport!.Problems, report.Problems);
        Assert.NotNull(report.ExtractedAt);
        Assert.Equal(loaded.LoadReport.ExtractedAt, report.ExtractedAt);
    }

    [Fact]
    public async Task Values_outside_Latin_1_survive_the_snapshot()
    {
        var path = Path.Combine(_folder, "extraction.txt");
        await File.WriteAllTextAsync(path, ExtractionFiles.Text(
            ExtractionFiles.Row("marie.boeuf@chu-nantes.mssante.fr", last: "BŒUF", first: "Marie"),
            ExtractionFiles.Row("zoe.aubry@chu-nantes.mssante.fr", last: "AUBRY", first: "Zoé", organization: "CENTRE € SANTÉ")));
        var loaded = await ExtractionDirectoryIndex.LoadAsync(path);
        loaded.WriteSnapshot();

        var restored = ExtractionDirectoryIndex.LoadSnapshot(path);

        for (var row = 0; row < loaded.Rows.Count; row++)
        {
            Assert.Equal(loaded.Rows.GetColumns(row), restored.Rows.GetColumns(row));
        }
        Assert.Equal("BŒUF", loaded.Find("marie.boeuf@chu-nantes.mssante.fr")!.LastName);
        Assert.Equal("BŒUF", restored.Find("marie.boeuf@chu-nantes.mssante.fr")!.LastName);
        Assert.Equal("CENTRE € SANTÉ", restored.Find("zoe.aubry@chu-nantes.mssante.fr")!.Organization);
        foreach (var text in new[] { "b", "zoe", "centre sant" })
        {
            Assert.Equal(Describe(loaded.Search(new DirectoryQuery { Text = text })), Describe(restored.Search(new DirectoryQuery { Text = text })));
        }
    }

    [Fact]
    public void A_missing_snapshot_is_refused_as_missing()
    {
        var path = Extraction(rows: 100);
        Assert.IsAssignableFrom<DirectorySourceException>(AssertRefused(path, ExtractionSnapshotProblem.Missing, "no index snapshot"));
    }

    [Fact]
    public async Task A_snapshot_of_an_extraction_that_changed_is_refused_as_stale()
    {
        var path = await Snapshotted(500);
        new ExtractionFileGenerator { RowCount = 501 }.WriteFile(path);

        Assert.Contains("extraction.txt", AssertRefused(path, ExtractionSnapshotProblem.Stale, "stale").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_of_content_with_the_same_size_and_date_is_seen_by_the_hash()
    {
        var path = await Snapshotted(500);
        var date = File.GetLastWriteTimeUtc(path);
        var bytes = await File.ReadAllBytesAsync(path);
        var at = Array.IndexOf(bytes, (byte)'@', bytes.Length / 2);
        bytes[at - 1] = bytes[at - 1] == (byte)'x' ? (byte)'y' : (byte)'x';
        await File.WriteAllBytesAsync(path, bytes);
        File.SetLastWriteTimeUtc(path, date);

        AssertRefused(path, ExtractionSnapshotProblem.Stale, "content");
    }

    [Fact]
    public async Task A_snapshot_is_tied_to_the_bytes_indexed_even_if_the_file_changes_with_the_same_size_and_date_before_it_is_written()
    {
        var path = Extraction(rows: 500);
        var date = File.GetLastWriteTimeUtc(path);
        var loaded = await ExtractionDirectoryIndex.LoadAsync(path);
        var bytes = await File.ReadAllBytesAsync(path);
        var at = Array.IndexOf(bytes, (byte)'@', bytes.Length / 2);
        bytes[at - 1] = bytes[at - 1] == (byte)'x' ? (byte)'y' : (byte)'x';
        await File.WriteAllBytesAsync(path, bytes);
        File.SetLastWriteTimeUtc(path, date);

        // Size and date say nothing changed, so the snapshot is written; but for the rows this index holds, not for the
        // file now, so the next start refuses it rather than serving the old rows for the new file.
        loaded.WriteSnapshot();
        AssertRefused(path, ExtractionSnapshotProblem.Stale, "content");
    }

    [Fact]
    public async Task A_zip_extraction_gets_a_snapshot_that_the_next_start_reads()
    {
        var text = Extraction();
        var path = Path.Combine(_folder, "extraction.zip");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(text, "Extraction_Correspondance_MSSante_202612070315.txt");
        }
        var loaded = await ExtractionDirectoryIndex.LoadAsync(path);
        loaded.WriteSnapshot();

        AssertSameAnswers(loaded, ExtractionDirectoryIndex.LoadSnapshot(path));
    }

    [Fact]
    public async Task A_snapshot_made_with_other_options_is_refused_as_stale()
    {
        var path = await Snapshotted(300);

        var order = Assert.Throws<ExtractionSnapshotException>(() =>
            ExtractionDirectoryIndex.LoadSnapshot(path, options: new ExtractionIndexOptions { KindOrder = DirectoryKindOrder.StructuresFirst }));
        var domains = Assert.Throws<ExtractionSnapshotException>(() =>
            ExtractionDirectoryIndex.LoadSnapshot(path, loadOptions: new ExtractionLoadOptions { TrustedDomains = new TrustedDomainList(["example.org"]) }));

        Assert.Equal(ExtractionSnapshotProblem.Stale, order.Problem);
        Assert.Equal(ExtractionSnapshotProblem.Stale, domains.Problem);
        Assert.Contains("options", order.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Damages => ["truncated", "cut in the header", "bad magic", "flipped byte", "appended"];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_snapshot_is_refused_with_a_clear_message(string damage)
    {
        var path = await Snapshotted(500);
        var snapshot = ExtractionDirectoryIndex.DefaultSnapshotPath(path);
        var bytes = await File.ReadAllBytesAsync(snapshot);
        bytes = damage switch
        {
            "truncated" => bytes[..(bytes.Length * 2 / 3)],
            "cut in the header" => bytes[..40],
            "bad magic" => [(byte)'X', .. bytes[1..]],
            "flipped byte" => Flip(bytes, bytes.Length / 2),
            _ => [.. bytes, 0, 0, 0, 0],
        };
        await File.WriteAllBytesAsync(snapshot, bytes);

        Assert.Contains("extraction.txt.index", AssertRefused(path, ExtractionSnapshotProblem.Damaged, "damaged").Message, StringComparison.Ordinal);

        static byte[] Flip(byte[] bytes, int at)
        {
            bytes[at] ^= 0x20;
            return bytes;
        }
    }

    [Fact]
    public async Task A_snapshot_of_another_format_version_is_refused_as_such()
    {
        var path = await Snapshotted(200);
        var snapshot = ExtractionDirectoryIndex.DefaultSnapshotPath(path);
        var bytes = await File.ReadAllBytesAsync(snapshot);
        bytes[8] = 99;
        await File.WriteAllBytesAsync(snapshot, bytes);

        AssertRefused(path, ExtractionSnapshotProblem.WrongVersion, "version 99");
    }

    [Fact]
    public async Task Only_an_index_loaded_from_a_file_can_be_written_and_not_once_its_file_changed()
    {
        var path = Extraction(rows: 200);
        var fromRows = ExtractionDirectoryIndex.Build(await ExtractionFileLoader.LoadAsync(path));
        Assert.Throws<InvalidOperationException>(() => fromRows.WriteSnapshot(Path.Combine(_folder, "rows.index")));

        var loaded = await ExtractionDirectoryIndex.LoadAsync(path);
        new ExtractionFileGenerator { RowCount = 201 }.WriteFile(path);
        var error = Assert.Throws<ExtractionSnapshotException>(() => loaded.WriteSnapshot());
        Assert.Equal(ExtractionSnapshotProblem.Stale, error.Problem);
        Assert.False(File.Exists(ExtractionDirectoryIndex.DefaultSnapshotPath(path)));
    }

    [Fact]
    public async Task The_fallback_loads_the_extraction_writes_the_snapshot_then_reads_it_at_the_next_start()
    {
        var path = Extraction(rows: 1_000);
        var logs = new FakeLogCollector();
        var options = new ExtractionSnapshotOptions { Logger = new FakeLogger(logs) };

        var first = await ExtractionDirectoryIndex.LoadWithSnapshotAsync(path, options);
        var second = await ExtractionDirectoryIndex.LoadWithSnapshotAsync(path, options);

        Assert.False(first.IsFromSnapshot);
        Assert.True(second.IsFromSnapshot);
        Assert.True(File.Exists(ExtractionDirectoryIndex.DefaultSnapshotPath(path)));
        Assert.Equal(111, Assert.Single(logs.GetSnapshot()).Id.Id);
        AssertSameAnswers(first, second);
    }

    [Fact]
    public async Task The_fallback_replaces_a_stale_snapshot_and_says_why_in_a_warning()
    {
        var path = Extraction(rows: 300);
        var snapshot = Path.Combine(_folder, "elsewhere.index");
        (await ExtractionDirectoryIndex.LoadAsync(path)).WriteSnapshot(snapshot);
        new ExtractionFileGenerator { RowCount = 320 }.WriteFile(path);
        var logs = new FakeLogCollector();

        var index = await ExtractionDirectoryIndex.LoadWithSnapshotAsync(path, new ExtractionSnapshotOptions { Path = snapshot, Logger = new FakeLogger(logs) });

        Assert.False(index.IsFromSnapshot);
        var refused = logs.GetSnapshot()[0];
        Assert.Equal(110, refused.Id.Id);
        Assert.Equal(LogLevel.Warning, refused.Level);
        Assert.Contains("Stale", refused.Message, StringComparison.Ordinal);
        Assert.True(ExtractionDirectoryIndex.LoadSnapshot(path, snapshot).IsFromSnapshot);
    }

    [Fact]
    public async Task A_snapshot_that_cannot_be_written_is_a_warning_and_the_index_is_returned()
    {
        var path = Extraction(rows: 200);
        var logs = new FakeLogCollector();
        var unwritable = Path.Combine(_folder, "no-such-folder", "extraction.index");

        var index = await ExtractionDirectoryIndex.LoadWithSnapshotAsync(path, new ExtractionSnapshotOptions { Path = unwritable, Logger = new FakeLogger(logs) });

        Assert.True(index.Count > 0);
        var warning = Assert.Single(logs.GetSnapshot());
        Assert.Equal(112, warning.Id.Id);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Empty(System.IO.Directory.GetFiles(_folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Writing_no_snapshot_when_asked_not_to()
    {
        var path = Extraction(rows: 200);
        var index = await ExtractionDirectoryIndex.LoadWithSnapshotAsync(path, new ExtractionSnapshotOptions { Write = false });
        Assert.False(index.IsFromSnapshot);
        Assert.False(File.Exists(ExtractionDirectoryIndex.DefaultSnapshotPath(path)));
    }

    [Fact]
    public async Task A_background_rebuild_keeps_answering_then_swaps_in_the_new_extraction_and_writes_its_snapshot()
    {
        var older = Extraction(rows: 2_000, name: "older.txt");
        var newer = Extraction(rows: 2_500, seed: 7, name: "newer.txt");
        var directory = new ReloadableDirectory(await ExtractionDirectoryIndex.LoadAsync(older));
        var expectedOld = (await directory.SearchAsync(new DirectoryQuery { Text = "ma" })).TotalCount;
        var totals = new List<int>();

        var rebuild = directory.ReloadExtractionAsync(newer, new ExtractionSnapshotOptions());
        while (!rebuild.IsCompleted)
        {
            totals.Add((await directory.SearchAsync(new DirectoryQuery { Text = "ma" })).TotalCount);
        }
        var fresh = await rebuild;

        Assert.Same(fresh, directory.Current);
        Assert.Equal(1, directory.Generation);
        // The old answers until the swap; a search that began just after it (the loop checks before it searches) gets
        // the new one, and never the old again.
        var expectedNew = (await fresh.SearchAsync(new DirectoryQuery { Text = "ma" })).TotalCount;
        var swappedAt = totals.FindIndex(t => t != expectedOld);
        Assert.All(totals.Take(swappedAt < 0 ? totals.Count : swappedAt), t => Assert.Equal(expectedOld, t));
        Assert.All(totals.Skip(swappedAt < 0 ? totals.Count : swappedAt), t => Assert.Equal(expectedNew, t));
        Assert.True(File.Exists(ExtractionDirectoryIndex.DefaultSnapshotPath(newer)));
        AssertSameAnswers(await ExtractionDirectoryIndex.LoadAsync(newer), fresh);
        AssertSameAnswers(fresh, ExtractionDirectoryIndex.LoadSnapshot(newer));
    }

    [Fact]
    public async Task A_cancelled_rebuild_leaves_the_current_index()
    {
        var path = Extraction(rows: 500);
        var current = await ExtractionDirectoryIndex.LoadAsync(path);
        var directory = new ReloadableDirectory(current);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => directory.ReloadExtractionAsync(path, new ExtractionSnapshotOptions(), cancellationToken: cancelled.Token));

        Assert.Same(current, directory.Current);
        Assert.Equal(0, directory.Generation);
        Assert.False(File.Exists(ExtractionDirectoryIndex.DefaultSnapshotPath(path)));
        current.WriteSnapshot();
        Assert.ThrowsAny<OperationCanceledException>(() => ExtractionDirectoryIndex.LoadSnapshot(path, cancellationToken: cancelled.Token));
        Assert.Throws<OperationCanceledException>(() => current.WriteSnapshot(Path.Combine(_folder, "cancelled.index"), cancelled.Token));
        Assert.Empty(System.IO.Directory.GetFiles(_folder, "*cancelled*"));
    }
}
