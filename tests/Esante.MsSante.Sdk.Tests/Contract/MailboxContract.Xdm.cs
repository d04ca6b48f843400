using System.Globalization;
using System.Xml.Linq;
using Esante.MsSante.Xdm;
using Esante.MsSante.Tests.Messages.Xdm;

namespace Esante.MsSante.Tests.Contract;

/// <summary>ANS's national example documents, sent through the operator in an XDM archive and read back by the recipient.</summary>
public abstract partial class MailboxContract
{
    private static readonly XNamespace Hl7 = "urn:hl7-org:v3";

    [Fact]
    public async Task An_N1_CDA_of_the_national_examples_travels_for_a_test_patient_and_its_embedded_PDF_reads_back()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var cda = XdmConformityTests.Fixture("ans-CR_Radio_CDAN1_v1.XML");
        var received = await SendAndReceiveAsync(alice, bob, NationalExamplePackage(cda), "v1");
        Assert.Equal("18748-4", received.Mime.Headers[MssanteHeaders.CodeCda]);
        Assert.Equal("O", received.Mime.Headers[MssanteHeaders.Ins]);
        var archive = received.ReadXdmArchive()!;
        Assert.Equal("279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH", archive.PatientId);
        Assert.Equal(new XdmPatient
        {
            Id = "279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH",
            BirthName = "PAT-TROIS",
            GivenName = "DOMINIQUE",
            BirthDate = new DateOnly(1979, 3, 28),
            Sex = AdministrativeSex.Female,
            BirthplaceCode = "63220",
        }, archive.Patient);
        Assert.Equal("Organisation-Y", archive.Author?.Institution?.Name);
        var document = Assert.Single(archive.Documents);
        Assert.True(document.IsIntact);
        Assert.Equal(cda, document.Content);
        Assert.Equal("1.2.250.1.71.4.2.2.120456789.71024000081", document.UniqueId);
        Assert.Equal("Eric", document.LegalAuthenticator?.FamilyName);
        Assert.Equal(new DateTimeOffset(2023, 2, 27, 8, 28, 27, TimeSpan.Zero), document.ServiceStartTime);
        var pdf = Convert.FromBase64String(Cda(document.Content!).Descendants(Hl7 + "nonXMLBody").Single().Element(Hl7 + "text")!.Value);
        Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);
    }

    [Fact]
    public async Task A_replacement_of_the_national_examples_then_its_deletion_travel_and_name_what_they_replace_and_delete()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var v1 = XdmConformityTests.Fixture("ans-CR_Radio_CDAN1_v1.XML");
        var v2 = XdmConformityTests.Fixture("ans-CR_Radio_CDAN1_v2.XML");
        var first = await SendAndReadAsync(alice, bob, NationalExamplePackage(v1), "v1");
        var firstEntry = Assert.Single(first.Documents).EntryUuid!;

        var second = await SendAndReadAsync(alice, bob, NationalExamplePackage(v2, replaces: firstEntry), "v2");

        var replacement = Assert.Single(second.Documents);
        Assert.Equal(firstEntry, replacement.Replaces);
        Assert.NotEqual(firstEntry, replacement.EntryUuid);
        // The new version of the CDA names the replaced one, as ANS's example does.
        var related = Cda(replacement.Content!).Descendants(Hl7 + "relatedDocument").Single();
        Assert.Equal("RPLC", (string?)related.Attribute("typeCode"));
        Assert.Equal(first.Documents[0].UniqueId, (string?)related.Descendants(Hl7 + "id").Single().Attribute("root"));
        Assert.Equal("2", (string?)Cda(replacement.Content!).Element(Hl7 + "versionNumber")?.Attribute("value"));

        var deletion = NationalExamplePackage(v2);
        deletion.Documents.Clear();
        deletion.Deletions.Add(replacement.EntryUuid!);
        var third = await SendAndReadAsync(alice, bob, deletion, "suppression");
        Assert.Equal([replacement.EntryUuid!], third.Deletions);
        Assert.Empty(third.Documents);
    }

    [Fact]
    public async Task An_archive_sent_inline_without_a_name_by_another_software_is_still_found_and_read()
    {
        await using var bob = await OpenNewUserAsync();
        var zip = Convert.ToBase64String(Esante.MsSante.Tests.Messages.XdmTests.Package().ToZip(DateTimeOffset.UtcNow), Base64FormattingOptions.InsertLineBreaks);
        var raw = string.Join("\r\n",
            "From: <secretariat@chu-angers.mssante.fr>",
            "To: " + bob.Address.Value,
            "Subject: XDM/1.0/DDM+CR inline",
            "Date: Tue, 3 Nov 2026 08:59:12 +0100",
            "Message-ID: <xdm-inline@chu-angers.mssante.fr>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Compte rendu joint.",
            "--b1",
            "Content-Type: application/octet-stream",
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: inline",
            "",
            zip,
            "--b1--",
            "");
        await DeliverRawAsync(bob.User, System.Text.Encoding.UTF8.GetBytes(raw));

        var received = await bob.Box.Messages.ReadAsync((await WaitForMessageAsync(bob.Box, s => s.Subject == "XDM/1.0/DDM+CR inline")).Ref);
        var archive = received.ReadXdmArchive()!;
        Assert.Equal(2, archive.Documents.Count);
        Assert.All(archive.Documents, d => Assert.True(d.IsIntact));
    }

    [Fact]
    public async Task Documents_for_an_identity_that_is_not_qualified_travel_saying_so_in_X_MSS_INS()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var package = NationalExamplePackage(XdmConformityTests.Fixture("ans-CR_Radio_CDAN1_v1.XML"));
        var provisional = new XdmPackage
        {
            Patient = package.Patient with { IsQualified = false },
            Author = package.Author,
            SourceId = package.SourceId,
            ContentTypeCode = package.ContentTypeCode,
            Documents = { package.Documents[0] },
        };
        var received = await SendAndReceiveAsync(alice, bob, provisional, "identité provisoire");
        Assert.Equal("N", received.Mime.Headers[MssanteHeaders.Ins]);
        Assert.Equal("18748-4", received.Mime.Headers[MssanteHeaders.CodeCda]);
    }

    private static async Task<XdmArchive> SendAndReadAsync(OpenUser from, OpenUser to, XdmPackage package, string label) =>
        (await SendAndReceiveAsync(from, to, package, label)).ReadXdmArchive()!;

    private static async Task<ReceivedMessage> SendAndReceiveAsync(OpenUser from, OpenUser to, XdmPackage package, string label)
    {
        var letter = Letter(to.Address, package.Subject("CR d'imagerie médicale " + label), "Compte rendu.");
        letter.Xdm = package;
        await from.Box.SendAsync(letter);
        return await to.Box.Messages.ReadAsync((await WaitForMessageAsync(to.Box, s => s.Subject == letter.Subject)).Ref);
    }

    /// <summary>A package for one of ANS's example CDAs, its metadata taken from the CDA's header as the CI-SIS maps it.</summary>
    private static XdmPackage NationalExamplePackage(byte[] cda, string? replaces = null)
    {
        var header = Cda(cda);
        var patient = header.Descendants(Hl7 + "patientRole").Single();
        var name = patient.Descendants(Hl7 + "name").First();
        var author = header.Descendants(Hl7 + "assignedAuthor").Single();
        var organisation = author.Element(Hl7 + "representedOrganization")!;
        var code = header.Element(Hl7 + "code")!;
        var service = header.Descendants(Hl7 + "serviceEvent").Single().Element(Hl7 + "effectiveTime")!;
        var ins = new QualifiedIns(
            InsMatricule.Parse((string)patient.Element(Hl7 + "id")!.Attribute("extension")!),
            (string)patient.Element(Hl7 + "id")!.Attribute("root")!,
            name.Element(Hl7 + "family")!.Value,
            name.Element(Hl7 + "given")!.Value,
            DateOnly.ParseExact((string)patient.Descendants(Hl7 + "birthTime").Single().Attribute("value")!, "yyyyMMdd", CultureInfo.InvariantCulture),
            (string?)patient.Descendants(Hl7 + "administrativeGenderCode").Single().Attribute("code") == "F" ? AdministrativeSex.Female : AdministrativeSex.Male)
        {
            BirthplaceCode = patient.Descendants(Hl7 + "birthplace").Single().Descendants(Hl7 + "county").Single().Value,
        };
        var person = author.Descendants(Hl7 + "assignedPerson").Single().Element(Hl7 + "name")!;
        var xdmAuthor = new XdmAuthor((string)author.Element(Hl7 + "id")!.Attribute("extension")!, person.Element(Hl7 + "family")!.Value, person.Element(Hl7 + "given")!.Value)
        {
            Institution = new XdmInstitution(organisation.Element(Hl7 + "name")!.Value, (string)organisation.Element(Hl7 + "id")!.Attribute("extension")!),
        };
        var package = new XdmPackage
        {
            Patient = ins,
            Author = xdmAuthor,
            SourceId = "1.2.250.1.999.1",
            ContentTypeCode = new XdmCode("CONSULT", "1.2.250.1.213.1.1.4.4", "Consultation"),
        };
        package.Documents.Add(new XdmDocument
        {
            Content = cda,
            MimeType = "text/xml",
            Title = header.Element(Hl7 + "title")!.Value,
            TypeCode = new XdmCode((string)code.Attribute("code")!, (string)code.Attribute("codeSystem")!, (string)code.Attribute("displayName")!),
            ClassCode = new XdmCode("11", "1.2.250.1.213.1.1.4.1", "Compte rendu"),
            FormatCode = new XdmCode("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "Document à corps non structuré en PDF"),
            HealthcareFacilityTypeCode = new XdmCode("SA01", "1.2.250.1.71.4.2.4", "Etablissement public de santé"),
            PracticeSettingCode = new XdmCode("ETABLISSEMENT", "1.2.250.1.213.1.1.4.9", "Etablissement de santé"),
            UniqueId = (string)header.Element(Hl7 + "id")!.Attribute("root")!,
            ServiceStartTime = Hl7Time(service.Element(Hl7 + "low")!),
            ServiceStopTime = Hl7Time(service.Element(Hl7 + "high")!),
            LegalAuthenticator = xdmAuthor with { Institution = null },
            Replaces = replaces,
        });
        return package;
    }

    /// <summary>A CDA time with its offset, e.g. <c>20230227102827+0200</c>.</summary>
    private static DateTimeOffset Hl7Time(XElement time)
    {
        var value = (string)time.Attribute("value")!;
        return DateTimeOffset.ParseExact(value.Insert(value.Length - 2, ":"), "yyyyMMddHHmmsszzz", CultureInfo.InvariantCulture);
    }

    private static XElement Cda(byte[] content) => XDocument.Load(new MemoryStream(content)).Root!;
}
