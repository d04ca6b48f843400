namespace Esante.MsSante.Xdm;

/// <summary>
/// A document for an IHE XDM archive: its bytes, type and the XDS metadata (ITI TF-3) the sender's software knows. The
/// codes come from the national value sets (CI-SIS « Partage de documents de santé »): the SDK does not choose them.
/// </summary>
public sealed class XdmDocument
{
    /// <summary>The document's bytes: a CDA R2 document (<c>text/xml</c>) or a PDF (<c>application/pdf</c>).</summary>
    public required byte[] Content { get; init; }

    /// <summary>The media type: <c>text/xml</c> for CDA, <c>application/pdf</c>…</summary>
    public required string MimeType { get; init; }

    /// <summary>The title shown to the recipient.</summary>
    public required string Title { get; init; }

    /// <summary>The document type (typeCode, LOINC), e.g. <c>11488-4</c> « Compte rendu de consultation ». For a CDA, its <c>code</c>.</summary>
    public required XdmCode TypeCode { get; init; }

    /// <summary>The document class (classCode).</summary>
    public required XdmCode ClassCode { get; init; }

    /// <summary>The format (formatCode), e.g. the CDA template's.</summary>
    public required XdmCode FormatCode { get; init; }

    /// <summary>The kind of facility where the care took place (healthcareFacilityTypeCode).</summary>
    public required XdmCode HealthcareFacilityTypeCode { get; init; }

    /// <summary>The clinical specialty (practiceSettingCode).</summary>
    public required XdmCode PracticeSettingCode { get; init; }

    /// <summary>The confidentiality (confidentialityCode); normal by default.</summary>
    public XdmCode ConfidentialityCode { get; init; } = XdmCode.NormalConfidentiality;

    /// <summary>The document's unique identifier (an OID, or OID^extension); a <c>2.25.</c> UUID-based OID when null.</summary>
    public string? UniqueId { get; init; }

    /// <summary>When the document was created; the package's time when null.</summary>
    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>The language; French by default.</summary>
    public string LanguageCode { get; init; } = "fr-FR";

    /// <summary>When the care the document reports began (serviceStartTime), when known: for a CDA, its <c>serviceEvent</c>'s start.</summary>
    public DateTimeOffset? ServiceStartTime { get; init; }

    /// <summary>When the care the document reports ended (serviceStopTime), when known.</summary>
    public DateTimeOffset? ServiceStopTime { get; init; }

    /// <summary>Who signed the document (legalAuthenticator), when known: for a CDA, its <c>legalAuthenticator</c>.</summary>
    public XdmAuthor? LegalAuthenticator { get; init; }

    /// <summary>
    /// The entry's identifier in the metadata (entryUUID, <c>urn:uuid:…</c>); a random one when null. Keep it to replace
    /// or delete the document later (<see cref="Replaces"/>, <see cref="XdmPackage.Deletions"/>).
    /// </summary>
    public string? EntryUuid { get; init; }

    /// <summary>
    /// For « annule et remplace »: the entryUUID of the document this one replaces (an RPLC association from this entry to
    /// it). This document is then its new version: for a CDA, a new <c>id</c>, the <c>versionNumber</c> raised and a
    /// <c>relatedDocument typeCode="RPLC"</c> naming the replaced document's id.
    /// </summary>
    public string? Replaces { get; init; }

    /// <summary>Whether this is a CDA document (its type code then goes into <c>X-MSS-CODECDA</c>).</summary>
    public bool IsCda => MimeType.Equals("text/xml", StringComparison.OrdinalIgnoreCase) || MimeType.Equals("application/xml", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a CDA is the new version of another, as « annule et remplace » needs and ANS's example shows: a
    /// <c>relatedDocument typeCode="RPLC"</c> whose <c>parentDocument</c> has an <c>id</c>. No DTD is read.
    /// </summary>
    private static bool NamesTheDocumentItReplaces(byte[]? cda)
    {
        if (cda is null)
        {
            return false;
        }
        try
        {
            using var reader = System.Xml.XmlReader.Create(new MemoryStream(cda), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null });
            var root = System.Xml.Linq.XDocument.Load(reader).Root;
            return root is not null && root.Elements().Any(e => e.Name.LocalName == "relatedDocument" && (string?)e.Attribute("typeCode") == "RPLC" &&
                e.Elements().Any(p => p.Name.LocalName == "parentDocument" && p.Elements().Any(i => i.Name.LocalName == "id" && (string?)i.Attribute("root") is { Length: > 0 })));
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }

    internal IEnumerable<string> Problems(int position)
    {
        var what = $"document {position}";
        if (Content is null || Content.Length == 0)
        {
            yield return $"The {what} has no content.";
        }
        if (string.IsNullOrWhiteSpace(MimeType) || string.IsNullOrWhiteSpace(Title) || !TextChecks.IsOneLine($"{Title}{MimeType}{UniqueId}{LanguageCode}"))
        {
            yield return $"The {what} needs a media type and a title, and no control character in them, its identifier or its language.";
        }
        if ((EntryUuid is not null && !XdmMetadata.IsEntryUuid(EntryUuid)) || (Replaces is not null && !XdmMetadata.IsEntryUuid(Replaces)))
        {
            yield return $"The {what}'s entryUUID and the entryUUID it replaces are urn:uuid: identifiers.";
        }
        if (Replaces is not null && IsCda && !NamesTheDocumentItReplaces(Content))
        {
            yield return $"The {what} replaces another, but its CDA is no new version of it: it needs a relatedDocument typeCode=\"RPLC\" naming the replaced document's id.";
        }
        if (ServiceStartTime > ServiceStopTime)
        {
            yield return $"The {what}'s care starts after it ends.";
        }
        if (LegalAuthenticator is { } signer && (string.IsNullOrWhiteSpace(signer.NationalId) || signer.HasHl7Separator()))
        {
            yield return $"The {what}'s legal authenticator needs a national identifier, without HL7 separators (^ & | ~ \\).";
        }
        foreach (var problem in new[]
        {
            TypeCode?.Problems($"{what}'s typeCode"), ClassCode?.Problems($"{what}'s classCode"), FormatCode?.Problems($"{what}'s formatCode"),
            HealthcareFacilityTypeCode?.Problems($"{what}'s healthcareFacilityTypeCode"), PracticeSettingCode?.Problems($"{what}'s practiceSettingCode"),
            ConfidentialityCode?.Problems($"{what}'s confidentialityCode"),
        }.SelectMany(p => p ?? ["A code of the " + what + " is missing."]))
        {
            yield return problem;
        }
    }
}
