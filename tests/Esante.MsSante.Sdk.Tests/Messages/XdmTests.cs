using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Esante.MsSante.Xdm;

namespace Esante.MsSante.Tests.Messages;

public class XdmTests
{
    private static readonly XNamespace Rim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    internal static readonly byte[] Cda = Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"11488-4\"/></ClinicalDocument>");
    internal static readonly byte[] Pdf = [37, 80, 68, 70, 45, 49, 46, 55, 10, 0, 255];

    internal static XdmPackage Package(bool withCda = true)
    {
        var package = new XdmPackage
        {
            Patient = new QualifiedIns(InsMatricule.Parse("279035121518989"), InsOid.Nir, "MARTIN", "Claire", new DateOnly(1979, 3, 12), AdministrativeSex.Female) { BirthplaceCode = "51215" },
            Author = new XdmAuthor("810001234567", "DUPONT", "Jean"),
            SourceId = "1.2.250.1.999.1",
            ContentTypeCode = new XdmCode("CONSULT", "1.2.250.1.213.1.1.4.4", "Consultation"),
        };
        if (withCda)
        {
            package.Documents.Add(Document(Cda, "text/xml", "Compte rendu de consultation"));
        }
        package.Documents.Add(Document(Pdf, "application/pdf", "Compte rendu (PDF)"));
        return package;
    }

    private static XdmDocument Document(byte[] content, string mimeType, string title) => new()
    {
        Content = content,
        MimeType = mimeType,
        Title = title,
        TypeCode = new XdmCode("11488-4", "2.16.840.1.113883.6.1", "Compte rendu de consultation"),
        ClassCode = new XdmCode("11", "1.2.250.1.213.1.1.4.1", "Compte rendu"),
        FormatCode = new XdmCode("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "Document à corps non structuré en PDF"),
        HealthcareFacilityTypeCode = new XdmCode("SA01", "1.2.250.1.71.4.2.4", "Etablissement public de santé"),
        PracticeSettingCode = new XdmCode("ETABLISSEMENT", "1.2.250.1.213.1.1.4.9", "Etablissement de santé"),
    };

    [Fact]
    public void The_archive_holds_the_readme_the_index_the_metadata_and_the_documents()
    {
        using var zip = new ZipArchive(new MemoryStream(Package().ToZip(Now)));
        Assert.Equal(["README.TXT", "INDEX.HTM", "IHE_XDM/SUBSET01/METADATA.XML", "IHE_XDM/SUBSET01/DOC0001.XML", "IHE_XDM/SUBSET01/DOC0002.PDF"], zip.Entries.Select(e => e.FullName));
        using var reader = new StreamReader(zip.GetEntry("INDEX.HTM")!.Open());
        Assert.Contains("href=\"IHE_XDM/SUBSET01/DOC0002.PDF\">Compte rendu (PDF)</a>", reader.ReadToEnd(), StringComparison.Ordinal);
    }

    [Fact]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "XDS's hash slot is SHA-1.")]
    public void The_metadata_is_one_submission_set_with_one_entry_per_document_for_the_patients_INS()
    {
        using var zip = new ZipArchive(new MemoryStream(Package().ToZip(Now)));
        using var stream = zip.GetEntry("IHE_XDM/SUBSET01/METADATA.XML")!.Open();
        var metadata = XDocument.Load(stream);

        Assert.Equal("SubmitObjectsRequest", metadata.Root!.Name.LocalName);
        var entries = metadata.Descendants(Rim + "ExtrinsicObject").ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal("urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1", (string?)e.Attribute("objectType")));
        var set = Assert.Single(metadata.Descendants(Rim + "RegistryPackage"));
        Assert.Equal(2, metadata.Descendants(Rim + "Association").Count(a => (string?)a.Attribute("sourceObject") == (string?)set.Attribute("id")));
        Assert.Contains(metadata.Descendants(Rim + "Classification"), c => (string?)c.Attribute("classificationNode") == "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd");
        var patientIds = metadata.Descendants(Rim + "ExternalIdentifier")
            .Where(e => (string?)e.Attribute("identificationScheme") is "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" or "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446")
            .Select(e => (string?)e.Attribute("value")).ToList();
        Assert.Equal(3, patientIds.Count);
        Assert.All(patientIds, id => Assert.Equal("279035121518989^^^&1.2.250.1.213.1.4.8&ISO^NH", id));
        var pdf = entries[1];
        Assert.Equal(Convert.ToHexString(SHA1.HashData(Pdf)).ToLowerInvariant(), Slot(pdf, "hash"));
        Assert.Equal(Pdf.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Slot(pdf, "size"));
        Assert.Equal("DOC0002.PDF", Slot(pdf, "URI"));
        Assert.Equal("20261126100000", Slot(pdf, "creationTime"));
        Assert.Contains(pdf.Descendants(Rim + "Value"), v => v.Value == "810001234567^DUPONT^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS");
        Assert.Contains(pdf.Elements(Rim + "Classification"), c => (string?)c.Attribute("classificationScheme") == "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983" && (string?)c.Attribute("nodeRepresentation") == "11488-4");
    }

    [Fact]
    public void An_archive_reads_back_with_its_documents_intact_and_a_tampered_one_is_flagged()
    {
        var bytes = Package().ToZip(Now);
        var archive = XdmArchive.Read(new MemoryStream(bytes));
        Assert.Equal("279035121518989^^^&1.2.250.1.213.1.4.8&ISO^NH", archive.PatientId);
        Assert.Equal(["Compte rendu de consultation", "Compte rendu (PDF)"], archive.Documents.Select(d => d.Title));
        Assert.All(archive.Documents, d => Assert.True(d.IsIntact));
        Assert.Equal(Pdf, archive.Documents[1].Content);
        Assert.Equal("11488-4", archive.Documents[0].TypeCode!.Code);

        using var tampered = new MemoryStream();
        tampered.Write(bytes);
        using (var zip = new ZipArchive(tampered, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry("IHE_XDM/SUBSET01/DOC0002.PDF")!.Delete();
            using var entry = zip.CreateEntry("IHE_XDM/SUBSET01/DOC0002.PDF").Open();
            entry.Write([1, 2, 3]);
        }
        tampered.Position = 0;
        Assert.False(XdmArchive.Read(tampered).Documents[1].IsIntact);
    }

    [Fact]
    public void What_is_not_an_xdm_archive_is_refused_clearly_and_no_dtd_is_processed()
    {
        Assert.Throws<InvalidDataException>(() => XdmArchive.Read(new MemoryStream(Encoding.ASCII.GetBytes("pas un zip"))));
        Assert.Throws<InvalidDataException>(() => XdmArchive.Read(Zip(("README.TXT", "x"))));
        var xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><r>&e;</r>";
        Assert.Throws<InvalidDataException>(() => XdmArchive.Read(Zip(("IHE_XDM/SUBSET01/METADATA.XML", xxe))));
    }

    [Fact]
    public void An_incomplete_package_says_what_is_missing_and_writes_nothing()
    {
        var package = Package();
        package.Documents.Add(new XdmDocument
        {
            Content = [],
            MimeType = "application/pdf",
            Title = "Vide",
            TypeCode = new XdmCode("", "2.16.840.1.113883.6.1", "?"),
            ClassCode = null!,
            FormatCode = new XdmCode("x", "1", "x"),
            HealthcareFacilityTypeCode = new XdmCode("x", "1", "x"),
            PracticeSettingCode = new XdmCode("x", "1", "x"),
        });
        var problems = package.Problems();
        Assert.Contains(problems, p => p.Contains("document 3 has no content", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("document 3's typeCode", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("code of the document 3 is missing", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => package.ToZip(Now));
        var badAuthor = Package();
        var withCaret = new XdmPackage { Patient = badAuthor.Patient, Author = new XdmAuthor("8^1", "A", "B"), SourceId = "pas un OID", ContentTypeCode = badAuthor.ContentTypeCode };
        Assert.Equal(3, withCaret.Problems().Count);
    }

    [Fact]
    public void The_subject_follows_the_national_rule()
    {
        Assert.Equal("XDM/1.0/DDM+Compte rendu de consultation MARTIN Claire 12/03/1979", Package().Subject("Compte rendu de consultation"));
        Assert.Equal("XDM/1.0/DDM+CR MARTIN Claire", Package().Subject("CR", withBirthDate: false));
        // UX.28: people see the subject without the prefix, software keeps it whole.
        var summary = new MessageInfo { Ref = new MessageRef("INBOX", 1, 1), Subject = Package().Subject("CR", withBirthDate: false) };
        Assert.Equal("CR MARTIN Claire", summary.DisplaySubject);
        Assert.Equal("XDM/1.0/DDM+CR MARTIN Claire", summary.Subject);
        Assert.Equal("Bilan", (summary with { Subject = "Bilan" }).DisplaySubject);
        Assert.Null((summary with { Subject = null }).DisplaySubject);
    }

    [Fact]
    public void A_message_with_cda_documents_carries_their_codes_and_the_INS_header_and_one_with_only_pdf_neither()
    {
        var from = MssanteAddress.Parse("jean.dupont@chu-angers.mssante.fr");
        var message = new OutgoingMessage { Subject = "s", TextBody = "x", Xdm = Package() };
        message.To.Add(new Recipient("claire.roux@chu-angers.mssante.fr"));
        using var mime = MssanteMessageComposer.Compose(message, from, null, "DEV935997", Now);
        Assert.Equal("11488-4", mime.Headers[MssanteHeaders.CodeCda]);
        Assert.Equal("O", mime.Headers[MssanteHeaders.Ins]);
        var zip = Assert.IsType<MimeKit.MimePart>(Assert.Single(mime.Attachments));
        Assert.Equal("IHE_XDM.zip", zip.FileName);
        Assert.Equal("application/zip", zip.ContentType.MimeType);

        message.Xdm = Package(withCda: false);
        using var pdfOnly = MssanteMessageComposer.Compose(message, from, null, "DEV935997", Now);
        Assert.False(pdfOnly.Headers.Contains(MssanteHeaders.CodeCda));
        Assert.False(pdfOnly.Headers.Contains(MssanteHeaders.Ins));
    }

    private static string? Slot(XElement element, string name) =>
        element.Elements(Rim + "Slot").Single(s => (string?)s.Attribute("name") == name).Descendants(Rim + "Value").Single().Value;

    private static MemoryStream Zip(params (string Name, string Text)[] files)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in files)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public async Task A_message_with_an_incomplete_package_is_refused_before_anything_is_sent()
    {
        var fake = new Esante.MsSante.Tests.Mailbox.FakeMailbox(0);
        var client = new Esante.MsSante.MailboxClient(await fake.OpenAsync(), Esante.MsSante.MssantePolicies.Default, "DEV935997");
        var package = Package();
        package.Documents.Clear();
        var message = new OutgoingMessage { Subject = "s", TextBody = "x", Xdm = package };
        message.To.Add(new Recipient(fake.Doctor.Address.Value));
        var deliveries = fake.Server.Deliveries.Count;

        var e = await Assert.ThrowsAsync<Esante.MsSante.MessageRejectedException>(() => client.SendAsync(message));

        Assert.Contains(e.Violations, v => v.Code == Esante.MsSante.PolicyViolationCodes.XdmIncomplete);
        Assert.Equal(deliveries, fake.Server.Deliveries.Count);
    }

    [Fact]
    public void An_archive_that_describes_too_many_documents_or_too_large_a_metadata_is_refused()
    {
        var many = new StringBuilder("<SubmitObjectsRequest xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"><rim:RegistryObjectList>");
        for (var i = 0; i < 1001; i++)
        {
            many.Append("<rim:ExtrinsicObject/>");
        }
        many.Append("</rim:RegistryObjectList></SubmitObjectsRequest>");
        Assert.Throws<InvalidDataException>(() => XdmArchive.Read(Zip(("IHE_XDM/SUBSET01/METADATA.XML", many.ToString()))));
        Assert.Throws<InvalidDataException>(() => XdmArchive.Read(Zip(("IHE_XDM/SUBSET01/METADATA.XML", "<r>" + new string(' ', 5 * 1024 * 1024) + "</r>"))));
    }

    [Fact]
    public void A_file_named_by_a_thousand_metadata_entries_is_decompressed_and_hashed_once()
    {
        var large = new byte[600 * 1024];
        Random.Shared.NextBytes(large);
        var zip = WithEntryRepeated(large, 1000);

        var archive = XdmArchive.Read(zip, maxDecompressedBytes: 1024 * 1024);

        Assert.Equal(1000, archive.Documents.Count);
        Assert.All(archive.Documents, d => Assert.True(d.IsIntact));
        // The file once, plus the metadata: not a thousand times the file.
        Assert.InRange(archive.DecompressedBytes, large.Length, large.Length + (1024 * 1024 - large.Length));
    }

    [Fact]
    public void An_archive_decompressing_to_more_than_the_limit_is_refused_counting_real_bytes()
    {
        const long limit = 1024 * 1024;
        // A zip bomb in small: 3 MiB of zeros compress to a few KB.
        var bomb = Zip(("IHE_XDM/SUBSET01/METADATA.XML", Metadata(string.Empty, "DOC0001.BIN")), ("IHE_XDM/SUBSET01/DOC0001.BIN", new string('\0', 3 * 1024 * 1024)));
        Assert.True(bomb.Length < 64 * 1024);
        var e = Assert.Throws<InvalidDataException>(() => XdmArchive.Read(bomb, limit));
        Assert.Contains("decompresses to more", e.Message, StringComparison.Ordinal);

        // Two files each under the limit, together over it.
        var half = new string('a', 600 * 1024);
        var two = Zip(("IHE_XDM/SUBSET01/METADATA.XML", Metadata(string.Empty, "A.TXT", "B.TXT")), ("IHE_XDM/SUBSET01/A.TXT", half), ("IHE_XDM/SUBSET01/B.TXT", half));
        Assert.Throws<InvalidDataException>(() => XdmArchive.Read(two, limit));
        two.Position = 0;
        Assert.Equal(2, XdmArchive.Read(two, 2 * limit).Documents.Count);
        Assert.Equal(128L * 1024 * 1024, XdmArchive.MaxDecompressedBytes);
    }

    /// <summary>An archive whose METADATA.XML names its one file, with its size and SHA-1, <paramref name="times"/> times.</summary>
    private static MemoryStream WithEntryRepeated(byte[] content, int times)
    {
        var slots = $"<rim:Slot name=\"hash\"><rim:ValueList><rim:Value>{XdmPackage.Sha1(content)}</rim:Value></rim:ValueList></rim:Slot>" +
            $"<rim:Slot name=\"size\"><rim:ValueList><rim:Value>{content.Length}</rim:Value></rim:ValueList></rim:Slot>";
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var metadata = archive.CreateEntry("IHE_XDM/SUBSET01/METADATA.XML").Open())
            {
                metadata.Write(Encoding.UTF8.GetBytes(Metadata(slots, [.. Enumerable.Repeat("DOC0001.PDF", times)])));
            }
            using var file = archive.CreateEntry("IHE_XDM/SUBSET01/DOC0001.PDF").Open();
            file.Write(content);
        }
        zip.Position = 0;
        return zip;
    }

    private static string Metadata(string slots, params string[] uris) =>
        "<SubmitObjectsRequest xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"><rim:RegistryObjectList>" +
        string.Concat(uris.Select(u => $"<rim:ExtrinsicObject><rim:Slot name=\"URI\"><rim:ValueList><rim:Value>{u}</rim:Value></rim:ValueList></rim:Slot>{slots}</rim:ExtrinsicObject>")) +
        "</rim:RegistryObjectList></SubmitObjectsRequest>";

    [Fact]
    public void A_patient_name_holding_an_HL7_separator_is_a_problem_of_the_package()
    {
        var package = Package();
        var odd = new XdmPackage
        {
            Patient = new QualifiedIns(package.Patient.Matricule, InsOid.Nir, "MARTIN^X", "Claire", package.Patient.BirthDate, AdministrativeSex.Female),
            Author = package.Author,
            SourceId = package.SourceId,
            ContentTypeCode = package.ContentTypeCode,
        };
        odd.Documents.Add(package.Documents[0]);
        Assert.Contains(odd.Problems(), p => p.Contains("patient's names", StringComparison.Ordinal));
    }
}
