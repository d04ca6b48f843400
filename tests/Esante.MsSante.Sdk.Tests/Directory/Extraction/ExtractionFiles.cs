using System.Text;
using Esante.MsSante.Directory;

namespace Esante.MsSante.Tests.Directory.Extraction;

/// <summary>Small generated extraction files, built once per test run.</summary>
internal static class ExtractionFiles
{
    private static readonly Lazy<ExtractionDirectoryIndex> Shared = new(() => Index(new ExtractionFileGenerator { RowCount = 6_000, Seed = 7 }));

    /// <summary>6,000 generated rows with the fixed ones (Adeline GOUDAL, Adele ALEXANDRE…).</summary>
    public static ExtractionDirectoryIndex SharedIndex => Shared.Value;

    public static ExtractionDirectoryIndex Index(ExtractionFileGenerator generator, ExtractionIndexOptions? options = null)
    {
        using var stream = new MemoryStream();
        generator.WriteText(stream);
        stream.Position = 0;
        var loaded = ExtractionFileLoader.ReadAsync(stream).GetAwaiter().GetResult();
        return ExtractionDirectoryIndex.Build(loaded, options);
    }

    public static ExtractionDirectoryIndex Index(ExtractionIndexOptions? options, params string[][] rows) =>
        ExtractionDirectoryIndex.Build(Load(Text(rows)).GetAwaiter().GetResult(), options);

    public static Task<ExtractionLoadResult> Load(string text, IProgress<ExtractionLoadProgress>? progress = null) =>
        ExtractionFileLoader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), progress: progress);

    public static string Text(params string[][] rows) =>
        ExtractionColumns.HeaderLine + "\n" + string.Concat(rows.Select(r => string.Join('|', r) + "\n"));

    /// <summary>A valid row; <paramref name="change"/> sets columns by index.</summary>
    public static string[] Row(string address, string type = "PER", string last = "", string first = "", string organization = "", string city = "NANTES", string postal = "44000", Action<string[]>? change = null)
    {
        var row = new string[ExtractionColumns.Count];
        Array.Fill(row, string.Empty);
        row[ExtractionColumns.MailboxType] = type;
        row[ExtractionColumns.Address] = address;
        row[ExtractionColumns.LastName] = last;
        row[ExtractionColumns.FirstName] = first;
        row[ExtractionColumns.Organization] = organization;
        row[ExtractionColumns.L6Delivery] = postal + " " + city;
        row[ExtractionColumns.PostalCode] = postal;
        row[ExtractionColumns.Department] = postal[..2];
        row[ExtractionColumns.Country] = "France";
        change?.Invoke(row);
        return row;
    }
}
