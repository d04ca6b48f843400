using Esante.MsSante.Directory;
using Esante.MsSante.Testing;
using Esante.MsSante.Xdm;
using MimeKit;

namespace Esante.MsSante.Samples.Webmail;

/// <summary>
/// The embedded fake operator, seeded as the guide's screens show it (and as samples/GuideJourney does): a person at their
/// first connection, a delegate of the structure's organisational mailbox, colleagues in the directory, and a few messages
/// waiting: a letter, a patient's question filed in « Échanges Patients », a report as an IHE_XDM.zip archive.
/// </summary>
public sealed class DemoOperator : IDisposable
{
    public const string Domain = "esantepdl.mssante.fr";
    public const string Organisational = "secretariat-cardio@" + Domain;
    public const string PscRedirectUri = "https://webmail.example.fr/psc/retour";
    public const string DelegatePassword = "Cholet-Secretariat-2025";
    public const string ColleaguePassword = "Bonjour-2025";

    public DemoOperator()
    {
        Server = new FakeMssanteOperator(options: new FakeOperatorOptions { DefaultDomain = Domain });
        Psc = new FakeProSanteConnect(Server);
        FirstConnection = Server.CreateAccount("adrien.malosse27", password: null, contactEmail: "adrien.malosse@example.fr")
            .Describe(profession: "Médecin", rpps: "10003381653", organization: "CH DE CHOLET", city: "Cholet", postalCode: "49300");
        Delegate = Server.CreateAccount("sophie.lemoine", DelegatePassword, contactEmail: "sophie.lemoine@example.fr")
            .Describe(profession: "Secrétaire médicale", organization: "CH DE CHOLET", city: "Cholet", postalCode: "49300");
        Server.CreateOrganisationalMailbox(Organisational, "Secrétariat de cardiologie - CH de Cholet", FirstConnection, Delegate);
        const string chuNantes = "chu-nantes.mssante.fr";
        Server.CreateAccount("adele.alexandre", ColleaguePassword, domain: chuNantes).Describe("Infirmier", "10103197363", "CHU DE NANTES", "Nantes", "44093");
        Colleague = Server.CreateAccount("adeline.goudal", ColleaguePassword, domain: chuNantes).Describe("Pharmacien", "10102293320", "CHU DE NANTES SITE HOTEL DIEU", "Nantes", "44093");
        Correspondent = Server.CreateAccount("marc.durand", ColleaguePassword, domain: "chu-angers.mssante.fr").Describe("Médecin", "10001234565", "CHU D'ANGERS", "Angers", "49100");
        Server.SetQuota(Organisational, 500L * 1024 * 1024);

        // The national directory: a generated stand-in for the daily « Extraction Correspondance MSSanté » file.
        ExtractionFile = Path.Combine(Path.GetTempPath(), $"Extraction_Correspondance_MSSante_webmail_{Environment.ProcessId}_{Guid.NewGuid():N}.txt");
        new ExtractionFileGenerator { RowCount = 5_000 }.WriteFile(ExtractionFile);

        SeedMessages();
    }

    public FakeMssanteOperator Server { get; }

    public FakeProSanteConnect Psc { get; }

    /// <summary>No password yet: « Mot de passe oublié / Première connexion ».</summary>
    public FakeAccount FirstConnection { get; }

    /// <summary>A delegate of the organisational mailbox, with a password and codes by e-mail.</summary>
    public FakeAccount Delegate { get; }

    public FakeAccount Colleague { get; }

    public FakeAccount Correspondent { get; }

    public string ExtractionFile { get; }

    /// <summary>The patient writing from Mon Espace Santé (a test INS).</summary>
    public static QualifiedIns Patient { get; } = new(InsMatricule.Parse("279035121518989"), InsOid.Nir, "MARTIN", "Claire", new DateOnly(1979, 3, 12), AdministrativeSex.Female);

    public IEnumerable<FakeAccount> Accounts => [FirstConnection, Delegate, Colleague, Correspondent];

    /// <summary>The accounts, as printed at start and shown on the sign-in page.</summary>
    public IEnumerable<string> Describe() =>
    [
        $"{FirstConnection.UserName} : première connexion (« Mot de passe oublié / Première connexion », e-mail {FirstConnection.ContactEmail})",
        $"{Delegate.UserName} / {DelegatePassword} : déléguée de {Organisational}, code par e-mail",
        $"{Colleague.UserName} / {ColleaguePassword} : {Colleague.Address}, code par e-mail",
        $"Pro Santé Connect (fictif) : les comptes ayant un n° RPPS ({string.Join(", ", Accounts.Where(a => a.Identifier is not null).Select(a => a.UserName))})",
    ];

    /// <summary>The mails the operator sent outside the network: one-time codes, reset links, notifications.</summary>
    public IReadOnlyList<FakeOutboxMessage> Outbox => Server.Outbox;

    private void SeedMessages()
    {
        var letter = new MimeMessage();
        letter.From.Add(new MailboxAddress("Marc DURAND", Correspondent.Address.Value));
        letter.To.Add(new MailboxAddress(string.Empty, Organisational));
        letter.Subject = "Demande d'avis cardiologique";
        letter.Headers.Add("X-MSS-NIL", "DEV935997");
        letter.Body = new TextPart("plain") { Text = "Bonjour, pourriez-vous recevoir ce patient en consultation ? Bien cordialement." };
        Server.DeliverFromOutside(letter);

        Server.DeliverFromPatient(Patient.ToPatientAddress(), Organisational, "Question sur mon traitement", "Bonjour docteur, dois-je continuer le traitement pendant les vacances ?");

        var package = new XdmPackage
        {
            Patient = Patient,
            Author = new XdmAuthor("810001234565", "DURAND", "Marc"),
            SourceId = "1.2.250.1.213.1.1.9",
            ContentTypeCode = new XdmCode("CONSULT", "1.2.250.1.213.1.1.4.4", "Consultation"),
        };
        package.Documents.Add(new XdmDocument
        {
            Content = System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
            MimeType = "application/pdf",
            Title = "Compte rendu de consultation",
            TypeCode = new XdmCode("11488-4", "2.16.840.1.113883.6.1", "Compte rendu de consultation"),
            ClassCode = new XdmCode("11", "1.2.250.1.213.1.1.4.1", "Compte rendu"),
            FormatCode = new XdmCode("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "Document à corps non structuré en PDF"),
            HealthcareFacilityTypeCode = new XdmCode("SA01", "1.2.250.1.71.4.2.4", "Etablissement public de santé"),
            PracticeSettingCode = new XdmCode("ETABLISSEMENT", "1.2.250.1.213.1.1.4.9", "Etablissement de santé"),
        });
        var report = new MimeMessage();
        report.From.Add(new MailboxAddress("Marc DURAND", Correspondent.Address.Value));
        report.To.Add(new MailboxAddress(string.Empty, Organisational));
        report.Subject = package.Subject("Compte rendu de consultation");
        report.Headers.Add("X-MSS-NIL", "DEV935997");
        report.Headers.Add("Disposition-Notification-To", Correspondent.Address.Value);
        var body = new BodyBuilder { TextBody = "Bonjour, veuillez trouver le compte rendu de consultation." };
        body.Attachments.Add("IHE_XDM.zip", package.ToZip(Server.TimeProvider.GetUtcNow()), new ContentType("application", "zip"));
        report.Body = body.ToMessageBody();
        Server.DeliverFromOutside(report);
    }

    public void Dispose()
    {
        File.Delete(ExtractionFile);
        File.Delete(ExtractionDirectoryIndex.DefaultSnapshotPath(ExtractionFile));
    }
}
