using Esante.MsSante.Operators;

namespace Esante.MsSante.Directory;

/// <summary>A directory search: free text and/or the guide's fields, all optional, combined with AND; then a page.</summary>
public sealed record DirectoryQuery
{
    /// <summary>Words typed in the « À : » field, matched as prefixes of names, structure, city and address, in any order; accents and case ignored.</summary>
    public string? Text { get; init; }

    /// <summary>« Nom ».</summary>
    public string? LastName { get; init; }

    /// <summary>« Prénom ».</summary>
    public string? FirstName { get; init; }

    /// <summary>« Code postal ».</summary>
    public string? PostalCode { get; init; }

    /// <summary>« Ville ».</summary>
    public string? City { get; init; }

    /// <summary>« Département » (number or name).</summary>
    public string? Department { get; init; }

    /// <summary>« Profession ».</summary>
    public string? Profession { get; init; }

    /// <summary>« Structure ».</summary>
    public string? Organization { get; init; }

    /// <summary>« Email MSSanté ».</summary>
    public string? Email { get; init; }

    /// <summary>An RPPS, ADELI or national id.</summary>
    public string? Identifier { get; init; }

    /// <summary>Only mailboxes of this kind.</summary>
    public MailboxKind? MailboxKind { get; init; }

    /// <summary>How many results to skip (paging).</summary>
    public int Skip { get; init; }

    /// <summary>How many results at most (paging). Default 20.</summary>
    public int Take { get; init; } = 20;

    /// <summary>Whether any criterion is set.</summary>
    public bool HasCriteria =>
        new[] { Text, LastName, FirstName, PostalCode, City, Department, Profession, Organization, Email, Identifier }
            .Any(s => !string.IsNullOrWhiteSpace(s)) || MailboxKind is not null;
}
