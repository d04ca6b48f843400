using System.Globalization;
using System.Xml.Linq;

namespace Esante.MsSante.Xdm;

/// <summary>The ebRIM SubmitObjectsRequest of an XDM archive (IHE ITI TF-3 §4.2, with the identifiers of its Table 4.2.5-1).</summary>
internal static class XdmMetadata
{
    public static readonly XNamespace Lcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
    public static readonly XNamespace Rim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";

    public const string DocumentEntryType = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
    public const string DocumentAuthor = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
    public const string ClassCode = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
    public const string ConfidentialityCode = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
    public const string FormatCode = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
    public const string FacilityTypeCode = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
    public const string PracticeSettingCode = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
    public const string TypeCode = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
    public const string DocumentPatientId = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
    public const string DocumentUniqueId = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
    public const string SubmissionSetNode = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
    public const string SubmissionSetAuthor = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
    public const string ContentTypeCode = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
    public const string SubmissionSetPatientId = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
    public const string SubmissionSetSourceId = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
    public const string SubmissionSetUniqueId = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";
    public const string HasMember = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
    public const string Replacement = "urn:ihe:iti:2007:AssociationType:RPLC";
    public const string StatusUpdate = "urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus";
    public const string Approved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
    public const string Deprecated = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";

    /// <summary>Whether the text is an entryUUID: <c>urn:uuid:</c> and a UUID.</summary>
    public static bool IsEntryUuid(string? value) =>
        value is not null && value.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) && Guid.TryParseExact(value["urn:uuid:".Length..], "D", out _);

    /// <summary>The patient as an HL7 CX: the INS with its register's OID and the « NH » type, as the CI-SIS writes it.</summary>
    public static string PatientCx(QualifiedIns patient) => $"{patient.Matricule.Value}^^^&{patient.Oid}&ISO^NH";

    public static XDocument Write(XdmPackage package, IReadOnlyList<(XdmDocument Document, string Uri)> files, IReadOnlyList<string> recipients, DateTimeOffset now)
    {
        var patient = PatientCx(package.Patient);
        var set = Id();
        var list = new XElement(Rim + "RegistryObjectList");
        var entries = new List<(string Id, string? Replaces)>();
        foreach (var (document, uri) in files)
        {
            var id = document.EntryUuid ?? Id();
            entries.Add((id, document.Replaces));
            list.Add(new XElement(Rim + "ExtrinsicObject",
                new XAttribute("id", id), new XAttribute("mimeType", document.MimeType), new XAttribute("objectType", DocumentEntryType),
                Slot("creationTime", Hl7Time(document.CreationTime ?? now)),
                Slot("hash", XdmPackage.Sha1(document.Content)),
                Slot("languageCode", document.LanguageCode),
                document.LegalAuthenticator is { } signer ? Slot("legalAuthenticator", signer.ToXcn()) : null,
                document.ServiceStartTime is { } start ? Slot("serviceStartTime", Hl7Time(start)) : null,
                document.ServiceStopTime is { } stop ? Slot("serviceStopTime", Hl7Time(stop)) : null,
                Slot("size", document.Content.Length.ToString(CultureInfo.InvariantCulture)),
                Slot("sourcePatientId", patient),
                Slot("sourcePatientInfo", SourcePatientInfo(package.Patient)),
                Slot("URI", uri),
                Name(document.Title),
                Author(DocumentAuthor, id, package.Author),
                Code(ClassCode, id, document.ClassCode),
                Code(ConfidentialityCode, id, document.ConfidentialityCode),
                Code(FormatCode, id, document.FormatCode),
                Code(FacilityTypeCode, id, document.HealthcareFacilityTypeCode),
                Code(PracticeSettingCode, id, document.PracticeSettingCode),
                Code(TypeCode, id, document.TypeCode),
                External(DocumentPatientId, id, patient, "XDSDocumentEntry.patientId"),
                External(DocumentUniqueId, id, document.UniqueId ?? XdmPackage.NewOid(), "XDSDocumentEntry.uniqueId")));
        }
        list.Add(new XElement(Rim + "RegistryPackage", new XAttribute("id", set),
            Slot("submissionTime", Hl7Time(now)),
            // ITI TF-3 Table 4.3.1-3: required when known. The message's recipients are: XON|XCN|XTN, only the address here.
            recipients.Count > 0 ? Slot("intendedRecipient", recipients.Select(r => "||^^Internet^" + r).ToArray()) : null,
            Name("Documents MSSanté"),
            Author(SubmissionSetAuthor, set, package.Author),
            Code(ContentTypeCode, set, package.ContentTypeCode),
            External(SubmissionSetUniqueId, set, XdmPackage.NewOid(), "XDSSubmissionSet.uniqueId"),
            External(SubmissionSetSourceId, set, package.SourceId, "XDSSubmissionSet.sourceId"),
            External(SubmissionSetPatientId, set, patient, "XDSSubmissionSet.patientId")));
        list.Add(new XElement(Rim + "Classification", new XAttribute("id", Id()), new XAttribute("classifiedObject", set), new XAttribute("classificationNode", SubmissionSetNode)));
        foreach (var (entry, replaces) in entries)
        {
            list.Add(new XElement(Rim + "Association", new XAttribute("id", Id()), new XAttribute("associationType", HasMember),
                new XAttribute("sourceObject", set), new XAttribute("targetObject", entry),
                Slot("SubmissionSetStatus", "Original")));
            if (replaces is not null)
            {
                // ITI TF-3 §4.2.2.2: the new version points at the one it replaces, which its receiver then deprecates.
                list.Add(new XElement(Rim + "Association", new XAttribute("id", Id()), new XAttribute("associationType", Replacement),
                    new XAttribute("sourceObject", entry), new XAttribute("targetObject", replaces)));
            }
        }
        foreach (var deleted in package.Deletions)
        {
            // IHE XDS Metadata Update (ITI-57): the document leaves the Approved status for Deprecated.
            list.Add(new XElement(Rim + "Association", new XAttribute("id", Id()), new XAttribute("associationType", StatusUpdate),
                new XAttribute("sourceObject", set), new XAttribute("targetObject", deleted),
                Slot("OriginalStatus", Approved), Slot("NewStatus", Deprecated)));
        }
        return new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(Lcm + "SubmitObjectsRequest", new XAttribute(XNamespace.Xmlns + "lcm", Lcm), new XAttribute(XNamespace.Xmlns + "rim", Rim), list));
    }

    public static string? SlotValue(XElement element, string name) =>
        element.Elements(Rim + "Slot").FirstOrDefault(s => (string?)s.Attribute("name") == name)?.Descendants(Rim + "Value").FirstOrDefault()?.Value;

    public static XdmCode? CodeOf(XElement element, string scheme) =>
        element.Elements(Rim + "Classification").FirstOrDefault(c => (string?)c.Attribute("classificationScheme") == scheme) is { } c
            ? new XdmCode((string?)c.Attribute("nodeRepresentation") ?? string.Empty, SlotValue(c, "codingScheme") ?? string.Empty, NameOf(c) ?? string.Empty)
            : null;

    public static string? ExternalOf(XElement element, string scheme) =>
        (string?)element.Elements(Rim + "ExternalIdentifier").FirstOrDefault(e => (string?)e.Attribute("identificationScheme") == scheme)?.Attribute("value");

    public static string? NameOf(XElement element) => (string?)element.Element(Rim + "Name")?.Element(Rim + "LocalizedString")?.Attribute("value");

    private static string Id() => "urn:uuid:" + Guid.NewGuid().ToString("D");

    private static string Hl7Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>
    /// sourcePatientInfo as ITI TF-3 and ANS's example write it: PID-3 (the INS), PID-5 (birth name and first given name,
    /// name type <c>L</c>), PID-7 (birth date), PID-8 (sex) and, when known, PID-11 (birthplace: INSEE code, type <c>BDL</c>).
    /// </summary>
    private static string[] SourcePatientInfo(QualifiedIns patient) =>
    [
        "PID-3|" + PatientCx(patient),
        $"PID-5|{patient.BirthName}^{patient.FirstGivenName}^^^^^L",
        "PID-7|" + patient.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        "PID-8|" + patient.Sex switch { AdministrativeSex.Male => "M", AdministrativeSex.Female => "F", _ => "U" },
        .. patient.BirthplaceCode is { } birthplace ? new[] { "PID-11|^^^^^^BDL^^" + birthplace } : [],
    ];

    /// <summary>All the values of a slot.</summary>
    public static IReadOnlyList<string> SlotValues(XElement element, string name) =>
        element.Elements(Rim + "Slot").FirstOrDefault(s => (string?)s.Attribute("name") == name)?.Descendants(Rim + "Value").Select(v => v.Value).ToList() ?? [];

    private static XElement Slot(string name, params string[] values) =>
        new(Rim + "Slot", new XAttribute("name", name), new XElement(Rim + "ValueList", values.Select(v => new XElement(Rim + "Value", v))));

    private static XElement Name(string value) => new(Rim + "Name", new XElement(Rim + "LocalizedString", new XAttribute("value", value)));

    private static XElement Code(string scheme, string classified, XdmCode code) =>
        new(Rim + "Classification", new XAttribute("id", Id()), new XAttribute("classificationScheme", scheme),
            new XAttribute("classifiedObject", classified), new XAttribute("nodeRepresentation", code.Code),
            Slot("codingScheme", code.CodingScheme), Name(code.DisplayName));

    private static XElement Author(string scheme, string classified, XdmAuthor author) =>
        new(Rim + "Classification", new XAttribute("id", Id()), new XAttribute("classificationScheme", scheme),
            new XAttribute("classifiedObject", classified), new XAttribute("nodeRepresentation", string.Empty),
            Slot("authorPerson", author.ToXcn()),
            author.Institution is { } institution ? Slot("authorInstitution", institution.ToXon()) : null,
            author.Specialty is { } specialty ? Slot("authorSpecialty", $"{specialty.Code}^{specialty.DisplayName}^{specialty.CodingScheme}") : null);

    /// <summary>The author a Classification names (authorPerson, authorInstitution, authorSpecialty); null when none.</summary>
    public static XdmAuthor? AuthorOf(XElement element, string scheme)
    {
        var classification = element.Elements(Rim + "Classification").FirstOrDefault(c => (string?)c.Attribute("classificationScheme") == scheme);
        if (classification is null || XdmAuthor.FromXcn(SlotValue(classification, "authorPerson")) is not { } author)
        {
            return null;
        }
        var specialty = SlotValue(classification, "authorSpecialty")?.Split('^');
        return author with
        {
            Institution = XdmInstitution.FromXon(SlotValue(classification, "authorInstitution")),
            Specialty = specialty is [var code, var label, var system, ..] ? new XdmCode(code, system, label) : null,
        };
    }

    private static XElement External(string scheme, string registryObject, string value, string name) =>
        new(Rim + "ExternalIdentifier", new XAttribute("id", Id()), new XAttribute("identificationScheme", scheme),
            new XAttribute("registryObject", registryObject), new XAttribute("value", value), Name(name));
}
