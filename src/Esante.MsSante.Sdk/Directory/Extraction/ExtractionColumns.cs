namespace Esante.MsSante.Directory;

/// <summary>
/// The 31 columns of the national file « Extraction Correspondance MSSanté », in the file's order, and their positions.
/// </summary>
public static class ExtractionColumns
{
    /// <summary>The column separator, <c>|</c>.</summary>
    public const char Separator = '|';

    /// <summary>How many columns a row has: 31.</summary>
    public const int Count = 31;

    /// <summary>« Type de BAL »: PER, ORG, APP or CAB.</summary>
    public const int MailboxType = 0;

    /// <summary>« Adresse BAL », the only key of the file.</summary>
    public const int Address = 1;

    /// <summary>« Type Identifiant PP »: 8 for RPPS, 0 for ADELI.</summary>
    public const int ProfessionalIdType = 2;

    /// <summary>« Identifiant PP »: the RPPS or ADELI number.</summary>
    public const int ProfessionalId = 3;

    /// <summary>« Identification nationale PP »: 8 + RPPS or 0 + ADELI.</summary>
    public const int ProfessionalNationalId = 4;

    /// <summary>« Type identifiant structure ».</summary>
    public const int StructureIdType = 5;

    /// <summary>« Identification Structure ».</summary>
    public const int StructureId = 6;

    /// <summary>« Service de rattachement ».</summary>
    public const int Service = 7;

    /// <summary>« Civilité d'exercice ».</summary>
    public const int Civility = 8;

    /// <summary>« Nom d'exercice ».</summary>
    public const int LastName = 9;

    /// <summary>« Prénom d'exercice ».</summary>
    public const int FirstName = 10;

    /// <summary>« Catégorie profession ».</summary>
    public const int ProfessionCategory = 11;

    /// <summary>« Libellé de catégorie profession ».</summary>
    public const int ProfessionCategoryLabel = 12;

    /// <summary>« Code Profession ».</summary>
    public const int ProfessionCode = 13;

    /// <summary>« Libellé Profession ».</summary>
    public const int Profession = 14;

    /// <summary>« Code savoir-faire ».</summary>
    public const int SpecialtyCode = 15;

    /// <summary>« Libellé savoir-faire ».</summary>
    public const int Specialty = 16;

    /// <summary>« Dématérialisation ».</summary>
    public const int Dematerialisation = 17;

    /// <summary>« Raison Sociale structure BAL ».</summary>
    public const int Organization = 18;

    /// <summary>« Enseigne commerciale structure BAL ».</summary>
    public const int TradeName = 19;

    /// <summary>« L2COMPLEMENTLOCALISATION structure BAL ».</summary>
    public const int L2Location = 20;

    /// <summary>« L3COMPLEMENTDISTRIBUTION structure BAL ».</summary>
    public const int L3Distribution = 21;

    /// <summary>« L4NUMEROVOIE structure BAL ».</summary>
    public const int L4StreetNumber = 22;

    /// <summary>« L4COMPLEMENTNUMEROVOIE structure BAL ».</summary>
    public const int L4StreetNumberComplement = 23;

    /// <summary>« NL4TYPEVOIE structure BAL ».</summary>
    public const int L4StreetType = 24;

    /// <summary>« L4LIBELLEVOIE structure BAL ».</summary>
    public const int L4StreetName = 25;

    /// <summary>« L5LIEUDITMENTION structure BAL ».</summary>
    public const int L5Locality = 26;

    /// <summary>« L6LIGNEACHEMINEMENT structure BAL »: postal code and city, « 44093 NANTES CEDEX 1 ».</summary>
    public const int L6Delivery = 27;

    /// <summary>« Code postal structure BAL ».</summary>
    public const int PostalCode = 28;

    /// <summary>« Département structure BAL ».</summary>
    public const int Department = 29;

    /// <summary>« Pays structure BAL ».</summary>
    public const int Country = 30;

    /// <summary>The header row's names, in order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "Type de BAL", "Adresse BAL", "Type Identifiant PP", "Identifiant PP", "Identification nationale PP",
        "Type identifiant structure", "Identification Structure", "Service de rattachement", "Civilité d'exercice",
        "Nom d'exercice", "Prénom d'exercice", "Catégorie profession", "Libellé de catégorie profession", "Code Profession",
        "Libellé Profession", "Code savoir-faire", "Libellé savoir-faire", "Dématérialisation", "Raison Sociale structure BAL",
        "Enseigne commerciale structure BAL", "L2COMPLEMENTLOCALISATION structure BAL", "L3COMPLEMENTDISTRIBUTION structure BAL",
        "L4NUMEROVOIE structure BAL", "L4COMPLEMENTNUMEROVOIE structure BAL", "NL4TYPEVOIE structure BAL",
        "L4LIBELLEVOIE structure BAL", "L5LIEUDITMENTION structure BAL", "L6LIGNEACHEMINEMENT structure BAL",
        "Code postal structure BAL", "Département structure BAL", "Pays structure BAL",
    ];

    /// <summary>The header row as written in the file.</summary>
    public static string HeaderLine { get; } = string.Join(Separator, Names);
}
