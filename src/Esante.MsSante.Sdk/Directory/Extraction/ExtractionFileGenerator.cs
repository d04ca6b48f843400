using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Esante.MsSante.Directory;

/// <summary>
/// Writes a synthetic but realistic « Extraction Correspondance MSSanté » file, deterministic from a seed, for tests and
/// benchmarks: the real 31-column header, French names with accents, professions and savoir-faire, hospitals, clinics,
/// pharmacies and practices with street addresses, postal codes and « 44093 NANTES CEDEX 1 » lines, Corsica (2A/2B), RPPS
/// numbers with a valid Luhn digit and some ADELI numbers, about 85 % PER rows, and some addresses on several rows.
/// Every person is invented; a few fixed rows (<see cref="FixedRows"/>) let tests search for known people.
/// </summary>
public sealed class ExtractionFileGenerator
{
    /// <summary>The rows written first, whatever the seed: Adeline GOUDAL and Adele ALEXANDRE at the CHU de Nantes, and a few others.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> FixedRows { get; } =
    [
        Row("PER", "adeline.goudal@chu-nantes.mssante.fr", "8", "10102293320", "810102293320", "1", "1440000291", "Pharmacie", "MME", "GOUDAL", "Adeline",
            "C", "Civil", "21", "Pharmacien", "", "", "O", "CHU DE NANTES SITE HOTEL DIEU", "", "", "", "1", "", "PL", "ALEXIS RICORDEAU", "", "44093 NANTES CEDEX 1", "44093", "44", "France"),
        Row("PER", "adele.alexandre@chu-nantes.mssante.fr", "8", "10103197363", "810103197363", "1", "1440000291", "Urgences", "MME", "ALEXANDRE", "Adèle",
            "C", "Civil", "60", "Infirmier", "", "", "O", "CHU DE NANTES", "", "", "", "5", "", "ALL", "DE L'ILE GLORIETTE", "", "44093 NANTES CEDEX 1", "44093", "44", "France"),
        Row("ORG", "pharmacie.hotel-dieu@chu-nantes.mssante.fr", "", "", "", "1", "1440000291", "Pharmacie", "", "", "",
            "", "", "", "", "", "", "O", "CHU DE NANTES SITE HOTEL DIEU", "", "", "", "1", "", "PL", "ALEXIS RICORDEAU", "", "44093 NANTES CEDEX 1", "44093", "44", "France"),
        Row("PER", "joel.leandri@medecin.mssante.fr", "8", "10000000009", "810000000009", "3", "38123456700012", "", "DR", "LEANDRI", "Joël",
            "C", "Civil", "10", "Médecin", "SM26", "Qualifié en Médecine Générale", "O", "CABINET MEDICAL DU COURS NAPOLEON", "", "", "", "12", "BIS", "CRS", "NAPOLEON", "", "20000 AJACCIO", "20000", "2A", "France"),
        Row("PER", "noemie.santoni@infirmier.mssante.fr", "0", "2B6012345", "02B6012345", "", "", "", "MME", "SANTONI", "Noémie",
            "C", "Civil", "60", "Infirmier", "", "", "N", "", "", "", "", "3", "", "R", "CESAR CAMPINCHI", "", "20200 BASTIA", "20200", "2B", "France"),
        // The same mailbox on two rows: a physician working in two places.
        Row("PER", "helene.berthelot@chu-rennes.mssante.fr", "8", "10004567896", "810004567896", "1", "1350005179", "Cardiologie", "DR", "BERTHELOT", "Hélène",
            "C", "Civil", "10", "Médecin", "SM04", "Cardiologie et maladies vasculaires", "O", "CHU DE RENNES", "", "", "", "2", "", "R", "HENRI LE GUILLOUX", "", "35033 RENNES CEDEX 9", "35033", "35", "France"),
        Row("PER", "helene.berthelot@chu-rennes.mssante.fr", "8", "10004567896", "810004567896", "3", "35123456700021", "", "DR", "BERTHELOT", "Hélène",
            "C", "Civil", "10", "Médecin", "SM04", "Cardiologie et maladies vasculaires", "O", "CABINET DE CARDIOLOGIE DU THABOR", "", "", "", "8", "", "R", "DE PARIS", "", "35000 RENNES", "35000", "35", "France"),
    ];

    private static readonly string[] CommonLastNames =
    [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT", "SIMON", "MICHEL",
        "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE",
        "ROUSSEAU", "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER",
        "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLEMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU",
        "GAUTIER", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOEL", "MEYER", "DUFOUR", "MEUNIER",
        "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIERE", "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD", "MARTINEZ", "GERARD",
        "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE",
        "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOIT", "REY", "LECLERC", "PAYET", "ROLLAND",
        "LECLERCQ", "GUILLAUME", "LECOMTE", "LOPEZ", "JEAN", "DUPUY", "GUILLOT", "HUBERT", "BERGER", "CARPENTIER", "SANCHEZ", "DUPUIS",
        "MOULIN", "LOUIS", "DESCHAMPS", "HUET", "VASSEUR", "PEREZ", "BOUCHER", "FLEURY", "ROYER", "KLEIN", "JACQUET", "ADAM", "PARIS",
        "POIRIER", "MARTY", "AUBRY", "GUYOT", "CARRE", "CHARLES", "RENAULT", "CHARPENTIER", "MENARD", "MAILLARD", "BARON", "BERTIN",
        "BAILLY", "HERVE", "SCHNEIDER", "FERNANDEZ", "LE GALL", "COLLET", "LEGER", "BOUVIER", "JULIEN", "PREVOST", "MILLET", "PERROT",
        "DANIEL", "LE ROUX", "COUSIN", "GERMAIN", "BRETON", "BESSON", "LANGLOIS", "REMY", "LE GOFF", "PELLETIER", "LEVEQUE", "PERRIER",
        "LEBLANC", "BARRE", "LEBRUN", "MARCHAL", "WEBER", "MALLET", "HAMON", "BOULANGER", "JACOB", "MONNIER", "MICHAUD", "RODRIGUEZ",
        "GUICHARD", "GILLET", "ETIENNE", "GRONDIN", "POULAIN", "TESSIER", "CHEVALLIER", "COLLIN", "CHAUVIN", "DA SILVA", "BOUCHET",
        "GAY", "LEMAITRE", "BENARD", "MARECHAL", "HUMBERT", "REYNAUD", "ANTOINE", "HOARAU", "PERRET", "BARTHELEMY", "CORDIER", "PICHON",
        "LEJEUNE", "GILBERT", "LAMY", "DELAUNAY", "PASQUIER", "CARLIER", "LAPORTE", "GOUDAL", "ALEXANDRE", "SANTONI", "LEANDRI",
        "N'DIAYE", "NGUYEN", "TRAN", "BENALI", "HADDAD", "KOWALSKI", "O'NEILL", "LE BIHAN", "KERGOAT", "QUÉRÉ", "LAGARDÈRE", "BÉGUIN",
    ];

    private static readonly string[] Syllables =
    [
        "ba", "bé", "bo", "bou", "ca", "ché", "co", "da", "de", "di", "do", "fa", "fe", "ga", "gau", "gi", "go", "gou", "la", "le", "lé",
        "li", "lo", "ma", "mé", "mi", "mo", "na", "né", "ni", "no", "pa", "pe", "pi", "po", "ra", "re", "ri", "ro", "rou", "sa", "se",
        "si", "so", "ta", "te", "ti", "to", "va", "ve", "vi", "vo", "ar", "el", "or", "an", "on", "in", "ber", "ter", "mar", "ler", "vin",
    ];

    private static readonly string[] Endings = ["", "", "t", "d", "l", "n", "r", "s", "ux", "au", "ier", "ard", "ot", "et", "in", "ez", "y", "on", "ac", "an"];

    private static readonly string[] FirstNames =
    [
        "Adèle", "Adeline", "Agnès", "Alain", "Alexandre", "Alice", "Amélie", "Anaïs", "André", "Anne", "Antoine", "Aurélie", "Baptiste",
        "Benoît", "Bernard", "Brigitte", "Camille", "Caroline", "Catherine", "Cécile", "Céline", "Chloé", "Christine", "Christophe",
        "Claire", "Clément", "Corinne", "Damien", "Daniel", "David", "Delphine", "Denis", "Didier", "Dominique", "Élise", "Élodie",
        "Émilie", "Emma", "Éric", "Étienne", "Fabien", "Fabienne", "Florence", "Florian", "France", "François", "Françoise", "Frédéric",
        "Gaëlle", "Gaëtan", "Geneviève", "Gérard", "Guillaume", "Hélène", "Hugo", "Inès", "Isabelle", "Jacques", "Jean", "Jean-Marc",
        "Jean-Pierre", "Jérémie", "Jérôme", "Joël", "Julie", "Julien", "Karine", "Laetitia", "Laure", "Laurent", "Léa", "Léon", "Loïc",
        "Louis", "Lucie", "Maëlle", "Manon", "Marc", "Marie", "Marie-Hélène", "Marion", "Martine", "Mathieu", "Mélanie", "Michel",
        "Nathalie", "Nicolas", "Noël", "Noémie", "Olivier", "Pascal", "Patrick", "Philippe", "Pierre", "Raphaël", "Renée", "Sandrine",
        "Sébastien", "Sophie", "Stéphane", "Stéphanie", "Sylvie", "Thérèse", "Thibault", "Thomas", "Valérie", "Véronique", "Vincent",
        "Virginie", "Yannick", "Yves", "Zoé", "Solène", "Maïwenn", "Gwenaël", "Anne-Sophie", "Jean-François", "Ségolène", "Hervé",
    ];

    private static readonly (string Code, string Label, int Weight, string Domain)[] Professions =
    [
        ("10", "Médecin", 40, "medecin"), ("60", "Infirmier", 25, "infirmier"), ("21", "Pharmacien", 12, "pharmacien"),
        ("70", "Masseur-kinésithérapeute", 8, "kine"), ("50", "Sage-femme", 4, "sagefemme"), ("40", "Chirurgien-dentiste", 6, "chirurgien-dentiste"),
        ("80", "Pédicure-podologue", 1, "podologue"), ("91", "Orthophoniste", 1, "orthophoniste"), ("92", "Orthoptiste", 1, "orthoptiste"),
        ("26", "Audioprothésiste", 1, "audio"), ("98", "Manipulateur ERM", 1, "manipulateur"),
    ];

    private static readonly (string Code, string Label)[] Specialties =
    [
        ("SM26", "Qualifié en Médecine Générale"), ("SM04", "Cardiologie et maladies vasculaires"), ("SM32", "Neurologie"),
        ("SM53", "Psychiatrie"), ("SM40", "Pédiatrie"), ("SM15", "Gynécologie-obstétrique"), ("SM01", "Anesthésie-réanimation"),
        ("SM12", "Dermatologie et vénéréologie"), ("SM34", "Ophtalmologie"), ("SM50", "Radio-diagnostic"), ("SM19", "Gastro-entérologie et hépatologie"),
        ("SM37", "Oto-rhino-laryngologie"), ("SM42", "Pneumologie"), ("SM47", "Rhumatologie"), ("SM30", "Néphrologie"),
    ];

    private static readonly string[] Services =
    [
        "Urgences", "Cardiologie", "Pédiatrie", "Maternité", "Réanimation", "Pharmacie", "Radiologie", "Oncologie", "Néphrologie",
        "Bloc opératoire", "Neurologie", "Gériatrie", "Psychiatrie adulte", "Laboratoire de biologie", "Chirurgie digestive", "Pneumologie",
    ];

    private static readonly string[] StreetTypes = ["R", "R", "R", "AV", "AV", "BD", "PL", "CHE", "ALL", "IMP", "QUAI", "RTE", "CRS", "SQ"];

    private static readonly string[] StreetNames =
    [
        "DE LA REPUBLIQUE", "VICTOR HUGO", "JEAN JAURES", "DU GENERAL DE GAULLE", "PASTEUR", "DE LA GARE", "DE L'EGLISE", "GAMBETTA",
        "DES ÉCOLES", "JULES FERRY", "DU MARECHAL FOCH", "CARNOT", "DE LA MAIRIE", "DU MOULIN", "DES TILLEULS", "DE VERDUN",
        "ÉMILE ZOLA", "DE LA LIBÉRATION", "CLEMENCEAU", "DE LA PAIX", "DU 8 MAI 1945", "SAINT-MICHEL", "DES LILAS", "DU CHÂTEAU",
        "ALSACE LORRAINE", "DE BRETAGNE", "ANATOLE FRANCE", "ARISTIDE BRIAND", "DU PORT", "DES ACACIAS", "LOUIS PASTEUR", "DE LA LOIRE",
        "PIERRE CURIE", "MARIE CURIE", "DU STADE", "DES PEUPLIERS", "DE LA FONTAINE", "DU COMMANDANT CHARCOT", "DE STRASBOURG", "NATIONALE",
    ];

    private static readonly string[] SaintNames = ["AUGUSTIN", "FRANÇOIS", "JOSEPH", "MARTIN", "VINCENT", "GERMAIN", "JEAN", "LOUIS", "PAUL", "ÉLOI", "GATIEN", "HONORÉ"];

    private static readonly (string City, string Postal, string Department, int Weight, bool Chu)[] BigCities =
    [
        ("PARIS", "75013", "75", 60, true), ("MARSEILLE", "13005", "13", 25, true), ("LYON", "69003", "69", 25, true), ("TOULOUSE", "31059", "31", 18, true),
        ("NICE", "06000", "06", 12, true), ("NANTES", "44093", "44", 16, true), ("STRASBOURG", "67091", "67", 14, true), ("MONTPELLIER", "34295", "34", 14, true),
        ("BORDEAUX", "33076", "33", 16, true), ("LILLE", "59037", "59", 18, true), ("RENNES", "35033", "35", 12, true), ("REIMS", "51092", "51", 6, true),
        ("SAINT-ETIENNE", "42055", "42", 6, true), ("TOULON", "83000", "83", 6, false), ("LE HAVRE", "76600", "76", 5, false), ("GRENOBLE", "38043", "38", 10, true),
        ("DIJON", "21079", "21", 7, true), ("ANGERS", "49933", "49", 7, true), ("NÎMES", "30029", "30", 6, true), ("CLERMONT-FERRAND", "63003", "63", 8, true),
        ("LE MANS", "72037", "72", 5, false), ("AIX-EN-PROVENCE", "13100", "13", 5, false), ("BREST", "29609", "29", 7, true), ("TOURS", "37044", "37", 8, true),
        ("AMIENS", "80054", "80", 6, true), ("LIMOGES", "87042", "87", 6, true), ("ANNECY", "74000", "74", 4, false), ("PERPIGNAN", "66046", "66", 4, false),
        ("BESANÇON", "25030", "25", 6, true), ("ORLÉANS", "45067", "45", 5, true), ("ROUEN", "76031", "76", 8, true), ("CAEN", "14033", "14", 7, true),
        ("NANCY", "54035", "54", 8, true), ("METZ", "57038", "57", 5, false), ("POITIERS", "86021", "86", 6, true), ("NANTERRE", "92000", "92", 4, false),
        ("AJACCIO", "20000", "2A", 3, false), ("BASTIA", "20200", "2B", 3, false), ("PORTO-VECCHIO", "20137", "2A", 1, false), ("CORTE", "20250", "2B", 1, false),
        ("SAINT-NAZAIRE", "44600", "44", 3, false), ("LA ROCHE-SUR-YON", "85925", "85", 3, false), ("SAINT-BRIEUC", "22000", "22", 3, false), ("VANNES", "56000", "56", 3, false),
        ("QUIMPER", "29000", "29", 3, false), ("LORIENT", "56100", "56", 3, false), ("PAU", "64000", "64", 3, false), ("BAYONNE", "64100", "64", 3, false),
        ("NARBONNE", "11100", "11", 2, false), ("NIORT", "79000", "79", 2, false), ("CHÂTEAUROUX", "36000", "36", 2, false), ("ÉVREUX", "27000", "27", 2, false),
    ];

    private static readonly string[] Departments =
    [
        "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "2A", "2B", "21", "22", "23",
        "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46", "47",
        "48", "49", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "60", "61", "62", "63", "64", "65", "66", "67", "68", "69", "70", "71",
        "72", "73", "74", "75", "76", "77", "78", "79", "80", "81", "82", "83", "84", "85", "86", "87", "88", "89", "90", "91", "92", "93", "94", "95",
    ];

    private static readonly string[] VillagePrefixes = ["SAINT-", "SAINTE-", "LE ", "LA ", "LES ", "", "", "", "", "", "", "MONT", "VILLE", "CHÂTEAU-", "BOURG-"];

    private static readonly string[] VillageSuffixes = ["", "", "", "", "-SUR-MER", "-SUR-LOIRE", "-EN-BRESSE", "-LES-BAINS", "-DE-BRETAGNE", "-LE-GRAND", "-SUR-SEINE", "VILLE", "COURT", "BOURG"];

    /// <summary>The seed of the pseudo-random choices: the same seed writes the same file.</summary>
    public int Seed { get; init; } = 20240601;

    /// <summary>How many data rows to write, the fixed rows included. Default 540,000, the size of the national file.</summary>
    public int RowCount { get; init; } = 540_000;

    /// <summary>The share of rows of personal mailboxes (PER). Default 0.85.</summary>
    public double PersonShare { get; init; } = 0.85;

    /// <summary>The share of personal rows that repeat an earlier address on another row (a second place of work). Default 0.02.</summary>
    public double RepeatedAddressShare { get; init; } = 0.02;

    /// <summary>Whether to write the <see cref="FixedRows"/> first. Default true.</summary>
    public bool IncludeFixedRows { get; init; } = true;

    /// <summary>Writes the file as UTF-8 text (no byte order mark), header first.</summary>
    /// <param name="destination">Where to write; left open.</param>
    public void WriteText(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new StreamWriter(destination, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(ExtractionColumns.HeaderLine);
        foreach (var row in Rows())
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    writer.Write(ExtractionColumns.Separator);
                }
                writer.Write(row[i]);
            }
            writer.WriteLine();
        }
    }

    /// <summary>Writes the file to a path: a zip holding <c>Extraction_Correspondance_MSSante_AAAAMMJJhhmm.txt</c> when the path ends in <c>.zip</c>, plain text otherwise.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    public void WriteFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.Create(path);
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            WriteZip(file);
        }
        else
        {
            WriteText(file);
        }
    }

    /// <summary>Writes a zip archive holding the text file, as the national site publishes it.</summary>
    /// <param name="destination">Where to write; left open.</param>
    public void WriteZip(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var archive = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        var entry = archive.CreateEntry("Extraction_Correspondance_MSSante_202406010400.txt", CompressionLevel.Fastest);
        using var stream = entry.Open();
        WriteText(stream);
    }

    /// <summary>The data rows, 31 columns each, in the order they are written.</summary>
    public IEnumerable<string[]> Rows()
    {
        var random = new Random(Seed);
        var written = 0;
        if (IncludeFixedRows)
        {
            foreach (var row in FixedRows)
            {
                if (written == RowCount)
                {
                    yield break;
                }
                written++;
                yield return row.ToArray();
            }
        }
        var cities = BuildCities(random);
        var structures = BuildStructures(random, cities);
        var usedAddresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in FixedRows)
        {
            usedAddresses.Add(row[ExtractionColumns.Address]);
        }
        var lastNames = BuildLastNames(random);
        var previousPersons = new List<string[]>();
        var professionTotal = Professions.Sum(p => p.Weight);
        var orgNumber = 0;
        while (written < RowCount)
        {
            written++;
            if (random.NextDouble() >= PersonShare)
            {
                yield return OrganisationRow(random, structures, usedAddresses, ++orgNumber);
                continue;
            }
            if (previousPersons.Count > 0 && random.NextDouble() < RepeatedAddressShare)
            {
                var earlier = previousPersons[random.Next(previousPersons.Count)];
                var again = (string[])earlier.Clone();
                SetStructure(again, structures[random.Next(structures.Length)], random);
                yield return again;
                continue;
            }
            var person = PersonRow(random, structures, lastNames, usedAddresses, professionTotal);
            if (previousPersons.Count < 50_000)
            {
                previousPersons.Add(person);
            }
            yield return person;
        }
    }

    private static string[] PersonRow(Random random, Structure[] structures, string[] lastNames, HashSet<string> used, int professionTotal)
    {
        var row = new string[ExtractionColumns.Count];
        Array.Fill(row, string.Empty);
        var pick = random.Next(professionTotal);
        var profession = Professions[0];
        foreach (var p in Professions)
        {
            if (pick < p.Weight)
            {
                profession = p;
                break;
            }
            pick -= p.Weight;
        }
        // Zipf-like: common names often, the long tail of generated names otherwise.
        var lastName = random.NextDouble() < 0.35 ? CommonLastNames[(int)(CommonLastNames.Length * Math.Pow(random.NextDouble(), 2))] : lastNames[random.Next(lastNames.Length)];
        var firstName = FirstNames[(int)(FirstNames.Length * Math.Pow(random.NextDouble(), 1.3))];
        var structure = structures[(int)(structures.Length * Math.Pow(random.NextDouble(), 1.6))];
        var hospitalDomain = structure.Domain;
        var domain = hospitalDomain ?? profession.Domain + ".mssante.fr";
        var local = Ascii(firstName) + "." + Ascii(lastName);
        var address = local + "@" + domain;
        for (var n = 2; !used.Add(address); n++)
        {
            address = local + n.ToString(CultureInfo.InvariantCulture) + "@" + domain;
        }
        row[ExtractionColumns.MailboxType] = "PER";
        row[ExtractionColumns.Address] = address;
        if (random.NextDouble() < 0.93)
        {
            var rpps = RppsNumber(random);
            row[ExtractionColumns.ProfessionalIdType] = "8";
            row[ExtractionColumns.ProfessionalId] = rpps;
            row[ExtractionColumns.ProfessionalNationalId] = "8" + rpps;
        }
        else
        {
            var adeli = structure.City.Department + random.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
            row[ExtractionColumns.ProfessionalIdType] = "0";
            row[ExtractionColumns.ProfessionalId] = adeli;
            row[ExtractionColumns.ProfessionalNationalId] = "0" + adeli;
        }
        row[ExtractionColumns.Civility] = profession.Code == "10" && random.NextDouble() < 0.8 ? "DR" : random.NextDouble() < 0.6 ? "MME" : "M";
        row[ExtractionColumns.LastName] = lastName;
        row[ExtractionColumns.FirstName] = firstName;
        row[ExtractionColumns.ProfessionCategory] = "C";
        row[ExtractionColumns.ProfessionCategoryLabel] = "Civil";
        row[ExtractionColumns.ProfessionCode] = profession.Code;
        row[ExtractionColumns.Profession] = profession.Label;
        if (profession.Code == "10")
        {
            var specialty = Specialties[(int)(Specialties.Length * Math.Pow(random.NextDouble(), 2))];
            row[ExtractionColumns.SpecialtyCode] = specialty.Code;
            row[ExtractionColumns.Specialty] = specialty.Label;
        }
        row[ExtractionColumns.Dematerialisation] = random.NextDouble() < 0.7 ? "O" : "N";
        SetStructure(row, structure, random);
        return row;
    }

    private static string[] OrganisationRow(Random random, Structure[] structures, HashSet<string> used, int number)
    {
        var row = new string[ExtractionColumns.Count];
        Array.Fill(row, string.Empty);
        var structure = structures[(int)(structures.Length * Math.Pow(random.NextDouble(), 1.4))];
        row[ExtractionColumns.MailboxType] = random.NextDouble() < 0.97 ? "ORG" : random.NextDouble() < 0.5 ? "APP" : "CAB";
        var service = structure.IsHospital ? Services[random.Next(Services.Length)] : string.Empty;
        var local = service.Length > 0 ? Ascii(service) : "secretariat";
        var domain = structure.Domain ?? "pro.mssante.fr";
        var address = local + "@" + domain;
        if (!used.Add(address))
        {
            address = local + "." + number.ToString(CultureInfo.InvariantCulture) + "@" + domain;
            used.Add(address);
        }
        row[ExtractionColumns.Address] = address;
        row[ExtractionColumns.Dematerialisation] = "O";
        SetStructure(row, structure, random);
        row[ExtractionColumns.Service] = service;
        return row;
    }

    private static void SetStructure(string[] row, Structure s, Random random)
    {
        row[ExtractionColumns.StructureIdType] = s.IdType;
        row[ExtractionColumns.StructureId] = s.Id;
        row[ExtractionColumns.Service] = s.IsHospital && random.NextDouble() < 0.7 ? Services[random.Next(Services.Length)] : string.Empty;
        row[ExtractionColumns.Organization] = s.Name;
        row[ExtractionColumns.TradeName] = s.TradeName;
        row[ExtractionColumns.L2Location] = s.L2;
        row[ExtractionColumns.L3Distribution] = s.L3;
        row[ExtractionColumns.L4StreetNumber] = s.Number;
        row[ExtractionColumns.L4StreetNumberComplement] = s.NumberComplement;
        row[ExtractionColumns.L4StreetType] = s.StreetType;
        row[ExtractionColumns.L4StreetName] = s.StreetName;
        row[ExtractionColumns.L5Locality] = s.L5;
        row[ExtractionColumns.L6Delivery] = s.City.Postal + " " + s.City.Name + s.Cedex;
        row[ExtractionColumns.PostalCode] = s.City.Postal;
        row[ExtractionColumns.Department] = s.City.Department;
        row[ExtractionColumns.Country] = "France";
    }

    private sealed record City(string Name, string Postal, string Department, bool Chu);

    private sealed record Structure(string Name, string TradeName, string IdType, string Id, string? Domain, bool IsHospital, City City,
        string L2, string L3, string Number, string NumberComplement, string StreetType, string StreetName, string L5, string Cedex);

    private static City[] BuildCities(Random random)
    {
        var cities = new List<City>();
        foreach (var c in BigCities)
        {
            for (var i = 0; i < c.Weight; i++)
            {
                cities.Add(new City(c.City, c.Postal, c.Department, c.Chu));
            }
        }
        var bigCount = cities.Count;
        // A long tail of communes, so that city prefixes have realistic spreads.
        for (var i = 0; i < 4_000; i++)
        {
            var dept = Departments[random.Next(Departments.Length)];
            var postal = (dept[0] == '2' && dept[1] is 'A' or 'B' ? "20" : dept) + random.Next(0, 1000).ToString("D3", CultureInfo.InvariantCulture);
            var name = VillagePrefixes[random.Next(VillagePrefixes.Length)] + GeneratedName(random).ToUpperInvariant() + VillageSuffixes[random.Next(VillageSuffixes.Length)];
            cities.Add(new City(name, postal, dept, false));
        }
        // Big cities weigh about as much as the tail together.
        return [.. cities.Take(bigCount), .. cities.Take(bigCount), .. cities.Skip(bigCount)];
    }

    private static Structure[] BuildStructures(Random random, City[] cities)
    {
        var list = new List<Structure>();
        foreach (var c in BigCities.Where(c => c.Chu))
        {
            var city = new City(c.City, c.Postal, c.Department, true);
            var domain = "chu-" + Ascii(c.City).Replace('.', '-') + ".mssante.fr";
            list.Add(Hospital(random, "CHU DE " + c.City, city, domain, " CEDEX 9"));
            list.Add(Hospital(random, "CHU DE " + c.City + " HOPITAL NORD", city, domain, " CEDEX 9"));
        }
        for (var i = 0; i < 30_000; i++)
        {
            var city = cities[random.Next(cities.Length)];
            var kind = random.Next(100);
            var person = GeneratedName(random).ToUpperInvariant();
            var (name, hospital, domain) = kind switch
            {
                < 3 => ("CH " + city.Name, true, "ch-" + Ascii(city.Name) + ".mssante.fr"),
                < 8 => ("CLINIQUE " + SaintNames[random.Next(SaintNames.Length)] + (random.Next(2) == 0 ? "" : " " + city.Name), true, "clinique-" + Ascii(person) + ".mssante.fr"),
                < 30 => ("PHARMACIE " + (random.Next(3) == 0 ? "DU CENTRE" : random.Next(2) == 0 ? "DE LA GARE" : person), false, (string?)null),
                < 40 => ("EHPAD " + (random.Next(2) == 0 ? "LES " + StreetNames[random.Next(StreetNames.Length)].Replace("DE LA ", "", StringComparison.Ordinal) : SaintNames[random.Next(SaintNames.Length)]), false, null),
                < 45 => ("LABORATOIRE " + person, false, null),
                < 50 => ("CENTRE DE SANTE " + city.Name, false, null),
                _ => ("CABINET " + (random.Next(2) == 0 ? "MEDICAL " : "INFIRMIER ") + (random.Next(2) == 0 ? person : "DU " + StreetNames[random.Next(StreetNames.Length)].Replace("DE LA ", "", StringComparison.Ordinal)), false, null),
            };
            list.Add(hospital ? Hospital(random, name, city, domain!, random.Next(3) == 0 ? " CEDEX" : "") : Practice(random, name, city));
        }
        return [.. list];
    }

    private static Structure Hospital(Random random, string name, City city, string domain, string cedex) => new(
        name, "", "1", "1" + FinessNumber(random, city.Department), domain, true, city,
        random.Next(3) == 0 ? "BATIMENT " + (char)('A' + random.Next(6)) : "", random.Next(2) == 0 ? "CS " + random.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture) : "",
        random.Next(1, 120).ToString(CultureInfo.InvariantCulture), "", StreetTypes[random.Next(StreetTypes.Length)], StreetNames[random.Next(StreetNames.Length)], "", cedex);

    private static Structure Practice(Random random, string name, City city) => new(
        name, random.Next(10) == 0 ? name.Replace("PHARMACIE", "PHIE", StringComparison.Ordinal) : "", "3", "3" + random.NextInt64(10_000_000_000_000, 99_999_999_999_999).ToString(CultureInfo.InvariantCulture),
        null, false, city, random.Next(8) == 0 ? "RESIDENCE " + SaintNames[random.Next(SaintNames.Length)] : "", "",
        random.Next(1, 250).ToString(CultureInfo.InvariantCulture), random.Next(12) == 0 ? "BIS" : "", StreetTypes[random.Next(StreetTypes.Length)],
        StreetNames[random.Next(StreetNames.Length)], random.Next(15) == 0 ? "LIEU-DIT " + GeneratedName(random).ToUpperInvariant() : "", "");

    private static string FinessNumber(Random random, string department)
    {
        var body = department + random.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        return body + random.Next(10).ToString(CultureInfo.InvariantCulture);
    }

    private static string[] BuildLastNames(Random random)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < 40_000)
        {
            var name = GeneratedName(random).ToUpperInvariant();
            if (random.Next(25) == 0)
            {
                name += "-" + CommonLastNames[random.Next(CommonLastNames.Length)];
            }
            names.Add(name);
        }
        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static string GeneratedName(Random random)
    {
        var builder = new StringBuilder();
        var count = random.Next(2, 4);
        for (var i = 0; i < count; i++)
        {
            builder.Append(Syllables[random.Next(Syllables.Length)]);
        }
        builder.Append(Endings[random.Next(Endings.Length)]);
        return builder.ToString();
    }

    /// <summary>11 digits starting with 10, the last the Luhn key.</summary>
    private static string RppsNumber(Random random)
    {
        var body = "10" + random.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        for (var key = 0; key < 10; key++)
        {
            var candidate = body + (char)('0' + key);
            if (Esante.MsSante.Luhn.IsValid(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("unreachable: one Luhn key in ten is valid");
    }

    /// <summary>Lower-case ASCII for the local part of an address: accents dropped, spaces and apostrophes as hyphens.</summary>
    private static string Ascii(string text)
    {
        var folded = DirectoryText.Fold(text);
        return folded.Replace(' ', '-');
    }

    private static string[] Row(params string[] columns) => columns;
}
