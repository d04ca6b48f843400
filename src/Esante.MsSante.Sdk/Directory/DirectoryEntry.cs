using Esante.MsSante.Operators;

namespace Esante.MsSante.Directory;

/// <summary>One mailbox of the directory, with the columns of the national file (« Extraction Correspondance MSSanté »).</summary>
public sealed record DirectoryEntry
{
    /// <summary>The MSSanté address (« Adresse BAL »).</summary>
    public required MssanteAddress Address { get; init; }

    /// <summary>The kind of mailbox (« Type de BAL »).</summary>
    public MailboxKind MailboxKind { get; init; }

    /// <summary>« Nom d'exercice ».</summary>
    public string? LastName { get; init; }

    /// <summary>« Prénom d'exercice ».</summary>
    public string? FirstName { get; init; }

    /// <summary>« Civilité d'exercice ».</summary>
    public string? Civility { get; init; }

    /// <summary>« Code Profession ».</summary>
    public string? ProfessionCode { get; init; }

    /// <summary>« Libellé Profession ».</summary>
    public string? Profession { get; init; }

    /// <summary>« Libellé savoir-faire » (specialty).</summary>
    public string? Specialty { get; init; }

    /// <summary>The professional's identifier (« Identifiant PP »): an <see cref="Rpps"/> or <see cref="Adeli"/>, when known.</summary>
    public HealthIdentifier? Identifier { get; init; }

    /// <summary>« Raison Sociale structure BAL ».</summary>
    public string? Organization { get; init; }

    /// <summary>« Service de rattachement ».</summary>
    public string? Service { get; init; }

    /// <summary>The street lines of the structure's address.</summary>
    public IReadOnlyList<string> AddressLines { get; init; } = [];

    /// <summary>« Code postal structure BAL ».</summary>
    public string? PostalCode { get; init; }

    /// <summary>The city, from « L6LIGNEACHEMINEMENT » without its postal code.</summary>
    public string? City { get; init; }

    /// <summary>« Département structure BAL ».</summary>
    public string? Department { get; init; }

    /// <summary>« Pays structure BAL ».</summary>
    public string? Country { get; init; }

    /// <summary>
    /// The row of the national file this entry was read from, all 31 columns in the file's order (see
    /// <see cref="ExtractionColumns"/>), when it came from « Extraction Correspondance MSSanté »; otherwise null.
    /// </summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The name to show: « Prénom NOM » for a person, the structure otherwise.</summary>
    public string DisplayName => LastName is null
        ? Organization ?? Address.Value
        : string.Join(' ', new[] { FirstName, LastName }.Where(s => !string.IsNullOrEmpty(s)));
}
