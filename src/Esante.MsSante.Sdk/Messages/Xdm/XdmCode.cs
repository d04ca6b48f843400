namespace Esante.MsSante.Xdm;

/// <summary>A coded value of XDS metadata (classCode, typeCode, formatCode…): the code, its coding scheme (an OID) and its label.</summary>
/// <param name="Code">The code, e.g. <c>11488-4</c>.</param>
/// <param name="CodingScheme">The scheme's OID, e.g. <c>2.16.840.1.113883.6.1</c> for LOINC.</param>
/// <param name="DisplayName">The label, e.g. « Compte rendu de consultation ».</param>
public sealed record XdmCode(string Code, string CodingScheme, string DisplayName)
{
    /// <summary>Normal confidentiality (HL7 Confidentiality <c>N</c>), the usual value.</summary>
    public static XdmCode NormalConfidentiality { get; } = new("N", "2.16.840.1.113883.5.25", "Normal");

    internal IEnumerable<string> Problems(string what)
    {
        if (string.IsNullOrWhiteSpace(Code) || string.IsNullOrWhiteSpace(CodingScheme) || string.IsNullOrWhiteSpace(DisplayName) ||
            !TextChecks.IsOneLine($"{Code}{CodingScheme}{DisplayName}"))
        {
            yield return $"The {what} needs a code, a coding scheme and a label, each on one line.";
        }
    }
}

/// <summary>The author of the documents: a health professional, identified by their national identifier.</summary>
/// <param name="NationalId">The national identifier (<c>8</c> + RPPS, or <c>0</c> + ADELI).</param>
/// <param name="FamilyName">The family name.</param>
/// <param name="GivenName">The given name.</param>
public sealed record XdmAuthor(string NationalId, string FamilyName, string GivenName)
{
    /// <summary>The OID of national identifiers of health professionals.</summary>
    public const string NationalIdOid = "1.2.250.1.71.4.2.1";

    /// <summary>
    /// The organisation the author acts for (authorInstitution), named in README.TXT and INDEX.HTM as the sending
    /// institution. Written when known, as the CDA volet requires.
    /// </summary>
    public XdmInstitution? Institution { get; init; }

    /// <summary>
    /// The author's specialty (authorSpecialty), e.g. <c>G15_10/SM26</c> « Qualifié en médecine générale » of the
    /// nomenclature <c>1.2.250.1.213.1.1.5.5</c>. Written when known, as the CDA volet requires.
    /// </summary>
    public XdmCode? Specialty { get; init; }

    /// <summary>The author as an HL7 XCN (authorPerson), e.g. <c>810001234567^DUPONT^Jean^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS</c>.</summary>
    public string ToXcn() => $"{NationalId}^{FamilyName}^{GivenName}^^^^^^&{NationalIdOid}&ISO^D^^^IDNPS";

    /// <summary>Reads an HL7 XCN as <see cref="ToXcn"/> writes it (and as ANS's examples do); null when it names no one.</summary>
    internal static XdmAuthor? FromXcn(string? xcn)
    {
        var parts = (xcn ?? string.Empty).Split('^');
        return parts.Length >= 2 && (parts[0].Length > 0 || parts[1].Length > 0)
            ? new XdmAuthor(parts[0], parts[1], parts.Length > 2 ? parts[2] : string.Empty)
            : null;
    }

    internal bool HasHl7Separator() =>
        !TextChecks.IsHl7Value(NationalId + FamilyName + GivenName) ||
        (Institution is { } institution && !TextChecks.IsHl7Value(institution.Name + institution.NationalId)) ||
        (Specialty is { } specialty && !TextChecks.IsHl7Value(specialty.Code + specialty.DisplayName + specialty.CodingScheme));
}

/// <summary>
/// The organisation that sends the documents (authorInstitution, HL7 XON): its name and national structure identifier
/// (IDNST: <c>1</c> + FINESS, <c>3</c> + SIRET…), and a way to reach it for README.TXT.
/// </summary>
/// <param name="Name">The organisation's name.</param>
/// <param name="NationalId">Its national structure identifier (IDNST), e.g. <c>1750000000</c> for FINESS 750000000.</param>
public sealed record XdmInstitution(string Name, string NationalId)
{
    /// <summary>The OID of national structure identifiers.</summary>
    public const string NationalIdOid = "1.2.250.1.71.4.2.2";

    /// <summary>How to reach the institution (telephone, address or MSSanté mailbox), written in README.TXT.</summary>
    public string? Contact { get; init; }

    /// <summary>The institution as an HL7 XON, e.g. <c>CH Martin^^^^^&amp;1.2.250.1.71.4.2.2&amp;ISO^IDNST^^^1750000000</c>.</summary>
    public string ToXon() => $"{Name}^^^^^&{NationalIdOid}&ISO^IDNST^^^{NationalId}";

    /// <summary>Reads an HL7 XON as <see cref="ToXon"/> writes it; null when it names nothing.</summary>
    internal static XdmInstitution? FromXon(string? xon)
    {
        var parts = (xon ?? string.Empty).Split('^');
        return parts[0].Length > 0 ? new XdmInstitution(parts[0], parts.Length > 9 ? parts[9] : string.Empty) : null;
    }
}

/// <summary>The application that built the archive, for its README.TXT (ITI-32: the product's name and version, and its vendor's contact).</summary>
/// <param name="Name">The product's name.</param>
/// <param name="Version">Its version.</param>
/// <param name="VendorContact">How to reach its vendor (name and telephone, web site or mailbox).</param>
public sealed record XdmSoftware(string Name, string Version, string VendorContact);
