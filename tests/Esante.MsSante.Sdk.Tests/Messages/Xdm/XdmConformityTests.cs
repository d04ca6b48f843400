using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Esante.MsSante.Xdm;
using MimeKit;

namespace Esante.MsSante.Tests.Messages.Xdm;

/// <summary>
/// The XDM archive against the national texts: IHE ITI-32 (README.TXT, INDEX.HTM), ITI TF-3 Table 4.3.1-3 (metadata
/// required when known), ANS's conventions and examples (submission set folder, tolerant reading, replacement and
/// deletion), and the INS rules (test OIDs, birthplace, X-MSS-INS).
/// </summary>
public class XdmConformityTests
{
    private static readonly XNamespace Rim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly MssanteAddress From = MssanteAddress.Parse("jean.dupont@chu-angers.mssante.fr");

    internal static XdmInstitution Institution { get; } = new("CH Martin", "1490000000") { Contact = "Secrétariat 02 41 00 00 00" };

    internal static XdmAuthor FullAuthor { get; } = new("810001234567", "DUPONT", "Jean")
    {
        Institution = Institution,
        Specialty = new XdmCode("G15_10/SM26", "1.2.250.1.213.1.1.5.5", "Qualifié en médecine générale (SM)"),
    };

    /// <summary>The package of <see cref="XdmTests.Package"/> with everything TF-3 asks for when known.</summary>
    internal static XdmPackage FullPackage()
    {
        var basic = XdmTests.Package();
        var package = new XdmPackage
        {
            Patient = basic.Patient,
            Author = FullAuthor,
            SourceId = basic.SourceId,
            ContentTypeCode = basic.ContentTypeCode,
            Software = new XdmSoftware("DossierPlus", "4.2.1", "Éditeur Exemple, support 01 23 45 67 89"),
        };
        foreach (var document in basic.Documents)
        {
            package.Documents.Add(CopyOf(document,
                start: new DateTimeOffset(2026, 11, 20, 8, 30, 0, TimeSpan.Zero),
                stop: new DateTimeOffset(2026, 11, 24, 17, 0, 0, TimeSpan.Zero),
                signer: new XdmAuthor("810009876543", "MARTIN", "Paul")));
        }
        return package;
    }

    [Fact]
    public void Readme_names_the_sending_institution_and_its_contact_the_product_its_version_and_its_vendor()
    {
        var readme = Text(Entry(FullPackage().ToZip(Now, "DEV935997", []), "README.TXT"));

        Assert.Contains("Sending institution: CH Martin (IDNST 1490000000)", readme, StringComparison.Ordinal);
        Assert.Contains("Institution contact: Secrétariat 02 41 00 00 00", readme, StringComparison.Ordinal);
        Assert.Contains("Application: DossierPlus version 4.2.1", readme, StringComparison.Ordinal);
        Assert.Contains("MSSanté product reference DEV935997", readme, StringComparison.Ordinal);
        Assert.Contains("Application vendor contact: Éditeur Exemple, support 01 23 45 67 89", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("MARTIN", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("279035121518989", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_without_software_or_institution_names_the_author_the_sdk_and_what_is_not_given()
    {
        var readme = Text(Entry(XdmTests.Package().ToZip(Now), "README.TXT"));

        Assert.Contains("Sending institution: Jean DUPONT (IDNPS 810001234567)", readme, StringComparison.Ordinal);
        Assert.Contains("Institution contact: not given", readme, StringComparison.Ordinal);
        Assert.Contains("Application: an application built with Esante.MsSante ", readme, StringComparison.Ordinal);
        Assert.Contains("Application vendor contact: not given", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_is_well_formed_XHTML_Basic_that_identifies_the_institution_and_links_the_readme()
    {
        var bytes = Entry(FullPackage().ToZip(Now), "INDEX.HTM");
        using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var index = XDocument.Load(reader);

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML Basic 1.0//EN\" \"http://www.w3.org/TR/xhtml-basic/xhtml-basic10.dtd\">",
            Text(bytes), StringComparison.Ordinal);
        Assert.Equal(Xhtml + "html", index.Root!.Name);
        Assert.Contains(index.Descendants(Xhtml + "h1"), h => h.Value.Contains("CH Martin", StringComparison.Ordinal));
        var links = index.Descendants(Xhtml + "a").Select(a => (string?)a.Attribute("href")).ToList();
        Assert.Contains("README.TXT", links);
        Assert.Contains("IHE_XDM/SUBSET01/DOC0001.XML", links);
        Assert.Contains("IHE_XDM/SUBSET01/DOC0002.PDF", links);
        Assert.All(index.Descendants(Xhtml + "meta"), m => Assert.True(m.IsEmpty));
    }

    [Fact]
    public void Metadata_carries_the_patient_traits_the_recipients_care_times_signer_institution_and_specialty_and_reads_them_back()
    {
        var zip = FullPackage().ToZip(Now, "DEV935997", ["claire.roux@chu-angers.mssante.fr"]);
        var metadata = XDocument.Parse(Text(Entry(zip, "IHE_XDM/SUBSET01/METADATA.XML")));
        var entry = metadata.Descendants(Rim + "ExtrinsicObject").First();

        Assert.Equal(
            ["PID-3|279035121518989^^^&1.2.250.1.213.1.4.8&ISO^NH", "PID-5|MARTIN^Claire^^^^^L", "PID-7|19790312", "PID-8|F", "PID-11|^^^^^^BDL^^51215"],
            Values(entry, "sourcePatientInfo"));
        Assert.Equal(["20261120083000"], Values(entry, "serviceStartTime"));
        Assert.Equal(["20261124170000"], Values(entry, "serviceStopTime"));
        Assert.Equal(["810009876543^MARTIN^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"], Values(entry, "legalAuthenticator"));
        var classification = entry.Elements(Rim + "Classification").Single(c => (string?)c.Attribute("classificationScheme") == "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d");
        Assert.Equal(["CH Martin^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1490000000"], Values(classification, "authorInstitution"));
        Assert.Equal(["G15_10/SM26^Qualifié en médecine générale (SM)^1.2.250.1.213.1.1.5.5"], Values(classification, "authorSpecialty"));
        Assert.Equal(["||^^Internet^claire.roux@chu-angers.mssante.fr"], Values(metadata.Descendants(Rim + "RegistryPackage").Single(), "intendedRecipient"));

        var archive = XdmArchive.Read(new MemoryStream(zip));
        Assert.Equal(new XdmPatient
        {
            Id = "279035121518989^^^&1.2.250.1.213.1.4.8&ISO^NH",
            BirthName = "MARTIN",
            GivenName = "Claire",
            BirthDate = new DateOnly(1979, 3, 12),
            Sex = AdministrativeSex.Female,
            BirthplaceCode = "51215",
        }, archive.Patient);
        // The institution's contact is for README.TXT: the metadata has no place for it.
        var author = FullAuthor with { Institution = Institution with { Contact = null } };
        Assert.Equal(author, archive.Author);
        Assert.Equal(["||^^Internet^claire.roux@chu-angers.mssante.fr"], archive.IntendedRecipients);
        var document = archive.Documents[0];
        Assert.Equal(author, document.Author);
        Assert.Equal(new XdmAuthor("810009876543", "MARTIN", "Paul"), document.LegalAuthenticator);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 8, 30, 0, TimeSpan.Zero), document.ServiceStartTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 17, 0, 0, TimeSpan.Zero), document.ServiceStopTime);
    }

    [Fact]
    public void The_intended_recipients_are_the_messages_To_and_Cc_never_its_Bcc()
    {
        var message = new OutgoingMessage { Subject = "s", TextBody = "x", Xdm = XdmTests.Package() };
        message.To.Add(new Recipient("claire.roux@chu-angers.mssante.fr"));
        message.Cc.Add(new Recipient("secretariat@chu-angers.mssante.fr"));
        message.Bcc.Add(new Recipient("archives@chu-angers.mssante.fr"));
        using var mime = MssanteMessageComposer.Compose(message, From, null, "DEV935997", Now);
        var zip = new MemoryStream();
        ((MimePart)mime.Attachments.Single()).Content!.DecodeTo(zip);
        zip.Position = 0;

        var archive = XdmArchive.Read(zip);

        Assert.Equal(["||^^Internet^claire.roux@chu-angers.mssante.fr", "||^^Internet^secretariat@chu-angers.mssante.fr"], archive.IntendedRecipients);
        Assert.Contains("MSSanté product reference DEV935997", Text(Entry(zip.ToArray(), "README.TXT")), StringComparison.Ordinal);
    }

    [Fact]
    public void What_is_not_known_is_not_written()
    {
        var package = XdmTests.Package();
        package = new XdmPackage
        {
            Patient = new QualifiedIns(package.Patient.Matricule, package.Patient.Oid, "MARTIN", "Claire", new DateOnly(1979, 3, 12), AdministrativeSex.Female),
            Author = package.Author,
            SourceId = package.SourceId,
            ContentTypeCode = package.ContentTypeCode,
            Documents = { package.Documents[0] },
        };
        var metadata = XDocument.Parse(Text(Entry(package.ToZip(Now), "IHE_XDM/SUBSET01/METADATA.XML")));
        var slots = metadata.Descendants(Rim + "Slot").Select(s => (string?)s.Attribute("name")).ToList();

        foreach (var absent in new[] { "legalAuthenticator", "serviceStartTime", "serviceStopTime", "authorInstitution", "authorSpecialty", "intendedRecipient" })
        {
            Assert.DoesNotContain(absent, slots);
        }
        Assert.DoesNotContain(metadata.Descendants(Rim + "Value"), v => v.Value.StartsWith("PID-11|", StringComparison.Ordinal));
        Assert.Equal(4, Values(metadata.Descendants(Rim + "ExtrinsicObject").Single(), "sourcePatientInfo").Count);
    }

    [Fact]
    public void The_submission_set_is_found_whatever_its_folder_is_named_and_its_files_beside_it()
    {
        var original = XdmTests.Package().ToZip(Now);
        var renamed = Rezip(original, name => name.Replace("SUBSET01", "SS000001", StringComparison.Ordinal));

        var archive = XdmArchive.Read(new MemoryStream(renamed));

        Assert.Equal("IHE_XDM/SS000001/", archive.SubmissionSetFolder);
        Assert.Equal(2, archive.Documents.Count);
        Assert.All(archive.Documents, d => Assert.True(d.IsIntact));
        Assert.Equal(XdmTests.Cda, archive.Documents[0].Content);
    }

    [Fact]
    public void A_URI_is_relative_to_the_submission_set_folder_may_climb_to_a_sibling_and_never_above_the_root()
    {
        var metadata = Text(Entry(XdmTests.Package().ToZip(Now), "IHE_XDM/SUBSET01/METADATA.XML"))
            .Replace(">DOC0001.XML<", ">../SHARED/DOC0001.XML<", StringComparison.Ordinal)
            .Replace(">DOC0002.PDF<", ">../../../DOC0002.PDF<", StringComparison.Ordinal);
        var zip = Zip(("IHE_XDM/SUBSET01/METADATA.XML", Encoding.UTF8.GetBytes(metadata)),
            ("IHE_XDM/SHARED/DOC0001.XML", XdmTests.Cda), ("DOC0002.PDF", XdmTests.Pdf));

        var archive = XdmArchive.Read(new MemoryStream(zip));

        Assert.True(archive.Documents[0].IsIntact);
        Assert.Null(archive.Documents[1].Content);
    }

    [Fact]
    public void ANS_example_metadata_not_namespace_well_formed_still_gives_patient_author_and_documents()
    {
        var ans = Fixture("ans-ss000001-METADATA.XML");
        Assert.Throws<XmlException>(() => XDocument.Parse(Encoding.UTF8.GetString(ans)));
        var zip = Zip(("IHE_XDM/SS000001/METADATA.XML", ans), ("IHE_XDM/SS000001/KOS_1_1.DCM", [1, 2, 3]));

        var archive = XdmArchive.Read(new MemoryStream(zip));

        Assert.Equal("162018885045327^^^&1.2.250.1.213.1.4.10&ISO^NH", archive.PatientId);
        Assert.Equal("PAT-SIX", archive.Patient?.BirthName);
        Assert.Equal("Alain", archive.Patient?.GivenName);
        Assert.Equal(new DateOnly(1996, 1, 24), archive.Patient?.BirthDate);
        Assert.Equal(AdministrativeSex.Male, archive.Patient?.Sex);
        Assert.Equal(new XdmAuthor("899700367909", "DOC0036790", "KIT") { Institution = new XdmInstitution("BCOM", "499700367909006") }, archive.Author);
        Assert.Equal(2, archive.Documents.Count);
        var kos = archive.Documents[0];
        Assert.Equal("DocumentKOS", kos.EntryUuid);
        Assert.Equal("application/dicom", kos.MimeType);
        Assert.Equal("Reference d'Objets d'un Examen d'Imagerie", kos.Title);
        Assert.Equal(new XdmCode("IMG-KOS", "1.2.250.1.213.1.1.4.12", "Reference d'objets d'un examen d'imagerie"), kos.TypeCode);
        Assert.Equal("1.3.2.751468943.3.1234.99352.240116151112.1.1.1", kos.UniqueId);
        Assert.Equal(new DateTimeOffset(2021, 1, 4, 9, 22, 0, TimeSpan.Zero), kos.ServiceStartTime);
        Assert.Equal("DOC0036790", kos.LegalAuthenticator?.FamilyName);
        // ANS's URI names the folder too (SS000001/KOS_1_1.DCM): the file is found; ours is not ANS's, so not intact.
        Assert.Equal([1, 2, 3], kos.Content);
        Assert.False(kos.IsIntact);
        Assert.Null(archive.Documents[1].Content);
    }

    [Fact]
    public void Metadata_that_is_not_xml_or_not_a_submission_fails_with_a_clear_error()
    {
        var notXml = Assert.Throws<InvalidDataException>(() => XdmArchive.Read(new MemoryStream(Zip(("IHE_XDM/SS000001/METADATA.XML", "<a><b></a>"u8.ToArray())))));
        Assert.Contains("not well-formed XML", notXml.Message, StringComparison.Ordinal);
        var other = Assert.Throws<InvalidDataException>(() => XdmArchive.Read(new MemoryStream(Zip(("IHE_XDM/SS000001/METADATA.XML", "<ns1:Other><x/></ns1:Other>"u8.ToArray())))));
        Assert.Contains("not an ebRIM SubmitObjectsRequest", other.Message, StringComparison.Ordinal);
        var none = Assert.Throws<InvalidDataException>(() => XdmArchive.Read(new MemoryStream(Zip(("IHE_XDM/METADATA.XML", "<SubmitObjectsRequest/>"u8.ToArray())))));
        Assert.Contains("IHE_XDM/<submission set>/METADATA.XML", none.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attachment", "IHE_XDM.zip", "application/zip")]
    [InlineData("inline", "IHE_XDM.zip", "application/zip")]
    [InlineData(null, "IHE_XDM.zip", "application/octet-stream")]
    [InlineData("attachment", "documents.zip", "application/x-zip-compressed")]
    [InlineData(null, null, "application/octet-stream")]
    public void The_archive_is_found_whatever_its_content_disposition_and_name(string? disposition, string? name, string type)
    {
        var zip = new MimePart(type) { Content = new MimeContent(new MemoryStream(XdmTests.Package().ToZip(Now))), ContentTransferEncoding = ContentEncoding.Base64 };
        zip.ContentDisposition = disposition is null ? null : new ContentDisposition(disposition);
        if (name is not null)
        {
            zip.ContentType.Name = name;
        }
        var other = new MimePart("application", "zip") { Content = new MimeContent(new MemoryStream(Zip(("autre.txt", [65])))), FileName = "autre.zip" };
        var body = new Multipart("mixed") { new TextPart("plain") { Text = "Bonjour" }, other, zip };

        var archive = Received(body).ReadXdmArchive();

        Assert.NotNull(archive);
        Assert.Equal(2, archive.Documents.Count);
        Assert.Null(Received(new Multipart("mixed") { new TextPart("plain") { Text = "Bonjour" }, other }).ReadXdmArchive());
    }

    [Fact]
    public void A_replacement_is_an_RPLC_association_from_the_new_version_to_the_replaced_entry_and_reads_back()
    {
        var first = XdmTests.Package();
        var replaced = "urn:uuid:" + Guid.NewGuid();
        var v1 = XdmArchive.Read(new MemoryStream(WithDocument(first, first.Documents[0], entryUuid: replaced).ToZip(Now)));
        Assert.Equal(replaced, v1.Documents[0].EntryUuid);
        Assert.Null(v1.Documents[0].Replaces);

        var newVersion = XdmTests.Package().Documents[0];
        Assert.Contains(WithDocument(XdmTests.Package(), newVersion, replaces: replaced).Problems(), p => p.Contains("relatedDocument", StringComparison.Ordinal));
        var second = WithDocument(XdmTests.Package(), CopyOf(newVersion, content: ReplacingCda), replaces: replaced);
        Assert.Empty(second.Problems());
        var zip = second.ToZip(Now);
        var metadata = XDocument.Parse(Text(Entry(zip, "IHE_XDM/SUBSET01/METADATA.XML")));
        var rplc = Assert.Single(metadata.Descendants(Rim + "Association"), a => (string?)a.Attribute("associationType") == "urn:ihe:iti:2007:AssociationType:RPLC");
        Assert.Equal(replaced, (string?)rplc.Attribute("targetObject"));
        Assert.Equal((string?)metadata.Descendants(Rim + "ExtrinsicObject").Single().Attribute("id"), (string?)rplc.Attribute("sourceObject"));

        Assert.Equal(replaced, Assert.Single(XdmArchive.Read(new MemoryStream(zip)).Documents).Replaces);
    }

    [Fact]
    public void A_deletion_deprecates_the_document_sent_earlier_and_reads_back()
    {
        var deleted = "urn:uuid:" + Guid.NewGuid();
        var package = XdmTests.Package();
        package.Documents.Clear();
        package.Deletions.Add(deleted);
        Assert.Empty(package.Problems());
        var zip = package.ToZip(Now);

        var metadata = XDocument.Parse(Text(Entry(zip, "IHE_XDM/SUBSET01/METADATA.XML")));
        var update = Assert.Single(metadata.Descendants(Rim + "Association"));
        Assert.Equal("urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus", (string?)update.Attribute("associationType"));
        Assert.Equal(deleted, (string?)update.Attribute("targetObject"));
        Assert.Equal(["urn:oasis:names:tc:ebxml-regrep:StatusType:Approved"], Values(update, "OriginalStatus"));
        Assert.Equal(["urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated"], Values(update, "NewStatus"));
        var archive = XdmArchive.Read(new MemoryStream(zip));
        Assert.Equal([deleted], archive.Deletions);
        Assert.Empty(archive.Documents);
    }

    [Fact]
    public void Entry_identifiers_that_are_not_urn_uuids_are_problems_of_the_package()
    {
        var package = WithDocument(XdmTests.Package(), XdmTests.Package().Documents[0], replaces: "1.2.3.4");
        Assert.Contains(package.Problems(), p => p.Contains("entryUUID", StringComparison.Ordinal));
        var deletion = XdmTests.Package();
        deletion.Deletions.Add("DocumentKOS");
        Assert.Contains(deletion.Problems(), p => p.Contains("entryUUID", StringComparison.Ordinal));
        Assert.Empty(XdmTests.Package().Problems());
    }

    [Theory]
    [InlineData(InsOid.NirTest)]
    [InlineData(InsOid.NirDemo)]
    [InlineData(InsOid.Nir)]
    [InlineData(InsOid.Nia)]
    public void Test_and_demo_INS_OIDs_are_accepted_as_the_real_ones(string oid)
    {
        var ins = new QualifiedIns(InsMatricule.Parse("279035121518989"), oid, "PAT-TROIS", "DOMINIQUE", new DateOnly(1979, 3, 28), AdministrativeSex.Female);
        Assert.Equal(oid, ins.Oid);
        Assert.Equal(oid is InsOid.NirTest or InsOid.NirDemo, InsOid.IsTest(ins.Oid));
        Assert.Throws<ArgumentException>(() => new QualifiedIns(InsMatricule.Parse("279035121518989"), "1.2.250.1.213.1.4.12", "A", "B", new DateOnly(1979, 3, 28), AdministrativeSex.Female));
    }

    [Fact]
    public async Task Production_refuses_a_test_patients_documents_and_any_other_application_sends_them()
    {
        var options = new Esante.MsSante.MssanteOptions { IsProduction = true };
        Assert.True(Esante.MsSante.MssantePoliciesFactory.Create(options).RefuseTestPatients);
        Assert.False(Esante.MsSante.MssantePoliciesFactory.Create(new Esante.MsSante.MssanteOptions()).RefuseTestPatients);

        var fake = new Esante.MsSante.Tests.Mailbox.FakeMailbox(0);
        var production = new Esante.MsSante.MailboxClient(await fake.OpenAsync(), MssantePolicies.Default with { RefuseTestPatients = true }, "DEV935997");
        var deliveries = fake.Server.Deliveries.Count;
        var e = await Assert.ThrowsAsync<MessageRejectedException>(() => production.SendAsync(TestPatientMessage(fake)));
        Assert.Contains(e.Violations, v => v.Code == PolicyViolationCodes.TestPatientInProduction);
        Assert.Equal(deliveries, fake.Server.Deliveries.Count);

        var testing = new Esante.MsSante.MailboxClient(await fake.OpenAsync(), MssantePolicies.Default, "DEV935997");
        await testing.SendAsync(TestPatientMessage(fake));
        Assert.True(fake.Server.Deliveries.Count > deliveries);
    }

    [Theory]
    [InlineData("63220", true)]
    [InlineData("2A004", true)]
    [InlineData("99134", true)]
    [InlineData("6322", false)]
    [InlineData("2C004", false)]
    [InlineData("MAZOI", false)]
    public void The_birthplace_is_an_INSEE_code(string code, bool valid)
    {
        var ins = new QualifiedIns(InsMatricule.Parse("279035121518989"), InsOid.NirTest, "PAT-TROIS", "DOMINIQUE", new DateOnly(1979, 3, 28), AdministrativeSex.Female);
        if (valid)
        {
            Assert.Equal(code, (ins with { BirthplaceCode = code }).BirthplaceCode);
        }
        else
        {
            Assert.Throws<ArgumentException>(() => ins with { BirthplaceCode = code });
        }
    }

    [Fact]
    public void The_INS_header_says_O_only_for_a_qualified_identity_with_its_birthplace()
    {
        var qualified = XdmTests.Package();
        Assert.Equal("O", InsHeader(qualified));
        Assert.Equal("N", InsHeader(WithPatient(qualified, qualified.Patient with { IsQualified = false })));
        Assert.Equal("N", InsHeader(WithPatient(qualified, qualified.Patient with { BirthplaceCode = null })));
    }

    [Fact]
    public void An_identity_that_is_not_qualified_gives_no_patient_address()
    {
        var ins = XdmTests.Package().Patient;
        Assert.Equal("279035121518989@patient.mssante.fr", ins.ToPatientAddress().Value);
        Assert.Throws<InvalidOperationException>(() => (ins with { IsQualified = false }).ToPatientAddress());
    }

    internal static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Messages", "Xdm", "Fixtures", name));

    private static OutgoingMessage TestPatientMessage(Esante.MsSante.Tests.Mailbox.FakeMailbox fake)
    {
        var package = XdmTests.Package();
        var message = new OutgoingMessage
        {
            Subject = "s",
            TextBody = "x",
            Xdm = WithPatient(package, new QualifiedIns(package.Patient.Matricule, InsOid.NirTest, "PAT-TROIS", "DOMINIQUE", new DateOnly(1979, 3, 28), AdministrativeSex.Female)),
        };
        message.To.Add(new Recipient(fake.Doctor.Address.Value));
        return message;
    }

    private static string? InsHeader(XdmPackage package)
    {
        var message = new OutgoingMessage { Subject = "s", TextBody = "x", Xdm = package };
        message.To.Add(new Recipient("claire.roux@chu-angers.mssante.fr"));
        using var mime = MssanteMessageComposer.Compose(message, From, null, "DEV935997", Now);
        return mime.Headers[MssanteHeaders.Ins];
    }

    private static XdmPackage WithPatient(XdmPackage package, QualifiedIns patient) => Repackage(package, patient, package.Documents);

    private static XdmPackage WithDocument(XdmPackage package, XdmDocument document, string? entryUuid = null, string? replaces = null) =>
        Repackage(package, package.Patient, [CopyOf(document, entryUuid: entryUuid, replaces: replaces)]);

    private static XdmPackage Repackage(XdmPackage package, QualifiedIns patient, IEnumerable<XdmDocument> documents)
    {
        var copy = new XdmPackage { Patient = patient, Author = package.Author, SourceId = package.SourceId, ContentTypeCode = package.ContentTypeCode };
        foreach (var document in documents)
        {
            copy.Documents.Add(document);
        }
        return copy;
    }

    private static readonly byte[] ReplacingCda = Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.250.1.999.2\"/><code code=\"11488-4\"/><versionNumber value=\"2\"/>" +
        "<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"1.2.250.1.999.1\"/></parentDocument></relatedDocument></ClinicalDocument>");

    private static XdmDocument CopyOf(XdmDocument document, DateTimeOffset? start = null, DateTimeOffset? stop = null, XdmAuthor? signer = null,
        string? entryUuid = null, string? replaces = null, byte[]? content = null) => new()
    {
        Content = content ?? document.Content,
        MimeType = document.MimeType,
        Title = document.Title,
        TypeCode = document.TypeCode,
        ClassCode = document.ClassCode,
        FormatCode = document.FormatCode,
        HealthcareFacilityTypeCode = document.HealthcareFacilityTypeCode,
        PracticeSettingCode = document.PracticeSettingCode,
        ServiceStartTime = start,
        ServiceStopTime = stop,
        LegalAuthenticator = signer,
        EntryUuid = entryUuid,
        Replaces = replaces,
    };

    private static ReceivedMessage Received(MimeEntity body)
    {
        var mime = new MimeMessage { Subject = "XDM/1.0/DDM+CR", Body = body };
        return new ReceivedMessage(new MessageInfo { Ref = new MessageRef("INBOX", 1, 1) }, mime);
    }

    private static List<string> Values(XElement element, string slot) =>
        element.Elements(Rim + "Slot").Where(s => (string?)s.Attribute("name") == slot).SelectMany(s => s.Descendants(Rim + "Value")).Select(v => v.Value).ToList();

    private static string Text(byte[] bytes) => new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');

    private static byte[] Entry(byte[] zip, string name)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        using var stream = archive.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Rezip(byte[] zip, Func<string, string> rename)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        return Zip(archive.Entries.Select(e => (rename(e.FullName), Entry(zip, e.FullName))).ToArray());
    }

    internal static byte[] Zip(params (string Name, byte[] Content)[] files)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(content);
            }
        }
        return stream.ToArray();
    }
}
