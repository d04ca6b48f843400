using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Esante.MsSante.Tests.Fuzzing;

/// <summary>
/// Properties of readers over generated valid inputs (FsCheck): what is written or listed is read back whole. The fuzzing
/// suite checks that bad input is refused properly; these check that good input is not misread.
/// </summary>
public sealed class ReaderPropertyTests
{
    private static readonly Gen<string> Label =
        Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789".ToCharArray()), n), (_, chars) => new string(chars));

    private static readonly Gen<string> DomainName =
        Gen.Choose(2, 4).SelectMany(n => Gen.ArrayOf(Label, n), (_, labels) => string.Join('.', labels));

    /// <summary>Domains grouped any way into Domaine elements, with the whitespace, comments and foreign elements a real file may hold.</summary>
    private static readonly Gen<(string[] Domains, string Xml)> Whitelists =
        Gen.NonEmptyListOf(Gen.NonEmptyListOf(DomainName).SelectMany(_ => Gen.Elements("", " ", "\n  ", "<!-- x -->", "<Commentaire>y</Commentaire>"), (names, filler) => (names, filler)))
            .Select(groups => (
                groups.SelectMany(g => g.names).ToArray(),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListeBlanche xmlns=\"https://listeblanche.mssante.fr/schema\">" +
                string.Concat(groups.Select(g => "<Domaine>" + g.filler + string.Join(g.filler, g.names.Select(n => $"<Nom>{n}</Nom>")) + "</Domaine>" + g.filler)) +
                "</ListeBlanche>"));

    [Property(MaxTest = 300)]
    public Property Every_whitelisted_domain_is_read_back() =>
        Prop.ForAll(Whitelists.ToArbitrary(), whitelist =>
        {
            var list = TrustSpace.ParseWhitelistAsync(new MemoryStream(Encoding.UTF8.GetBytes(whitelist.Xml))).GetAwaiter().GetResult();
            return list.WhitelistedDomains.Order(StringComparer.Ordinal).SequenceEqual(whitelist.Domains.Distinct().Order(StringComparer.Ordinal));
        });

    private static readonly Gen<string?> Text =
        Gen.Frequency(
            (1, Gen.Constant<string?>(null)),
            (4, Gen.ArrayOf(Gen.Elements("aZ09 éÀ,;:\\\"'.-\n\t«»^@".ToCharArray())).Select(cs => (string?)new string(cs).Trim())));

    [Property(MaxTest = 300)]
    public Property A_contact_written_as_a_vCard_is_read_back() =>
        Prop.ForAll(Text.SelectMany(_ => Text, (name, email) => (name, email)).SelectMany(_ => Text, (ne, note) => (ne.name, ne.email, note)).ToArbitrary(), c =>
        {
            var fullName = string.IsNullOrWhiteSpace(c.name) ? "X" : c.name.Replace("\n", " ", StringComparison.Ordinal).Replace("\t", " ", StringComparison.Ordinal);
            var contact = new Contact(fullName) { Email = NullIfEmpty(c.email?.Replace("\n", string.Empty, StringComparison.Ordinal)), Note = NullIfEmpty(c.note) };
            var read = VCard.Read(VCard.Write(contact));
            return read.FullName == contact.FullName && read.Email == contact.Email && read.Note == contact.Note;
        });

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
