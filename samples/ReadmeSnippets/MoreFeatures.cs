using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Esante.MsSante;
using Esante.MsSante.Directory;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Xdm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Esante.MsSante.Samples.Readme;

public static class MoreFeatures
{
    public static void Configure(IServiceCollection services, IConfiguration configuration, X509Certificate2[] igcSanteRoots)
    {
        // From appsettings.json: { "Mssante": { "ProductReference": "DEV935997" }, "Operator": { "ImapHost": "…", "SmtpHost": "…" } }
        services.AddMssante(configuration.GetSection("Mssante"))
                .AddImapOperator(configuration.GetSection("Operator"), o => o.TrustedCertificateAuthorities.AddRange(igcSanteRoots));

        // Several establishments (or operators) in one container: each registration is keyed by its name.
        services.AddMssante("chu-angers", o => o.ProductReference = "DEV935997")
                .AddImapOperator(o => o.AutoconfigureDomain = "chu-angers.mssante.fr");   // servers from DNS SRV records
        // then: [FromKeyedServices("chu-angers")] IMssanteSessionFactory sessions

        // The national directory and Pro Santé Connect go through IHttpClientFactory: add a proxy or resilience there.
        services.AddMssanteDirectory(o => o.Fhir = new AnnuaireSanteFhirOptions { ApiKey = "…" });
        services.AddMssanteProSanteConnect(configuration.GetSection("ProSanteConnect"));
    }

    public static async Task DirectoryAtStartUpAsync(IServiceCollection services, string extractionPath, string newExtractionPath, ILogger logger)
    {
        // With DI: loaded in the background at start, from the snapshot when fresh (UseSnapshot, on by default).
        services.AddMssanteDirectory(o => o.ExtractionFilePath = "/data/Extraction_Correspondance_MSSante.zip");

        // Without DI: the snapshot when fresh, else the extraction, then the snapshot written for the next start.
        var index = await ExtractionDirectoryIndex.LoadWithSnapshotAsync(extractionPath, new ExtractionSnapshotOptions { Logger = logger });
        var directory = new ReloadableDirectory(index);

        // The daily refresh: loaded and indexed off the caller's thread, swapped in when ready, its snapshot written.
        await directory.ReloadExtractionAsync(newExtractionPath, new ExtractionSnapshotOptions());
    }

    public static async Task SignInAsync(IMssanteSession session, ProSanteConnectClient pscClient, ProSanteConnectAuthorization authorization,
        Uri callbackUri, X509Certificate2 appCertificate)
    {
        // Pro Santé Connect (CPS card or e-CPS): redirect the browser to authorization.AuthorizationUri, then on the callback:
        var psc = await pscClient.CompleteSignInAsync(authorization, callbackUri);       // ID token checked: JWKS, iss, aud, nonce, acr
        await session.SignInWithTokenAsync("prenom.nom@chu-nantes.mssante.fr", psc.GetAccessTokenAsync);  // refreshed before expiry

        // An applicative mailbox signs in with its certificate (SASL EXTERNAL).
        await session.SignInWithCertificateAsync(appCertificate);
    }

    public static async Task<DirectoryPage> SearchAsync(IDirectorySearch directory) =>
        await directory.SearchAsync(new DirectoryQuery { City = "Nantes", Organization = "CHU", Text = "gou ade" });

    public static async Task SendDocumentAsync(IMailboxClient mailbox, OutgoingMessage letter, QualifiedIns patient, XdmAuthor author,
        XdmCode context, XdmDocument cda)
    {
        letter.Xdm = new XdmPackage { Patient = patient, Author = author, SourceId = "1.2.250.1.213.1.1.9", ContentTypeCode = context };
        letter.Xdm.Documents.Add(cda);
        letter.Subject = letter.Xdm.Subject("Compte rendu de consultation");   // XDM/1.0/DDM+… NOM Prénom jj/mm/aaaa
        letter.RequestReadReceipt = true;                                        // IHE_XDM.zip, X-MSS-CODECDA, X-MSS-INS added
        await mailbox.SendAsync(letter);
    }

    public static async Task SendNightAsync(IMailboxClient mailbox, IEnumerable<OutgoingMessage> nightResults, MessageRef received)
    {
        // A laboratory's night of results: several at once, each to all its recipients or to none, each outcome reported.
        var report = await mailbox.SendBatchAsync(nightResults, new BatchSendOptions
        {
            OutcomeReported = outcome => Console.WriteLine($"{outcome.Index}: {outcome.Status} {outcome.Result?.MessageId}"),
        });
        Console.WriteLine($"{report.Sent} sent, {report.Refused} refused, {report.NotSent} to send again, {report.Uncertain} to check");

        // Big files stream: attached from the file, read back to a stream, neither held whole in memory more than once.
        var scan = new OutgoingMessage { Subject = "Imagerie", Attachments = { OutgoingAttachment.FromFile("/data/irm-0042.pdf", "application/pdf") } };
        var message = await mailbox.Messages.ReadAsync(received);
        await using var file = File.Create("/data/recu.pdf");
        await message.Attachments[0].CopyToAsync(file);
    }
}
