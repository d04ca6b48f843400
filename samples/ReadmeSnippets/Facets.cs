using System;
using System.IO;
using System.Threading.Tasks;
using Esante.MsSante;

namespace Esante.MsSante.Samples.Readme;

public static class Facets
{
    public static async Task RunAsync(IMailboxClient mailbox, MessageInfo summary, MssanteAddress colleague, OutgoingMessage letter)
    {
        // Type `mailbox.` : Folders, Messages, Drafts, Tags, Contacts, Settings, and what the operator offers.
        var received = await mailbox.Messages.ReadAsync(summary.Ref);
        await mailbox.Messages.MarkAsReadAsync(summary.Ref);
        await mailbox.Messages.SendReadReceiptAsync(summary.Ref, ReadReceipt.Processed);

        var draft = await mailbox.Drafts.SaveAsync(letter);      // « Enregistrer le brouillon »
        await mailbox.Drafts.SendAsync(draft);                    // sent, then removed from Drafts

        await mailbox.Folders.CreateAsync("Archives");
        await mailbox.Folders.SetRetentionAsync("Archives", RetentionPeriod.Months(6));
        await mailbox.Folders.EmptyTrashAsync();                  // « Vider la corbeille »
        await mailbox.Tags.CreateAsync("Urgent labo", "#D93025");
        await mailbox.Messages.TagAsync(summary.Ref, "Urgent labo");

        if (mailbox.Capabilities.HasFlag(MailboxCapabilities.Rules))      // Sieve over ManageSieve at a real operator
        {
            await mailbox.Settings.SetRulesAsync(new MailboxRules { AutoReply = new AutoReply("Absence", "De retour le 4 janvier.") });
        }
        if (mailbox.Capabilities.HasFlag(MailboxCapabilities.Sharing))
        {
            await mailbox.Folders.ShareAsync("Archives", colleague, ShareRole.Viewer, sendNotice: true);
        }
        if (mailbox.Capabilities.HasFlag(MailboxCapabilities.Quota))
        {
            var quota = await mailbox.GetQuotaAsync();
            Console.WriteLine($"{quota.UsedBytes} / {quota.LimitBytes}");
        }
        await using var file = File.Create("archives.mbox");
        await mailbox.Folders.ExportAsync("Archives", file);
        Console.WriteLine(received.TextBody);
    }
}
