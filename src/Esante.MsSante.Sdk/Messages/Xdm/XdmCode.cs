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

    /// <summary>The author as an HL7 XCN (authorPerson), e.g. <c>810001234567^DUPONT^Jean^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS</c>.</summary>
    public string ToXcn() => $"{NationalId}^{FamilyName}^{GivenName}^^^^^^&{NationalIdOid}&ISO^D^^^IDNPS";
}
