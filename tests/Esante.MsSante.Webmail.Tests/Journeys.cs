using Esante.MsSante.Samples.Webmail;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Esante.MsSante.Webmail.Tests;

/// <summary>The guide's journeys, clicked through in a real browser against the webmail and its embedded fake operator.</summary>
public sealed class Journeys(WebmailFixture site) : IClassFixture<WebmailFixture>
{
    private DemoOperator Demo => site.Demo;

    [Fact]
    public void First_connection_enrols_an_authenticator_with_its_QR_code_then_signs_in_with_password_and_code_and_opens_the_organisational_mailbox()
    {
        using var browser = new Browser(site);
        var account = Demo.FirstConnection;
        browser.Go("/");
        browser.Find("#psc");
        browser.Shot("01-connexion");
        browser.Click("#premiere-connexion");
        browser.Type("#oubli-utilisateur", account.UserName);
        browser.Type("#oubli-email", account.ContactEmail);
        browser.Click("#valider-oubli");
        browser.Find("#lien-envoye");
        browser.Shot("02-mot-de-passe-oublie");

        // The e-mailed link, as the demonstration's outbox page shows it.
        browser.Click("#lien-courriels");
        browser.Find("a.lien-reinit");
        browser.Shot("03-courriels-de-demonstration");
        browser.Click("a.lien-reinit");
        browser.WaitForPath("/nouveau-mot-de-passe");
        browser.Type("#nouveau-mot-de-passe", "Cholet-Cardio-2025");
        browser.Type("#confirmation", "Cholet-Cardio-2025");
        browser.Click("#canal option[value='AuthenticatorApp']");
        browser.Shot("04-premiere-connexion");
        browser.Click("#valider-mot-de-passe");

        var qr = browser.Find("#qr");
        Assert.True(Convert.ToInt64(browser.Driver.ExecuteScript("return arguments[0].naturalWidth;", qr), System.Globalization.CultureInfo.InvariantCulture) > 100, "the QR code is drawn as an image");
        var secret = browser.Find("#cle-secrete").Text;   // what the app would read from the QR code
        var otp = site.Services.GetRequiredService<IOtpProvider>();
        browser.Shot("05-otp-application-qr-code");
        browser.Type("#code-test", otp.ComputeTotp(secret));
        browser.Click("#tester");
        browser.FindWithText("#info", "enregistrés");

        // Sign in with the new password and the app's next code (each code signs in once).
        Demo.Server.AdvanceTime(TimeSpan.FromSeconds(30));
        browser.Type("#utilisateur", account.UserName);
        browser.Type("#mot-de-passe", "Cholet-Cardio-2025");
        browser.Click("#se-connecter");
        browser.WaitForPath("/code");
        browser.Type("#code", otp.ComputeTotp(secret));
        browser.Shot("06-code-a-usage-unique");
        browser.Click("#valider-code");
        browser.WaitForPath("/boites");
        browser.Find("button[data-kind='Personal']");
        browser.Shot("07-selection-boite");
        browser.Click("button[data-kind='Organisational']");
        browser.WaitForPath("/courrier");
        Assert.Contains(DemoOperator.Organisational, browser.Find(".boite-nom").Text, StringComparison.Ordinal);
        browser.FindWithText("a.ouvrir", "Demande d'avis cardiologique");
        Assert.NotEmpty(browser.Driver.FindElements(By.CssSelector("#messages .badge-mss")));
        browser.Find("#stockage");
        browser.Shot("08-reception");
    }

    [Fact]
    public async Task A_delegate_finds_a_colleague_as_she_types_searches_the_directory_and_sends_a_letter_with_an_attachment()
    {
        using var browser = new Browser(site);
        SignInAsDelegate(browser);
        browser.Click("#nouveau-message");
        browser.Find("#a").SendKeys("gou ade nan");
        browser.FindWithText("button.suggestion", "adeline.goudal@chu-nantes.mssante.fr");
        browser.Shot("10-recherche-a-la-saisie");
        browser.FindWithText("button.suggestion", "adeline.goudal@chu-nantes.mssante.fr").Click();
        Assert.Contains("adeline.goudal@chu-nantes.mssante.fr", browser.Find("#a").GetAttribute("value"), StringComparison.Ordinal);

        browser.Click("#annuaire summary");
        browser.Type("#r-ville", "Nantes");
        browser.Type("#r-structure", "CHU");
        browser.Click("#rechercher");
        var row = browser.FindWithText("#annuaire-resultats td", "adele.alexandre@chu-nantes.mssante.fr");
        browser.Driver.ExecuteScript("document.getElementById('annuaire').scrollIntoView();");
        browser.Shot("11-annuaire");
        browser.Find("#annuaire-resultats tr:has(td) button[data-field='cc']").Click();
        Assert.Contains("@", browser.Find("#cc").GetAttribute("value"), StringComparison.Ordinal);
        browser.Click("#annuaire summary");

        var pdf = Path.Combine(Path.GetTempPath(), $"courrier-{Guid.NewGuid():N}.pdf");
        await File.WriteAllTextAsync(pdf, "%PDF-1.4\n%%EOF\n");
        try
        {
            var subject = "Courrier de sortie " + Guid.NewGuid().ToString("N")[..6];
            browser.Type("#sujet", subject);
            browser.Type("#corps", "Bonjour, veuillez trouver le courrier de sortie ci-joint.");
            browser.Find("#pieces").SendKeys(pdf);
            browser.FindWithText("#total-pj", "sur 15 Mo");
            browser.Shot("12-nouveau-message");
            await SendsToColleagueAsync(browser, subject);
        }
        finally
        {
            File.Delete(pdf);
        }

        // Sign-out ends the web session with the SDK's: the mailbox is no longer reachable.
        browser.Click("#deconnexion");
        browser.Find("#se-connecter");
        browser.Go("/courrier");
        browser.WaitForPath("/");
    }

    [Fact]
    public async Task A_delegate_reads_the_patients_message_in_Echanges_Patients_and_the_XDM_documents_and_sends_a_read_receipt()
    {
        using var browser = new Browser(site);
        SignInAsDelegate(browser);
        browser.Click("a[data-role='PatientExchanges']");
        Assert.Equal("Échanges Patients", browser.Find("#titre-dossier").Text);
        browser.Shot("20-echanges-patients");
        browser.FindWithText("a.ouvrir", "Question sur mon traitement").Click();
        Assert.Contains("traitement", browser.Find("#corps").Text, StringComparison.Ordinal);
        Assert.Contains("@patient.mssante.fr", browser.Find("#de").Text, StringComparison.Ordinal);
        browser.Shot("21-message-patient");

        browser.Go("/courrier");
        browser.FindWithText("a.ouvrir", "Compte rendu de consultation").Click();
        browser.FindWithText("#documents-xdm td", "Compte rendu de consultation");
        Assert.Contains("IHE_XDM.zip", browser.Find("#pieces-jointes").Text, StringComparison.Ordinal);
        browser.Find("#indication-mss");
        browser.Shot("22-message-xdm");
        browser.Click("#envoyer-accuse");
        browser.FindWithText("#info", "Accusé de lecture envoyé");
        await Demo.Server.WaitForMessageAsync(d => d.Mailbox == Demo.Correspondent.Address.Value && d.Message.Body is MimeKit.MultipartReport, TimeSpan.FromSeconds(30));

        // Nothing of the health data the pages showed reached the server's log: no subject, body, patient address or INS.
        Assert.NotEmpty(site.Log.Lines);
        Assert.All(site.Log.Lines, line =>
        {
            foreach (var secret in new[] { "Question sur mon traitement", "traitement pendant", "Compte rendu", "@patient.mssante.fr", DemoOperator.Patient.Matricule.Value, "MARTIN" })
            {
                Assert.DoesNotContain(secret, line, StringComparison.OrdinalIgnoreCase);
            }
        });
    }

    [Fact]
    public async Task A_16_MB_attachment_is_refused_with_a_message_on_the_page_and_the_form_kept()
    {
        using var browser = new Browser(site);
        SignInAsDelegate(browser);
        browser.Click("#nouveau-message");
        var scan = Path.Combine(Path.GetTempPath(), $"irm-{Guid.NewGuid():N}.dcm");
        await using (var file = File.Create(scan))
        {
            file.SetLength(16L * 1024 * 1024);
        }
        try
        {
            var deliveries = Demo.Server.Deliveries.Count;
            browser.Type("#a", Demo.Colleague.Address.Value);
            browser.Type("#sujet", "Imagerie");
            browser.Type("#corps", "Voir pièce jointe.");
            browser.Find("#pieces").SendKeys(scan);
            Assert.Contains("dépassée", browser.Find("#total-pj.depasse").Text, StringComparison.Ordinal);
            browser.Click("#envoyer");
            // Worded from the refusal's numbers (PolicyViolation.Limit and Actual), not from its English message.
            Assert.Contains("16 Mo au total, au-delà de la limite de 15 Mo", browser.FindWithText("#erreur", "15 Mo").Text, StringComparison.Ordinal);
            Assert.Equal("Imagerie", browser.Find("#sujet").GetAttribute("value"));
            Assert.Equal("Voir pièce jointe.", browser.Find("#corps").GetAttribute("value"));
            Assert.Contains(Demo.Colleague.Address.Value, browser.Find("#a").GetAttribute("value"), StringComparison.Ordinal);
            browser.Find("#pj-a-rejoindre");
            browser.Shot("30-refus-16-mo");
            Assert.Equal(deliveries, Demo.Server.Deliveries.Count);
        }
        finally
        {
            File.Delete(scan);
        }
    }

    [Fact]
    public async Task A_delegate_sets_an_out_of_office_reply_in_Preferences_and_a_correspondent_is_answered()
    {
        using var browser = new Browser(site);
        SignInAsDelegate(browser);
        browser.Click("a[href='/preferences']");
        browser.Find("#stockage");
        browser.Find("#absence-active").Click();
        browser.Type("#absence-objet", "Secrétariat fermé");
        browser.Type("#absence-texte", "Le secrétariat est fermé jusqu'au 4 janvier.");
        browser.Click("#enregistrer-absence");
        browser.FindWithText("#info", "Message d'absence activé");
        Assert.True(browser.Find("#absence-active").Selected);
        Assert.Equal("Secrétariat fermé", browser.Find("#absence-objet").GetAttribute("value"));
        browser.Shot("50-preferences-hors-du-bureau");

        var question = new MimeKit.MimeMessage();
        question.From.Add(new MimeKit.MailboxAddress("Marc DURAND", Demo.Correspondent.Address.Value));
        question.To.Add(new MimeKit.MailboxAddress(string.Empty, DemoOperator.Organisational));
        question.Subject = "Demande de rendez-vous";
        question.Body = new MimeKit.TextPart("plain") { Text = "Bonjour, pourriez-vous me proposer un rendez-vous ?" };
        Demo.Server.DeliverFromOutside(question);
        await Demo.Server.WaitForMessageAsync(d => d.Mailbox == Demo.Correspondent.Address.Value && d.Message.Subject == "Secrétariat fermé", TimeSpan.FromSeconds(30));

        browser.Find("#absence-active").Click();
        browser.Click("#enregistrer-absence");
        browser.FindWithText("#info", "désactivé");
    }

    [Fact]
    public void Preferences_organise_the_personal_mailbox_with_a_tag_a_contact_folder_a_shared_folder_and_its_retention()
    {
        using var browser = new Browser(site);
        SignInAsDelegate(browser, "Personal");
        browser.Type("input[name='NewFolder']", "Archives");
        browser.Find("input[name='NewFolder']").Submit();
        browser.FindWithText("#info", "Archives");

        browser.Click("a[href='/preferences']");
        browser.Type("#tag-nom", "Urgent labo");
        browser.Click("#creer-tag");
        browser.FindWithText("#tags .tag", "Urgent labo");

        browser.Type("input[name='ContactFolder']", "Correspondants");
        browser.Find("input[name='ContactFolder']").Submit();
        browser.FindWithText("#contacts h3", "Correspondants");
        browser.Type("input[name='ContactName']", "Adeline GOUDAL");
        browser.Type("input[name='ContactEmail']", Demo.Colleague.Address.Value);
        browser.Find("input[name='ContactName']").Submit();
        browser.FindWithText("#contacts li", "Adeline GOUDAL");

        browser.Click("select[name='ShareFolder'] option[value='Archives']");
        browser.Type("input[name='ShareWith']", Demo.Colleague.Address.Value);
        browser.Click("input[name='ShareRole'][value='Manager']");
        browser.Find("input[name='ShareWith']").Submit();
        browser.FindWithText("#partage li", "Gestionnaire");
        // A contact folder is shared as a folder is (« Partage d'un dossier de contacts »).
        browser.Click("select[name='ShareFolder'] option[value='Contacts/Correspondants']");
        browser.Type("input[name='ShareWith']", Demo.Colleague.Address.Value);
        browser.Click("input[name='ShareRole'][value='Viewer']");
        browser.Find("input[name='ShareWith']").Submit();
        browser.FindWithText("#partage li", "Contacts/Correspondants");

        browser.Click("select[name='RetentionFolder'] option[value='Archives']");
        browser.Type("input[name='RetentionCount']", "6");
        browser.Click("select[name='RetentionUnit'] option[value='Months']");
        browser.Find("input[name='RetentionCount']").Submit();
        browser.FindWithText("#conservation li", "Archives : 6 mois");
        browser.Find("#stockage");
        browser.Driver.ExecuteScript("document.getElementById('conservation').scrollIntoView();");
        browser.Shot("51-preferences-organisation");
    }

    [Fact]
    public async Task A_draft_keeps_its_attachment_and_is_sent_from_Brouillons()
    {
        using var browser = new Browser(site);
        SignInAsDelegate(browser);
        browser.Click("#nouveau-message");
        var subject = "Brouillon " + Guid.NewGuid().ToString("N")[..6];
        var letter = Path.Combine(Path.GetTempPath(), $"lettre-{Guid.NewGuid():N}.pdf");
        await File.WriteAllTextAsync(letter, "%PDF-1.4\n%%EOF\n");
        try
        {
            browser.Type("#a", Demo.Colleague.Address.Value);
            browser.Type("#sujet", subject);
            browser.Type("#corps", "Première version.");
            browser.Find("#pieces").SendKeys(letter);
            browser.Click("#enregistrer-brouillon");
            browser.FindWithText("#info", "Brouillon enregistré");
        }
        finally
        {
            File.Delete(letter);
        }

        browser.Go("/courrier");
        browser.Click("a[data-role='Drafts']");
        browser.FindWithText("a.ouvrir", subject).Click();
        Assert.Equal(subject, browser.Find("#sujet").GetAttribute("value"));
        Assert.Contains("lettre-", browser.FindWithText("form p", "Pièces jointes du brouillon").Text, StringComparison.Ordinal);
        browser.Type("#corps", "Version finale.");
        browser.Shot("13-brouillon");
        var delivered = await SendsToColleagueAsync(browser, subject);
        Assert.Contains("Version finale.", delivered.Message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Pro_Sante_Connect_signs_in_without_a_password_and_the_web_session_ends_when_PSC_ends_the_SDK_session()
    {
        using var browser = new Browser(site);
        browser.Go("/");
        browser.Click("#psc");
        browser.WaitForPath("/demo/psc");
        browser.Shot("40-pro-sante-connect");
        browser.FindWithText("button.psc-compte", Demo.Correspondent.UserName).Click();
        browser.WaitForPath("/psc/retour");
        var address = browser.Find("#psc-adresse");
        if (string.IsNullOrEmpty(address.GetAttribute("value")))
        {
            address.SendKeys(Demo.Correspondent.Address.Value);
        }
        browser.Click("#psc-ouvrir");
        browser.WaitForPath("/boites");
        browser.Click("button[data-kind='Personal']");
        browser.WaitForPath("/courrier");
        Assert.Contains(Demo.Correspondent.Address.Value, browser.Find(".boite-nom").Text, StringComparison.Ordinal);

        // PSC ends its session (the refresh is refused once the access token has expired): the SDK signs out, so does the webmail.
        Demo.Psc.RefuseNextRefresh();
        Demo.Server.AdvanceTime(TimeSpan.FromMinutes(3));
        browser.Go("/boites");
        browser.Click("button[data-kind='Personal']");
        browser.Find("#fin-session");
        browser.Go("/courrier");
        browser.WaitForPath("/");
    }

    /// <summary>« Envoyer », then the colleague receives the letter with its one attachment.</summary>
    private async Task<Esante.MsSante.Testing.FakeDelivery> SendsToColleagueAsync(Browser browser, string subject)
    {
        browser.Click("#envoyer");
        browser.FindWithText("#info", "Message envoyé");
        var delivered = await Demo.Server.WaitForMessageAsync(d => d.Mailbox == Demo.Colleague.Address.Value && d.Message.Subject == subject, TimeSpan.FromSeconds(30));
        Assert.Single(delivered.Message.Attachments);
        return delivered;
    }

    /// <summary>Sophie Lemoine, delegate of the cardiology secretariat: password, the e-mailed code, the organisational mailbox.</summary>
    private void SignInAsDelegate(Browser browser, string mailboxKind = "Organisational")
    {
        browser.Go("/");
        browser.Type("#utilisateur", Demo.Delegate.UserName);
        browser.Type("#mot-de-passe", DemoOperator.DelegatePassword);
        browser.Click("#se-connecter");
        browser.WaitForPath("/code");
        browser.Type("#code", Demo.Server.LastCodeSentTo(Demo.Delegate.OtpEmail!));
        browser.Click("#valider-code");
        browser.WaitForPath("/boites");
        browser.Click($"button[data-kind='{mailboxKind}']");
        browser.WaitForPath("/courrier");
        browser.Find("#messages");
    }
}
