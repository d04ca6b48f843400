using Esante.MsSante.Operators;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>What Dovecot and Postfix say reaches the caller as the SDK's own exceptions, without health data.</summary>
[Collection(MailStackCollection.Name)]
public sealed class ServerTextRealStackTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    private async Task<Esante.MsSante.IMailboxClient> OpenNewUserAsync()
    {
        var address = stack.NewAddress();
        stack.AddUser(address, Password);
        return await MailStack.OpenAsync(stack.Options(), address, Password);
    }

    [Fact]
    public async Task Postfix_refusing_an_unknown_patient_does_not_put_the_ins_in_the_exception()
    {
        await using var box = await OpenNewUserAsync();
        const string ins = "279035121518989";
        var letter = new OutgoingMessage { Subject = "Résultats", TextBody = "Bonjour." };
        letter.To.Add(MssanteAddress.Parse($"{ins}@patient.mssante.fr"));

        var e = await Assert.ThrowsAsync<RecipientsRejectedException>(() => box.SendAsync(letter));

        // Postfix's reply repeats the address: « 550 5.1.1 <…@patient.mssante.fr>: Recipient address rejected: … ».
        Assert.Contains(ins, Assert.Single(e.Recipients).Reason, StringComparison.Ordinal);
        Assert.Contains("Recipient address rejected", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ins, e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("~privé")]
    [InlineData("too long")]
    public async Task A_folder_name_dovecot_refuses_is_an_argument_error_not_a_raw_imap_exception(string name)
    {
        name = name == "too long" ? new string('a', 300) : name;
        await using var box = await OpenNewUserAsync();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => box.Folders.CreateAsync(name));

        Assert.Contains("refused the folder name", e.Message, StringComparison.Ordinal);
        Assert.Null(e.InnerException);
    }
}
