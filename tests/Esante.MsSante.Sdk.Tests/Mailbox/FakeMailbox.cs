using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using MimeKit;

namespace Esante.MsSante.Tests.Mailbox;

/// <summary>A fake operator with one doctor whose inbox holds « Message 0 » … « Message n-1 », for tests below the session.</summary>
internal sealed class FakeMailbox
{
    private const string Password = "Motdepasse-1";

    public FakeMailbox(int messageCount)
    {
        Doctor = Server.CreateAccount("claire.roux", Password);
        for (var i = 0; i < messageCount; i++)
        {
            var letter = new MimeMessage();
            letter.From.Add(MailboxAddress.Parse("jean.dupont@chu-angers.mssante.fr"));
            letter.To.Add(MailboxAddress.Parse(Doctor.Address.Value));
            letter.Subject = $"Message {i}";
            letter.Body = new TextPart("plain") { Text = "Bonjour" };
            Server.DeliverFromOutside(letter);
        }
    }

    public FakeMssanteOperator Server { get; } = new();

    public FakeAccount Doctor { get; }

    /// <summary>Signs the doctor in (one-time code included) and opens the operator's mailbox; each call is a new connection.</summary>
    public async Task<IOperatorMailbox> OpenAsync()
    {
        var step = await Server.SignInAsync(Doctor.UserName, Password);
        var grant = step.Grant ?? await Server.CompleteSecondFactorAsync(step.Challenge!, Server.LastCodeSentTo(Doctor.OtpEmail!));
        return await Server.OpenMailboxAsync(grant, Doctor.Address);
    }
}
