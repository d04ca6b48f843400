using Esante.MsSante.Tests.Contract;

namespace Esante.MsSante.Tests.Messages;

/// <summary>ECO.2.1.6: the PDF beside an XDM archive is named « date_type_NOM_prénom_dossier.pdf »; a caller is warned otherwise.</summary>
public sealed class DocumentPdfNameTests : IAsyncLifetime
{
    private readonly FakeOperatorHarness _harness = new();
    private Esante.MsSante.IMailboxClient _box = null!;
    private MssanteAddress _bob = null!;

    public async Task InitializeAsync()
    {
        var alice = _harness.Server.CreateAccount("alice.martin", "Motdepasse-1");
        _bob = _harness.Server.CreateAccount("bob.durand", "Motdepasse-1").Address;
        _box = await (await _harness.SignInAsync(alice, "Motdepasse-1")).OpenMailboxAsync(alice.Address);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public void The_name_gives_date_type_family_name_in_capitals_given_name_and_record_in_safe_characters()
    {
        Assert.Equal("20220531_CR_d_imagerie_medicale_LE_GOFF-MARTIN_Helene_D_2022_17.pdf",
            DocumentPdfName.Create(new DateOnly(2022, 5, 31), "CR d'imagerie médicale", "Le Goff-Martin", "Hélène", "D/2022/17"));
        Assert.Equal("20220531_CR_MARTIN_Claire.pdf", DocumentPdfName.Create(new DateOnly(2022, 5, 31), "CR", "Martin", "Claire"));
        Assert.Throws<ArgumentException>(() => DocumentPdfName.Create(new DateOnly(2022, 5, 31), "'''", "Martin", "Claire"));
    }

    [Theory]
    [InlineData("20220531_CR_d_imagerie_medicale_CORSE_FIGATELLIX.pdf", true)]
    [InlineData("20220531_CR_MARTIN_Claire_123456.pdf", true)]
    [InlineData("cr.pdf", false)]
    [InlineData("20221331_CR_MARTIN_Claire.pdf", false)]
    [InlineData("20220531_CR_MARTIN.pdf", false)]
    [InlineData("20220531_CR__MARTIN_Claire.pdf", false)]
    [InlineData("20220531_CR d'imagerie_MARTIN_Claire.pdf", false)]
    [InlineData("20220531_CR_MARTIN_Claire.txt", false)]
    public void A_name_follows_the_convention_or_not(string name, bool follows) => Assert.Equal(follows, DocumentPdfName.Follows(name));

    [Fact]
    public async Task A_PDF_beside_an_XDM_archive_named_otherwise_is_sent_with_a_warning_the_caller_sees()
    {
        var message = Message("compte-rendu.pdf", "20260312_CR_DURAND_Paul.pdf", DocumentPdfName.Create(new DateOnly(2026, 3, 12), "CR", "Martin", "Claire", "42"));

        var result = await _box.SendAsync(message);

        Assert.Equal(2, result.Warnings.Count);
        Assert.All(result.Warnings, w => Assert.Equal(PolicyViolationCodes.PdfNameNotConventional, w.Code));
        Assert.Equal(["attachment 1", "attachment 2"], result.Warnings.Select(w => w.Target));
        Assert.All(result.Warnings, w => Assert.DoesNotContain("MARTIN", w.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.Contains(_harness.Server.Deliveries, d => d.Message.MessageId == result.MessageId && d.Mailbox == _bob.Value);
    }

    [Fact]
    public async Task Well_named_PDFs_or_PDFs_without_an_XDM_archive_bring_no_warning()
    {
        var named = Message(DocumentPdfName.Create(new DateOnly(2026, 3, 12), "CR de consultation", "Martin", "Claire", "42"));
        Assert.Empty((await _box.SendAsync(named)).Warnings);

        var plain = Message("cr.pdf");
        plain.Xdm = null;
        Assert.Empty(DocumentPdfName.Check(plain));
        Assert.Empty((await _box.SendAsync(plain)).Warnings);
    }

    private OutgoingMessage Message(params string[] pdfNames)
    {
        var package = XdmTests.Package();
        var message = new OutgoingMessage { Subject = package.Subject("CR de consultation"), TextBody = "Bonjour", Xdm = package };
        message.To.Add(_bob);
        foreach (var name in pdfNames)
        {
            message.Attachments.Add(OutgoingAttachment.FromBytes(name, XdmTests.Pdf, "application/pdf"));
        }
        return message;
    }
}
