using Esante.MsSante.MailStackSupport;
using Esante.MsSante.Samples.GuideJourney;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>The sample's steps on an organisational mailbox, run against the real operator: the same output as on the fake.</summary>
[Collection(MailStackCollection.Name)]
public sealed class GuideJourneyRealStackTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    [Fact]
    public async Task The_samples_organisational_mailbox_steps_say_the_same_against_the_real_operator()
    {
        var delegated = stack.NewAddress();
        var correspondent = stack.NewAddress();
        stack.AddUser(delegated, Password);
        stack.AddUser(correspondent, Password);
        var org = stack.NewAddress("secretariat-cardio");
        MailStackScripts.RunScript("add-org.sh", stack.Directory, org, "--name", "Secrétariat de cardiologie - CH de Cholet", delegated);
        await using var session = MailStack.Session(stack.Options());
        await session.SignInAsync(delegated, Password);
        var listed = Assert.Single(await session.ListMailboxesAsync(), m => m.Address.Value == org);
        await using var mailbox = await session.OpenMailboxAsync(listed.Address);
        await using var hers = await MailStack.OpenAsync(stack.Options(), correspondent, Password);
        var lines = new List<string>();

        var patient = new QualifiedIns(InsMatricule.Parse("279035121518989"), InsOid.Nir, "MARTIN", "Claire", new DateOnly(1979, 3, 12), AdministrativeSex.Female);
        var folder = await OrganisationalSteps.PatientWritesAsync(mailbox, patient.ToPatientAddress(), FromAnotherOperatorAsync, lines.Add);
        await OrganisationalSteps.StorageUsedAsync(mailbox, lines.Add);
        await OrganisationalSteps.OutOfOfficeAsync(mailbox, hers, lines.Add);

        // The lines the fake journey prints (GuideJourneyTests), the structure's address aside.
        Assert.Equal("Secrétariat de cardiologie - CH de Cholet", listed.DisplayName);
        Assert.Equal("Échanges Patients", folder.Name);
        Assert.Equal("« Échanges Patients » holds a message from REDACTED@patient.mssante.fr (MSSanté: yes, unread: yes).", lines[0]);
        Assert.Equal("The inbox holds 0 message(s), 0 of them from a patient: the patient's message was filed apart.", lines[1]);
        Assert.Matches(@"^[0-9.]+ [KM]?B of 500\.0 MB used \([0-9.]+%\)$", lines[2]);
        Assert.Equal($"The structure's out-of-office reply « Secrétariat fermé » answered from {org}.", lines[3]);
        Assert.DoesNotContain(lines, l => l.Contains("279035121518989", StringComparison.Ordinal));
    }

    /// <summary>As mail from another operator arrives: SMTP to the operator's MX, no sign-in.</summary>
    private async Task FromAnotherOperatorAsync(MimeKit.MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", stack.Port("SMTP_PLAIN_PORT"), SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }
}
