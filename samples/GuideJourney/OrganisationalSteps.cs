using Esante.MsSante.Operators;
using MimeKit;

namespace Esante.MsSante.Samples.GuideJourney;

/// <summary>
/// The guide's steps on an organisational mailbox, opened by a delegate, with nothing but the SDK's public services: so they
/// run the same against the fake operator (<see cref="Journey"/>) and a real one. A real operator delivers asynchronously:
/// what arrives is waited for.
/// </summary>
public static class OrganisationalSteps
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>A patient writes from Mon Espace Santé: the operator files the message in « Échanges Patients ».</summary>
    /// <param name="mailbox">The organisational mailbox, opened by a delegate.</param>
    /// <param name="patient">The patient's address (<c>…@patient.mssante.fr</c>).</param>
    /// <param name="deliverFromOutside">Hands a message to the operator as if it came from another operator.</param>
    /// <param name="say">Writes a line of the journey.</param>
    /// <returns>The folder the message was filed in.</returns>
    public static async Task<MailboxFolder> PatientWritesAsync(IMailboxClient mailbox, MssanteAddress patient, Func<MimeMessage, Task> deliverFromOutside, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(deliverFromOutside);
        ArgumentNullException.ThrowIfNull(say);
        var question = new MimeMessage();
        question.From.Add(new MailboxAddress(string.Empty, patient.Value));
        question.To.Add(new MailboxAddress(string.Empty, mailbox.Mailbox.Address.Value));
        question.Subject = "Question sur mon traitement";
        question.Body = new TextPart("plain") { Text = "Bonjour docteur…" };
        await deliverFromOutside(question);
        var (patientFolder, summary) = await ArrivedAsync(mailbox, FolderRole.PatientExchanges, m => m.Subject == question.Subject);
        say($"« {patientFolder.Name} » holds a message from {summary.From} (MSSanté: {(summary.IsMssante ? "yes" : "no")}, unread: {(summary.IsRead ? "no" : "yes")}).");
        var inbox = await mailbox.Messages.ListAsync().ToListAsync();
        var fromPatients = inbox.Count(m => m.From?.Address.EndsWith("@" + MssanteAddress.PatientDomain, StringComparison.OrdinalIgnoreCase) == true);
        say($"The inbox holds {inbox.Count} message(s), {fromPatients} of them from a patient: the patient's message was filed apart.");
        return patientFolder;
    }

    /// <summary>« Capacité de stockage »: the storage the structure's mailbox uses.</summary>
    public static async Task StorageUsedAsync(IMailboxClient mailbox, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(say);
        say((await mailbox.GetQuotaAsync()).ToString());
    }

    /// <summary>« Hors du bureau » on the structure's mailbox: a correspondent is answered under the structure's address.</summary>
    /// <param name="mailbox">The organisational mailbox, opened by a delegate.</param>
    /// <param name="correspondent">Another person's mailbox, which writes to the structure.</param>
    /// <param name="say">Writes a line of the journey.</param>
    public static async Task OutOfOfficeAsync(IMailboxClient mailbox, IMailboxClient correspondent, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(correspondent);
        ArgumentNullException.ThrowIfNull(say);
        await mailbox.Settings.SetRulesAsync(new MailboxRules { AutoReply = new AutoReply("Secrétariat fermé", "Le secrétariat est fermé jusqu'au 4 janvier. En cas d'urgence, appelez le standard.") });
        var letter = new OutgoingMessage { Subject = "Demande de rendez-vous", TextBody = "Bonjour, pourriez-vous me proposer un rendez-vous ?" };
        letter.To.Add(new Recipient(mailbox.Mailbox.Address.Value));
        await correspondent.SendAsync(letter);
        var (_, reply) = await ArrivedAsync(correspondent, FolderRole.Inbox, m => m.Subject == "Secrétariat fermé");
        say($"The structure's out-of-office reply « {reply.Subject} » answered from {reply.From?.Address}.");
        await mailbox.Settings.SetRulesAsync(MailboxRules.None);
    }

    /// <summary>Waits for a message in the folder of a role (which a real operator may create as it files the message).</summary>
    private static async Task<(MailboxFolder Folder, MessageInfo Summary)> ArrivedAsync(IMailboxClient mailbox, FolderRole role, Func<MessageInfo, bool> match)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                var folder = await mailbox.Folders.GetAsync(role);
                if (await mailbox.Messages.ListAsync(folder.Path).FirstOrDefaultAsync(match) is { } summary)
                {
                    return (folder, summary);
                }
            }
            catch (MssanteFolderNotFoundException) when (DateTime.UtcNow < deadline)
            {
                // Not created yet.
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Nothing arrived in the {role} folder within {Patience.TotalSeconds} s.");
            }
            await Task.Delay(100);
        }
    }
}
