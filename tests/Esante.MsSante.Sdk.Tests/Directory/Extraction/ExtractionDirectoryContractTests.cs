using System.Text;
using Esante.MsSante.Directory;
using Esante.MsSante.Operators;

namespace Esante.MsSante.Tests.Directory.Extraction;

/// <summary>
/// The directory search contract over the in-memory index of the national extraction file, built from the data set written
/// as the file's 31 '|'-separated columns (the red-listed mailbox is simply not in the file, as in the national extraction).
/// </summary>
public sealed class ExtractionDirectoryContractTests : DirectorySearchContract
{
    protected override IDirectorySearch Directory { get; } = Build();

    private static ExtractionDirectoryIndex Build()
    {
        var text = new StringBuilder(ExtractionColumns.HeaderLine).Append('\n');
        foreach (var entry in DataSet)
        {
            text.Append(string.Join(ExtractionColumns.Separator, Row(entry))).Append('\n');
        }
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        var loaded = ExtractionFileLoader.ReadAsync(stream).GetAwaiter().GetResult();
        Assert.Equal(DataSet.Count, loaded.Report.RowsKept);
        return ExtractionDirectoryIndex.Build(loaded);
    }

    private static string[] Row(DirectoryEntry e)
    {
        var row = new string[ExtractionColumns.Count];
        Array.Fill(row, string.Empty);
        row[ExtractionColumns.MailboxType] = e.MailboxKind switch
        {
            MailboxKind.Personal => "PER",
            MailboxKind.Organisational => "ORG",
            MailboxKind.Applicative => "APP",
            _ => "CAB",
        };
        row[ExtractionColumns.Address] = e.Address.Value;
        if (e.Identifier is not null)
        {
            row[ExtractionColumns.ProfessionalIdType] = e.Identifier.NationalId[..1];
            row[ExtractionColumns.ProfessionalId] = e.Identifier.Value;
            row[ExtractionColumns.ProfessionalNationalId] = e.Identifier.NationalId;
        }
        row[ExtractionColumns.Service] = e.Service ?? string.Empty;
        row[ExtractionColumns.Civility] = e.Civility ?? string.Empty;
        row[ExtractionColumns.LastName] = e.LastName ?? string.Empty;
        row[ExtractionColumns.FirstName] = e.FirstName ?? string.Empty;
        row[ExtractionColumns.ProfessionCode] = e.ProfessionCode ?? string.Empty;
        row[ExtractionColumns.Profession] = e.Profession ?? string.Empty;
        row[ExtractionColumns.Specialty] = e.Specialty ?? string.Empty;
        row[ExtractionColumns.Organization] = e.Organization ?? string.Empty;
        row[ExtractionColumns.L4StreetName] = string.Join(' ', e.AddressLines);
        row[ExtractionColumns.L6Delivery] = $"{e.PostalCode} {e.City}".Trim();
        row[ExtractionColumns.PostalCode] = e.PostalCode ?? string.Empty;
        row[ExtractionColumns.Department] = e.Department ?? string.Empty;
        row[ExtractionColumns.Country] = e.Country ?? string.Empty;
        return row;
    }
}
