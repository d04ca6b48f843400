using System;
using System.Threading.Tasks;
using Esante.MsSante;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Samples.Readme;

public static class RealOperator
{
    public static async Task RunAsync(string password)
    {
        // Register the SDK once, with your X-MSS-NIL reference and your operator's servers.
        var services = new ServiceCollection();
        services.AddMssante(options => options.ProductReference = "DEV935997")
                .AddImapOperator(options =>
                {
                    options.ImapHost = "imap.operateur.mssante.fr";   // STARTTLS on 143; ImplicitTls for 993
                    options.SmtpHost = "smtp.operateur.mssante.fr";   // submission, STARTTLS on 587
                });
        await using var provider = services.BuildServiceProvider();

        // A session is one person's: sign in, open a mailbox, dispose at the end (which signs out).
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInAsync("prenom.nom@chu-nantes.mssante.fr", password);

        var mailboxes = await session.ListMailboxesAsync();       // the person's own, and the organisational ones
        await using var mailbox = await session.OpenMailboxAsync(mailboxes[0].Address);

        var letter = new OutgoingMessage { Subject = "Courrier de sortie", TextBody = "Bonjour," };
        letter.To.Add(new Recipient("adeline.goudal@chu-nantes.mssante.fr", "Adeline Goudal"));
        letter.Attachments.Add(OutgoingAttachment.FromFile("courrier.pdf", "application/pdf"));
        await mailbox.SendAsync(letter);                          // every rule checked first; a refusal sends nothing

        await foreach (var message in mailbox.Messages.ListAsync())   // the inbox, oldest first
        {
            Console.WriteLine($"{message.Date:d} {message.DisplaySubject}");
        }
    }
}
