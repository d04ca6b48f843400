
namespace Esante.MsSante.Tests.Contacts;

public class VCardTests
{
    [Fact]
    public void A_contact_is_written_as_vcard_4_with_escaped_text_and_folded_lines_and_read_back()
    {
        var contact = new Contact("Dr Adeline GOUDAL")
        {
            Email = "adeline.goudal@chu-nantes.mssante.fr",
            Organisation = "CHU de Nantes; site, Hôtel-Dieu",
            Note = string.Concat(Enumerable.Repeat("Préfère les comptes rendus en PDF. ", 5)) + "\nFin\\",
        };

        var card = VCard.Write(contact);

        Assert.StartsWith("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Dr Adeline GOUDAL\r\n", card, StringComparison.Ordinal);
        Assert.Contains("ORG:CHU de Nantes\\; site\\, Hôtel-Dieu\r\n", card, StringComparison.Ordinal);
        Assert.All(card.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        Assert.EndsWith("END:VCARD\r\n", card, StringComparison.Ordinal);
        Assert.Equal(contact, VCard.Read(card));
    }

    [Fact]
    public void A_vcard_from_another_program_is_read_for_what_the_sdk_knows()
    {
        var card = "BEGIN:VCARD\nVERSION:3.0\nitem1.EMAIL;TYPE=INTERNET,\"pref\":jean@chu.mssante.fr\nFN:Jean\n  MARTIN\nX-UNKNOWN:x\nEND:VCARD\n";
        var contact = VCard.Read(card);
        Assert.Equal("Jean MARTIN", contact.FullName);
        Assert.Equal("jean@chu.mssante.fr", contact.Email);
    }

    [Theory]
    [InlineData("")]
    [InlineData("BEGIN:VCARD\r\nEMAIL:a@b.fr\r\nEND:VCARD\r\n")]
    [InlineData("FN:Sans BEGIN\r\n")]
    public void Text_that_is_not_a_named_vcard_is_refused(string text) => Assert.Throws<FormatException>(() => VCard.Read(text));
}
