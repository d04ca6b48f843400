using Esante.MsSante.Directory;
using Esante.MsSante.Operators;

namespace Esante.MsSante.Tests.Directory.Extraction;

public class ExtractionDirectoryIndexTests
{
    private static ExtractionDirectoryIndex Index => ExtractionFiles.SharedIndex;

    private static DirectoryPage Search(DirectoryQuery query) => Index.Search(query);

    [Theory]
    [InlineData("gou ade nan")]
    [InlineData("nan ade gou")]
    [InlineData("GOUDAL Adeline")]
    [InlineData("goudal hôtel-dieu")]
    [InlineData("adeline ricordeau")]
    public void Typed_prefixes_in_any_order_find_Adeline_Goudal(string typed)
    {
        var page = Search(new DirectoryQuery { Text = typed });
        Assert.Contains(page.Entries, e => e.Address.Value == "adeline.goudal@chu-nantes.mssante.fr");
    }

    [Fact]
    public void An_entry_carries_every_column_of_its_row_and_the_parsed_fields()
    {
        var entry = Assert.Single(Search(new DirectoryQuery { Text = "gou ade nan" }).Entries);
        Assert.Equal("GOUDAL", entry.LastName);
        Assert.Equal("Adeline", entry.FirstName);
        Assert.Equal("Pharmacien", entry.Profession);
        Assert.Equal("CHU DE NANTES SITE HOTEL DIEU", entry.Organization);
        Assert.Equal("NANTES CEDEX 1", entry.City);
        Assert.Equal("44093", entry.PostalCode);
        Assert.Equal(["1 PL ALEXIS RICORDEAU"], entry.AddressLines);
        Assert.Equal("10102293320", entry.Identifier?.Value);
        Assert.Equal(MailboxKind.Personal, entry.MailboxKind);
        Assert.NotNull(entry.Columns);
        Assert.Equal(ExtractionColumns.Count, entry.Columns.Count);
        Assert.Equal("44093 NANTES CEDEX 1", entry.Columns[ExtractionColumns.L6Delivery]);
        Assert.Equal(Index.GetRows(entry)[0], entry.Columns.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => entry.Columns[ExtractionColumns.Count]);
        Assert.Throws<ArgumentOutOfRangeException>(() => entry.Columns[-1]);
    }

    [Fact]
    public void The_guide_field_search_Ville_Nantes_and_Structure_CHU_finds_only_CHU_entries_in_Nantes()
    {
        var page = Search(new DirectoryQuery { City = "Nantes", Organization = "CHU", Take = 1000 });
        Assert.True(page.TotalCount >= 3);
        Assert.Contains(page.Entries, e => e.LastName == "ALEXANDRE" && e.FirstName == "Adèle");
        Assert.All(page.Entries, e =>
        {
            Assert.StartsWith("NANTES", e.City, StringComparison.Ordinal);
            Assert.Contains("CHU", e.Organization, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Field_criteria_combine_with_and()
    {
        var page = Search(new DirectoryQuery { LastName = "alexandre", FirstName = "adele", Profession = "infirm", Department = "44", PostalCode = "440" });
        var entry = Assert.Single(page.Entries);
        Assert.Equal("adele.alexandre@chu-nantes.mssante.fr", entry.Address.Value);
        Assert.Equal(0, Search(new DirectoryQuery { LastName = "alexandre", FirstName = "adele", Profession = "pharmacien" }).TotalCount);
    }

    [Theory]
    [InlineData("10102293320")]
    [InlineData("810102293320")]
    [InlineData(" 10102293320 ")]
    public void An_RPPS_or_national_id_finds_its_professional(string identifier)
    {
        var entry = Assert.Single(Search(new DirectoryQuery { Identifier = identifier }).Entries);
        Assert.Equal("GOUDAL", entry.LastName);
    }

    [Fact]
    public void An_ADELI_with_a_Corsican_département_finds_its_professional()
    {
        var entry = Assert.Single(Search(new DirectoryQuery { Identifier = "02B6012345" }).Entries);
        Assert.Equal("SANTONI", entry.LastName);
        Assert.Equal("2B", entry.Department);
        Assert.Single(Search(new DirectoryQuery { Department = "2b", LastName = "santoni" }).Entries);
    }

    [Theory]
    [InlineData("1010229332")] // partial
    [InlineData("8101022933201")] // one digit too many
    [InlineData("02b6012345")] // identifiers are written in capitals
    [InlineData("1010 2293320")]
    [InlineData("١٠١٠٢٢٩٣٣٢٠")] // Arabic-Indic digits are not digits here
    public void An_identifier_of_another_shape_finds_nothing(string identifier)
    {
        Assert.Equal(0, Search(new DirectoryQuery { Identifier = identifier }).TotalCount);
    }

    [Fact]
    public void The_mailbox_kind_filters_results()
    {
        var organisations = Search(new DirectoryQuery { Text = "chu nantes", MailboxKind = MailboxKind.Organisational, Take = 1000 });
        Assert.NotEmpty(organisations.Entries);
        Assert.All(organisations.Entries, e => Assert.Equal(MailboxKind.Organisational, e.MailboxKind));
        Assert.Contains(organisations.Entries, e => e.Address.Value == "pharmacie.hotel-dieu@chu-nantes.mssante.fr");
        var all = Search(new DirectoryQuery { Text = "chu nantes" });
        Assert.True(all.TotalCount > organisations.TotalCount);
    }

    [Fact]
    public void Pages_follow_each_other_without_overlap_and_count_every_match()
    {
        var all = Search(new DirectoryQuery { Text = "ma", Take = 1000 });
        Assert.True(all.TotalCount > 60);
        var first = Search(new DirectoryQuery { Text = "ma", Take = 25 });
        var second = Search(new DirectoryQuery { Text = "ma", Skip = 25, Take = 25 });
        Assert.Equal(all.TotalCount, first.TotalCount);
        Assert.True(first.HasMore);
        Assert.Equal(all.Entries.Skip(25).Take(25).Select(e => e.Address), second.Entries.Select(e => e.Address));
        Assert.Empty(first.Entries.Select(e => e.Address).Intersect(second.Entries.Select(e => e.Address)));
        var beyond = Search(new DirectoryQuery { Text = "ma", Skip = all.TotalCount, Take = 10 });
        Assert.Empty(beyond.Entries);
        Assert.False(beyond.HasMore);
    }

    [Fact]
    public void Whole_word_matches_rank_before_prefix_only_matches()
    {
        var index = ExtractionFiles.Index(null,
            ExtractionFiles.Row("a.martinez@medecin.mssante.fr", last: "MARTINEZ", first: "Anne"),
            ExtractionFiles.Row("z.martin@medecin.mssante.fr", last: "MARTIN", first: "Zoé"));
        var page = index.Search(new DirectoryQuery { Text = "martin" });
        Assert.Equal(["z.martin@medecin.mssante.fr", "a.martinez@medecin.mssante.fr"], page.Entries.Select(e => e.Address.Value));
        var twoWords = index.Search(new DirectoryQuery { Text = "martin zo" });
        Assert.Equal("z.martin@medecin.mssante.fr", Assert.Single(twoWords.Entries).Address.Value);
    }

    [Fact]
    public void Persons_come_before_structures_by_default_and_the_order_is_configurable()
    {
        string[][] rows =
        [
            ExtractionFiles.Row("accueil@ch-blois.mssante.fr", type: "ORG", organization: "AAA CENTRE BLOIS"),
            ExtractionFiles.Row("b.blois@medecin.mssante.fr", last: "ZORRO", first: "Blois"),
        ];
        var personsFirst = ExtractionFiles.Index(null, rows).Search(new DirectoryQuery { Text = "blois" });
        Assert.Equal(MailboxKind.Personal, personsFirst.Entries[0].MailboxKind);
        var structuresFirst = ExtractionFiles.Index(new ExtractionIndexOptions { KindOrder = DirectoryKindOrder.StructuresFirst }, rows).Search(new DirectoryQuery { Text = "blois" });
        Assert.Equal(MailboxKind.Organisational, structuresFirst.Entries[0].MailboxKind);
        var byName = ExtractionFiles.Index(new ExtractionIndexOptions { KindOrder = DirectoryKindOrder.NameOnly }, rows).Search(new DirectoryQuery { Text = "blois" });
        Assert.Equal("AAA CENTRE BLOIS", byName.Entries[0].Organization);
    }

    [Fact]
    public void An_address_on_several_rows_is_one_entry_that_keeps_all_its_rows()
    {
        var page = Search(new DirectoryQuery { LastName = "berthelot", FirstName = "hélène" });
        var entry = Assert.Single(page.Entries);
        var rows = Index.GetRows(entry);
        Assert.Equal(2, rows.Count);
        Assert.Equal("CABINET DE CARDIOLOGIE DU THABOR", rows[1][ExtractionColumns.Organization]);
        Assert.Single(Search(new DirectoryQuery { Text = "berthelot thabor" }).Entries);
    }

    [Theory]
    [InlineData("!!! ... ---")]
    [InlineData("zzzzzzqqqq")]
    public void Punctuation_only_or_unknown_words_find_nothing(string text)
    {
        var page = Search(new DirectoryQuery { Text = text });
        Assert.Equal(0, page.TotalCount);
        Assert.Empty(page.Entries);
    }

    [Fact]
    public void A_query_of_ten_thousand_characters_returns_empty()
    {
        var words = string.Join(' ', Enumerable.Range(0, 2_500).Select(i => ((char)('a' + (i % 26))).ToString() + (char)('a' + (i / 26 % 26))));
        Assert.True(words.Length >= 7_000);
        var page = Search(new DirectoryQuery { Text = (words + new string('x', 10_000))[..10_000] });
        Assert.Equal(0, page.TotalCount);
        Assert.Equal(0, Search(new DirectoryQuery { Text = new string('é', 10_000) }).TotalCount);
    }

    [Fact]
    public void A_query_without_criterion_is_refused_as_in_memory_directory_does()
    {
        Assert.Throws<ArgumentException>(() => Search(new DirectoryQuery { Text = "   " }));
        Assert.Throws<ArgumentException>(() => Search(new DirectoryQuery { Text = "gou", Take = 0 }));
    }

    [Theory]
    [InlineData(3_000)]
    [InlineData(20_000)] // large enough for the bitmap intersections of dense words (4,096 entries and more)
    public async Task The_index_answers_as_InMemoryDirectory_does_over_the_same_entries(int rows)
    {
        // No repeated address here: the reference directory holds one entry per row.
        var index = ExtractionFiles.Index(new ExtractionFileGenerator { RowCount = rows, Seed = 11, RepeatedAddressShare = 0, IncludeFixedRows = false });
        var entries = Enumerable.Range(0, index.Rows.Count)
            .Select(r => index.Find(index.Rows.Get(r, ExtractionColumns.Address))!)
            .ToList();
        var reference = new InMemoryDirectory(entries);
        var sample = entries[1234];
        DirectoryQuery[] queries =
        [
            new() { Text = "ma" }, new() { Text = "m" }, new() { Text = "chu" }, new() { Text = "chu na", Take = 50 }, new() { Text = sample.LastName![..3] },
            new() { Text = sample.LastName + " " + sample.FirstName![..1] }, new() { Text = "pharmacie" }, new() { Text = "r de la" },
            new() { City = sample.City }, new() { Department = sample.Department, Take = 100, Skip = 10 }, new() { Department = sample.PostalCode![..2] },
            new() { PostalCode = sample.PostalCode }, new() { Profession = "médecin", City = "pa" }, new() { Organization = "cabinet", Text = "du" },
            new() { Email = "medecin.mssante" , Take = 30 }, new() { Identifier = sample.Identifier?.NationalId ?? "x" },
            new() { MailboxKind = MailboxKind.Organisational, Take = 40 }, new() { Text = "a", MailboxKind = MailboxKind.Personal, Skip = 5 },
            new() { City = "!!" , Take = 5 }, new() { Text = "saint" }, new() { Text = "é" }, new() { LastName = "le", FirstName = "j" },
            new() { Text = "a m" }, new() { Text = "m a", Skip = 20 }, new() { Text = "r d" }, new() { Text = "c n", Take = 100 },
        ];
        foreach (var query in queries)
        {
            var expected = await reference.SearchAsync(query);
            var actual = index.Search(query);
            Assert.True(expected.TotalCount == actual.TotalCount, $"{query}: {expected.TotalCount} expected, {actual.TotalCount} found");
            Assert.Equal(expected.Entries.Select(e => e.Address.Value), actual.Entries.Select(e => e.Address.Value));
        }
    }
}
