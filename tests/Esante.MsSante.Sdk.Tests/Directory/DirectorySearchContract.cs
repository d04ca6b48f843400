using Esante.MsSante.Directory;
using Esante.MsSante.Operators;

namespace Esante.MsSante.Tests.Directory;

/// <summary>
/// What every <see cref="IDirectorySearch"/> shows over the same small directory (<see cref="DataSet"/>): two structures in
/// Nantes, one in Ajaccio (Corse-du-Sud), persons with RPPS or ADELI, PER, ORG, APP and CAB mailboxes. A subclass builds its
/// directory from <see cref="DataSet"/> (or from a rendering of it: the FHIR one is <c>Fhir/Data/annuaire-dataset.json</c>,
/// which also holds a mailbox on the red list that no directory may return).
/// </summary>
public abstract class DirectorySearchContract
{
    public const string Goudal = "adeline.goudal@chu-nantes.mssante.fr";
    public const string LeBihan = "helene.lebihan@chu-nantes.mssante.fr";
    public const string CardiologySecretariat = "secretariat.cardiologie@chu-nantes.mssante.fr";
    public const string ChuSoftware = "dpi@chu-nantes.mssante.fr";
    public const string CliniqueReception = "accueil@cliniquejulesverne.mssante.fr";
    public const string Santoni = "jean-baptiste.santoni@ch-ajaccio.mssante.fr";
    public const string AjaccioEmergencies = "urgences@ch-ajaccio.mssante.fr";
    public const string Leca = "marie-francoise.leca@sagefemme.mssante.fr";
    public const string LecaPractice = "cabinet.leca@sagefemme.mssante.fr";
    /// <summary>On the red list in the source: never returned.</summary>
    public const string RedListed = "francois.guerin@chu-nantes.mssante.fr";

    private static readonly string[] ChuNantesLines = ["5 allée de l'Île Gloriette"];
    private static readonly string[] AjaccioLines = ["27 AV IMPERATRICE EUGENIE"];

    /// <summary>The directory every implementation serves, as the national file would describe it.</summary>
    public static IReadOnlyList<DirectoryEntry> DataSet { get; } =
    [
        new()
        {
            Address = MssanteAddress.Parse(Goudal), MailboxKind = MailboxKind.Personal,
            LastName = "GOUDAL", FirstName = "Adeline", Civility = "DR", ProfessionCode = "10", Profession = "Médecin",
            Specialty = "Cardiologie et maladies vasculaires", Identifier = Rpps.Parse("10003456125"),
            Organization = "CHU de Nantes", Service = "Cardiologie", AddressLines = ChuNantesLines,
            PostalCode = "44093", City = "Nantes", Department = "Loire-Atlantique", Country = "France",
        },
        new()
        {
            Address = MssanteAddress.Parse(LeBihan), MailboxKind = MailboxKind.Personal,
            LastName = "LE BIHAN", FirstName = "Hélène", Civility = "MME", ProfessionCode = "60", Profession = "Infirmier",
            Identifier = Adeli.Parse("449612345"),
            Organization = "CHU de Nantes", Service = "Soins intensifs", AddressLines = ChuNantesLines,
            PostalCode = "44093", City = "Nantes", Department = "Loire-Atlantique", Country = "France",
        },
        new()
        {
            Address = MssanteAddress.Parse(CardiologySecretariat), MailboxKind = MailboxKind.Organisational,
            Organization = "CHU de Nantes", Service = "Cardiologie", AddressLines = ChuNantesLines,
            PostalCode = "44093", City = "Nantes", Department = "Loire-Atlantique", Country = "France",
        },
        new()
        {
            Address = MssanteAddress.Parse(ChuSoftware), MailboxKind = MailboxKind.Applicative,
            Organization = "CHU de Nantes", AddressLines = ChuNantesLines,
            PostalCode = "44093", City = "Nantes", Department = "Loire-Atlantique", Country = "France",
        },
        new()
        {
            Address = MssanteAddress.Parse(CliniqueReception), MailboxKind = MailboxKind.Organisational,
            Organization = "Clinique Jules Verne", Service = "Accueil", AddressLines = ["2 route de Paris"],
            PostalCode = "44300", City = "Nantes", Department = "Loire-Atlantique", Country = "France",
        },
        new()
        {
            Address = MssanteAddress.Parse(Santoni), MailboxKind = MailboxKind.Personal,
            LastName = "SANTONI", FirstName = "Jean-Baptiste", Civility = "DR", ProfessionCode = "10", Profession = "Médecin",
            Specialty = "Médecine d'urgence", Identifier = Rpps.Parse("10007612343"),
            Organization = "Centre hospitalier d'Ajaccio", Service = "Urgences", AddressLines = AjaccioLines,
            PostalCode = "20000", City = "Ajaccio", Department = "Corse-du-Sud", Country = "France",
        },
        new()
        {
            Address = MssanteAddress.Parse(AjaccioEmergencies), MailboxKind = MailboxKind.Organisational,
            Organization = "Centre hospitalier d'Ajaccio", Service = "Urgences", AddressLines = AjaccioLines,
            PostalCode = "20000", City = "Ajaccio", Department = "Corse-du-Sud", Country = "France",
        },
        new()
        {
            Address = MssanteAddress.Parse(Leca), MailboxKind = MailboxKind.Personal,
            LastName = "LECA", FirstName = "Marie-Françoise", ProfessionCode = "50", Profession = "Sage-Femme",
            Identifier = Rpps.Parse("10012345673"),
        },
        new()
        {
            Address = MssanteAddress.Parse(LecaPractice), MailboxKind = MailboxKind.Practice,
            LastName = "LECA", FirstName = "Marie-Françoise", ProfessionCode = "50", Profession = "Sage-Femme",
            Identifier = Rpps.Parse("10012345673"),
        },
    ];

    /// <summary>The directory under test, serving <see cref="DataSet"/>.</summary>
    protected abstract IDirectorySearch Directory { get; }

    private async Task<string[]> AddressesAsync(DirectoryQuery query) =>
        [.. (await Directory.SearchAsync(query)).Entries.Select(e => e.Address.Value).Order(StringComparer.Ordinal)];

    private static string[] Sorted(params string[] addresses) => [.. addresses.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task City_and_structure_find_the_structures_mailboxes_and_its_peoples()
    {
        var found = await AddressesAsync(new DirectoryQuery { City = "Nantes", Organization = "CHU" });

        Assert.Equal(Sorted(Goudal, LeBihan, CardiologySecretariat, ChuSoftware), found);
    }

    [Fact]
    public async Task Email_matches_a_part_of_the_address()
    {
        Assert.Equal([Goudal], await AddressesAsync(new DirectoryQuery { Email = "goudal" }));
        Assert.Equal(Sorted(Goudal, LeBihan, CardiologySecretariat, ChuSoftware), await AddressesAsync(new DirectoryQuery { Email = "chu-nantes" }));
        Assert.Equal([Santoni], await AddressesAsync(new DirectoryQuery { Email = Santoni }));
    }

    [Fact]
    public async Task Identifier_finds_the_person_by_rpps_national_id_raw_rpps_or_adeli_national_id()
    {
        Assert.Equal([Santoni], await AddressesAsync(new DirectoryQuery { Identifier = "810007612343" }));
        Assert.Equal([Santoni], await AddressesAsync(new DirectoryQuery { Identifier = "10007612343" }));
        Assert.Equal([LeBihan], await AddressesAsync(new DirectoryQuery { Identifier = "0449612345" }));
        Assert.Equal(Sorted(Leca, LecaPractice), await AddressesAsync(new DirectoryQuery { Identifier = "810012345673" }));
        Assert.Empty(await AddressesAsync(new DirectoryQuery { Identifier = "not-an-rpps" }));
    }

    [Fact]
    public async Task Mailbox_kind_keeps_only_that_kind()
    {
        Assert.Equal(Sorted(CardiologySecretariat, CliniqueReception), await AddressesAsync(new DirectoryQuery { City = "Nantes", MailboxKind = MailboxKind.Organisational }));
        Assert.Equal([LecaPractice], await AddressesAsync(new DirectoryQuery { LastName = "Leca", MailboxKind = MailboxKind.Practice }));
        Assert.Equal([ChuSoftware], await AddressesAsync(new DirectoryQuery { MailboxKind = MailboxKind.Applicative }));
    }

    [Fact]
    public async Task Names_match_as_word_prefixes_without_accents_or_case()
    {
        Assert.Equal([LeBihan], await AddressesAsync(new DirectoryQuery { LastName = "bihan", FirstName = "helene" }));
        Assert.Equal([Santoni], await AddressesAsync(new DirectoryQuery { Text = "santoni ajac" }));
    }

    [Fact]
    public async Task Department_by_name_or_number_finds_corsica()
    {
        Assert.Equal(Sorted(Santoni, AjaccioEmergencies), await AddressesAsync(new DirectoryQuery { Department = "Corse" }));
        Assert.Equal(Sorted(Santoni, AjaccioEmergencies), await AddressesAsync(new DirectoryQuery { Department = "20" }));
    }

    [Fact]
    public async Task Red_listed_mailboxes_are_never_returned()
    {
        Assert.DoesNotContain(RedListed, await AddressesAsync(new DirectoryQuery { City = "Nantes" }));
        Assert.Empty(await AddressesAsync(new DirectoryQuery { LastName = "Guérin" }));
    }

    [Fact]
    public async Task Paging_returns_a_window_of_the_ranked_results_and_the_total()
    {
        var all = await Directory.SearchAsync(new DirectoryQuery { City = "Nantes", Take = 100 });
        var page = await Directory.SearchAsync(new DirectoryQuery { City = "Nantes", Skip = 1, Take = 2 });
        var last = await Directory.SearchAsync(new DirectoryQuery { City = "Nantes", Skip = 4, Take = 2 });

        Assert.Equal(5, all.TotalCount);
        Assert.Equal(5, page.TotalCount);
        Assert.Equal(1, page.Skip);
        Assert.Equal(all.Entries.Skip(1).Take(2).Select(e => e.Address), page.Entries.Select(e => e.Address));
        Assert.True(page.HasMore);
        Assert.Single(last.Entries);
        Assert.False(last.HasMore);
        // Persons before structures, then by name.
        Assert.Equal([Goudal, LeBihan], all.Entries.Take(2).Select(e => e.Address.Value));
    }

    [Fact]
    public async Task Every_field_of_an_entry_is_served()
    {
        var santoni = Assert.Single((await Directory.SearchAsync(new DirectoryQuery { Identifier = "10007612343" })).Entries);

        // Sources may add the raw columns they read (the extraction file's 31); every typed field must match.
        Assert.Equal(DataSet.Single(e => e.Address.Value == Santoni) with { AddressLines = santoni.AddressLines, Columns = santoni.Columns }, santoni);
        Assert.Equal(AjaccioLines, santoni.AddressLines);
    }

    [Fact]
    public async Task A_query_without_criterion_or_with_invalid_paging_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Directory.SearchAsync(new DirectoryQuery()));
        await Assert.ThrowsAsync<ArgumentException>(() => Directory.SearchAsync(new DirectoryQuery { City = "Nantes", Take = 0 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Directory.SearchAsync(new DirectoryQuery { City = "Nantes", Skip = -1 }));
    }
}
