using Esante.MsSante.Directory;
using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Samples.GuideJourney;

/// <summary>
/// Walks through the « Guide d'utilisation de la messagerie régionale sécurisée MSSanté » as an application would,
/// with the SDK's public services, against an in-memory fake operator.
/// </summary>
public static class Journey
{
    private const string Domain = "esantepdl.mssante.fr";

    public static async Task<bool> RunAsync(TextWriter output)
    {
        var step = 0;
        void Step(string title) => output.WriteLine($"{Environment.NewLine}{++step}. {title}");
        void Say(string text) => output.WriteLine("   " + text);

        // The operator's side: what an administrator set up before the person's first connection.
        var server = new FakeMssanteOperator(options: new FakeOperatorOptions { DefaultDomain = Domain });
        var adrien = server.CreateAccount("adrien.malosse27", password: null, contactEmail: "adrien.malosse@example.fr")
            .Describe(profession: "Médecin", rpps: "10003381653", organization: "CH DE CHOLET", city: "Cholet", postalCode: "49300");
        server.CreateOrganisationalMailbox($"secretariat-cardio@{Domain}", "Secrétariat de cardiologie - CH de Cholet", adrien);
        var chuNantes = "chu-nantes.mssante.fr";
        server.CreateAccount("adele.alexandre", "Bonjour-2025", domain: chuNantes).Describe("Infirmier", "10103197363", "CHU DE NANTES", "Nantes", "44093");
        var adeline = server.CreateAccount("adeline.goudal", "Bonjour-2025", domain: chuNantes).Describe("Pharmacien", "10102293320", "CHU DE NANTES SITE HOTEL DIEU", "Nantes", "44093");
        var marc = server.CreateAccount("marc.durand", "Bonjour-2025", domain: "chu-angers.mssante.fr").Describe("Médecin", "10001234565", "CHU D'ANGERS", "Angers", "49100");

        // The national directory: a generated stand-in for the daily « Extraction Correspondance MSSanté » file.
        var extraction = Path.Combine(Path.GetTempPath(), $"Extraction_Correspondance_MSSante_sample_{Environment.ProcessId}.txt");
        new ExtractionFileGenerator { RowCount = 20_000 }.WriteFile(extraction);

        // The application's side: the SDK as any hospital software registers it.
        var psc = new FakeProSanteConnect(server);
        var services = new ServiceCollection();
        services.AddMssante(options => options.ProductReference = "DEV935997").AddFakeOperator(server);
        services.AddMssanteDirectory(options => options.ExtractionFilePath = extraction);
        services.AddMssanteProSanteConnect(options => options.RedirectUri = new Uri("https://dpi.example.fr/psc/callback"));
        services.AddMssanteFakeProSanteConnect(psc);
        await using var provider = services.BuildServiceProvider();
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        var otp = provider.GetRequiredService<IOtpProvider>();

        output.WriteLine("MSSanté guide journey, against the embedded fake operator");

        Step("First connection (« Mot de passe oublié / Première connexion »)");
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "adrien.malosse@example.fr");
        var link = server.LastResetLinkSentTo("adrien.malosse@example.fr");
        Say($"A link valid 1 hour was e-mailed to the contact address: {link.GetLeftPart(UriPartial.Path)}?token=…");

        Step("New password and one-time code by authenticator app, with « Tester la saisie d'un OTP »");
        var enrolment = await session.Portal!.StartPasswordSetupAsync(link, "Cholet-Cardio-2025", "Cholet-Cardio-2025", OtpChannelChoice.ByAuthenticatorApp());
        var secret = enrolment.Authenticator!.Secret;
        Say($"QR code to scan: {enrolment.Authenticator.OtpAuthUri.GetLeftPart(UriPartial.Path)}?secret=…");
        await session.Portal!.CompletePasswordSetupAsync(link, otp.ComputeTotp(secret));
        Say("The app's code was right: password and channel saved, the link is used up.");
        try
        {
            await session.Portal!.StartPasswordSetupAsync(link, "Another-pass-1", "Another-pass-1", OtpChannelChoice.ByAuthenticatorApp());
        }
        catch (MssanteAuthenticationException e)
        {
            Say($"Using the link again is refused: {e.Message}");
        }

        Step("Sign in with « prénom.nom », password and one-time code");
        server.AdvanceTime(TimeSpan.FromSeconds(30)); // the next code: each code signs in once
        var signIn = await session.SignInAsync("adrien.malosse27", "Cholet-Cardio-2025");
        Say($"Password accepted; the operator asks for a one-time code ({(signIn.SecondFactor!.Channel == OtpChannel.AuthenticatorApp ? "authenticator app" : "e-mail")}).");
        await session.CompleteSignInAsync(otp.ComputeTotp(secret));
        Say($"Signed in as {session.UserName}.");

        Step("Choose the mailbox (« Sélection de la boîte aux lettres »)");
        var mailboxes = await session.ListMailboxesAsync();
        foreach (var m in mailboxes)
        {
            Say($"{(m.Kind == MailboxKind.Organisational ? "ORG" : "PER")}  {m.Address}  {m.DisplayName}");
        }
        var organisational = mailboxes.First(m => m.Kind == MailboxKind.Organisational);
        await using var mailbox = await session.OpenMailboxAsync(organisational.Address);
        Say($"Opened the organisational mailbox {mailbox.Mailbox.Address}.");

        Step("Search the national directory (Ville : Nantes, Structure : CHU)");
        var directory = provider.GetRequiredService<IDirectorySearch>();
        var found = await directory.SearchAsync(new DirectoryQuery { City = "Nantes", Organization = "CHU", Take = 6 });
        Say($"{found.TotalCount} mailboxes in the extraction file (20,000 generated rows) match; the first {found.Entries.Count}:");
        Say($"{"Nom",-16} {"Prénom",-13} {"@ MSSanté",-52} {"CP",-6} {"Ville",-15} {"Profession",-11} N° RPPS/ADELI");
        foreach (var e in found.Entries)
        {
            Say($"{e.LastName,-16} {e.FirstName,-13} {e.Address,-52} {e.PostalCode,-6} {e.City,-15} {e.Profession,-11} {e.Identifier?.NationalId}");
        }
        var typed = await directory.SearchAsync(new DirectoryQuery { Text = "gou ade nan", Take = 3 });
        var colleague = typed.Entries.First(e => e.Address == adeline.Address);
        Say($"Typing « gou ade nan » in « À : » suggests {colleague.DisplayName} <{colleague.Address}>.");

        Step("Send a message with an attachment to a colleague");
        var letter = new OutgoingMessage { Subject = "Courrier de sortie", TextBody = "Bonjour, veuillez trouver le courrier de sortie ci-joint." };
        letter.To.Add(new Recipient(colleague.Address.Value, colleague.DisplayName));
        letter.Attachments.Add(OutgoingAttachment.FromBytes("courrier.pdf", SamplePdf(), "application/pdf"));
        letter.RequestReadReceipt = true;
        var draft = await mailbox.Drafts.SaveAsync(letter);  // « Enregistrer le brouillon »
        Say($"Saved in « {draft.FolderPath} », then sent from there.");
        var sent = await mailbox.Drafts.SendAsync(draft);
        var received = await server.WaitForMessageAsync(d => d.Mailbox == adeline.Address.Value && d.Message.MessageId == sent.MessageId);
        var draftsLeft = await mailbox.Messages.ListAsync(draft.FolderPath).CountAsync();
        Say($"Sent {sent.MessageId}; a copy is in Sent, {draftsLeft} left in Drafts.");
        Say($"{colleague.DisplayName} received it from {received.Message.From} with {received.Message.Attachments.Count()} attachment, X-MSS-NIL {received.Message.Headers["X-MSS-NIL"]}.");

        Step("Her software integrates the letter and returns a read receipt (MDN, « accusé de lecture »)");
        await using (var hers = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession())
        {
            await hers.SignInAsync(adeline.UserName, "Bonjour-2025");
            await hers.CompleteSignInAsync(server.LastCodeSentTo(adeline.OtpEmail!));
            await using var herMailbox = await hers.OpenMailboxAsync(adeline.Address);
            var arrived = await herMailbox.Messages.ListAsync().FirstAsync(m => m.Subject == letter.Subject);
            await herMailbox.Messages.SendReadReceiptAsync(arrived.Ref, ReadReceipt.Processed);
        }
        var receiptSummary = await mailbox.Messages.ListAsync().FirstAsync(m => m.Subject == letter.Subject);
        var report = (await mailbox.Messages.ReadAsync(receiptSummary.Ref)).DispositionReport!;
        Say($"The secretariat's inbox holds the receipt for {report.OriginalMessageId}: {report.DispositionType} by {report.FinalRecipient}.");

        Step("A patient writes from Mon Espace Santé");
        var patient = new QualifiedIns(InsMatricule.Parse("279035121518989"), InsOid.Nir, "MARTIN", "Claire", new DateOnly(1979, 3, 12), AdministrativeSex.Female);
        Task DeliverFromOutside(MimeKit.MimeMessage message)
        {
            server.DeliverFromOutside(message);
            return Task.CompletedTask;
        }
        var patientFolder = await OrganisationalSteps.PatientWritesAsync(mailbox, patient.ToPatientAddress(), DeliverFromOutside, Say);

        Step("Out of office (« Hors du bureau ») on the organisational mailbox");
        await using (var hers = provider.GetRequiredService<IMssanteSession>())
        {
            await hers.SignInAsync(adeline.UserName, "Bonjour-2025");
            await hers.CompleteSignInAsync(server.LastCodeSentTo(adeline.OtpEmail!));
            await using var herMailbox = await hers.OpenMailboxAsync(adeline.Address);
            await OrganisationalSteps.OutOfOfficeAsync(mailbox, herMailbox, Say);
        }

        Step("Out of office (« Hors du bureau ») and a notification address, on the personal mailbox");
        await using (var personal = await session.OpenMailboxAsync(mailboxes.First(m => m.Kind == MailboxKind.Personal).Address))
        {
            var today = DateOnly.FromDateTime(server.TimeProvider.GetLocalNow().DateTime);
            await personal.Settings.SetRulesAsync(new MailboxRules
            {
                AutoReply = new AutoReply("Absence", "Je suis absent jusqu'au 4 janvier. En cas d'urgence, écrivez au secrétariat de cardiologie.") { LastDay = today.AddDays(14) },
                NotificationAddress = "adrien.malosse@example.fr",
            });
            var question = new MimeKit.MimeMessage();
            question.From.Add(new MimeKit.MailboxAddress("Marc DURAND", marc.Address.Value));
            question.To.Add(new MimeKit.MailboxAddress(string.Empty, personal.Mailbox.Address.Value));
            question.Subject = "Avis sur un ECG";
            question.Body = new MimeKit.TextPart("plain") { Text = "Bonjour, pourriez-vous regarder ce tracé ?" };
            server.DeliverFromOutside(question);
            var reply = await server.WaitForMessageAsync(d => d.Mailbox == marc.Address.Value && d.Message.Subject == "Absence");
            Say($"Marc Durand's message was answered « {reply.Message.Subject} » from {reply.Message.From}.");
            var notice = server.Outbox.Last(m => m.Kind == FakeOutboxKind.Notification);
            Say($"A notice went to {notice.To}: « {notice.Message!.Subject} », with nothing of the message itself.");
        }

        Step("Storage used (« Capacité de stockage »)");
        await OrganisationalSteps.StorageUsedAsync(mailbox, Say);

        Step("Export a folder before freeing space (« Importer/Exporter »)");
        var export = Path.Combine(Path.GetTempPath(), $"echanges-patients-{Guid.NewGuid():N}.mbox");
        await using (var file = File.Create(export))
        {
            var exported = await mailbox.Folders.ExportAsync(patientFolder.Path, file, MailboxExportFormat.Mbox);
            Say($"« {patientFolder.Name} » exported: {exported} message(s), {file.Length:N0} bytes of mbox a mail program can open.");
        }
        File.Delete(export);

        Step("A 16 MB attachment is refused before anything is sent");
        var tooBig = new OutgoingMessage { Subject = "Imagerie", TextBody = "Voir pièce jointe." };
        tooBig.To.Add(new Recipient(colleague.Address.Value));
        tooBig.Attachments.Add(OutgoingAttachment.FromBytes("irm.dcm", new byte[16 * 1024 * 1024], "application/dicom"));
        var outboxBefore = server.Deliveries.Count;
        try
        {
            await mailbox.SendAsync(tooBig);
            Say("Unexpected: the message was sent.");
            return false;
        }
        catch (MessageRejectedException e)
        {
            Say($"Refused [{string.Join(", ", e.Violations.Select(v => v.Code))}]: {e.Violations[0].Message}");
            Say($"Nothing was sent: {server.Deliveries.Count - outboxBefore} new delivery.");
        }

        Step("Sign out");
        await session.SignOutAsync();
        File.Delete(extraction);
        File.Delete(ExtractionDirectoryIndex.DefaultSnapshotPath(extraction));
        Say($"Session state: {session.State}.");

        Step("Sign in again with Pro Santé Connect (CPS card or e-CPS), no password");
        var pscClient = provider.GetRequiredService<ProSanteConnect.ProSanteConnectClient>();
        var authorization = pscClient.CreateAuthorization();
        Say($"The browser goes to {authorization.AuthorizationUri.GetLeftPart(UriPartial.Path)} (PKCE S256, acr_values=eidas1).");
        var pscSession = await pscClient.CompleteSignInAsync(authorization, psc.LogIn(authorization.AuthorizationUri, adrien));
        var me = await pscSession.GetUserInfoAsync();
        Say($"Signed in at level {pscSession.AuthenticationLevel} as {me.GivenName} {me.FamilyName}, {me.NationalIdentifier?.GetType().Name} {me.NationalIdentifier}.");
        await using (var again = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession())
        {
            await again.SignInWithTokenAsync(adrien.Address.Value, pscSession.GetAccessTokenAsync);
            server.AdvanceTime(TimeSpan.FromMinutes(3));
            await using var viaPsc = await again.OpenMailboxAsync(organisational.Address);
            Say($"Three minutes later the 2-minute access token was refreshed and « {viaPsc.Mailbox.DisplayName} » opened (state {again.State}).");
            await again.SignOutAsync();
        }
        Say($"Pro Santé Connect logout: {pscSession.SignOut().GetLeftPart(UriPartial.Path)}.");
        output.WriteLine();
        output.WriteLine("Journey complete.");
        return true;
    }

    /// <summary>A tiny valid PDF, so the attachment is a real document.</summary>
    private static byte[] SamplePdf() => System.Text.Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
}
