
namespace Esante.MsSante.Tests.Addressing;

public class MssanteAddressTests
{
    [Theory]
    [InlineData("adeline.goudal@chu-nantes.mssante.fr")]
    [InlineData("secretariat-cardio@esantepdl.mssante.fr")]
    [InlineData("o'brien+tag@hopital.mssante.fr")]
    [InlineData("279035121518989@patient.mssante.fr")]
    public void Parses_valid_MSSante_addresses(string text)
    {
        var address = MssanteAddress.Parse(text);
        Assert.Equal(text, address.Value);
    }

    [Fact]
    public void Domain_is_case_insensitive_and_stored_in_lower_case()
    {
        var address = MssanteAddress.Parse("Adeline.Goudal@CHU-Nantes.MSSante.FR");
        Assert.Equal("chu-nantes.mssante.fr", address.Domain);
        Assert.Equal(MssanteAddress.Parse("adeline.goudal@chu-nantes.mssante.fr"), address);
        Assert.Equal(MssanteAddress.Parse("adeline.goudal@chu-nantes.mssante.fr").GetHashCode(), address.GetHashCode());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("no-at-sign.mssante.fr", "exactly one '@'")]
    [InlineData("a@b@hopital.mssante.fr", "exactly one '@'")]
    [InlineData("@hopital.mssante.fr", "nothing before '@'")]
    [InlineData(".dot@hopital.mssante.fr", "'.'")]
    [InlineData("two..dots@hopital.mssante.fr", "'.'")]
    [InlineData("with space@hopital.mssante.fr", "not allowed")]
    [InlineData("\"quoted\"@hopital.mssante.fr", "not allowed")]
    [InlineData("Jean Dupont <jean.dupont@hopital.mssante.fr>", "without a display name")]
    [InlineData("a,b@hopital.mssante.fr", "not allowed")]
    [InlineData("jean@-bad.mssante.fr", "not a valid host name")]
    [InlineData("jean@hopital..mssante.fr", "not a valid host name")]
    [InlineData("jean@localhost", "two labels")]
    [InlineData("jean@hop_ital.mssante.fr", "not a valid host name")]
    public void Refuses_malformed_addresses_and_says_why(string text, string reason)
    {
        Assert.False(MssanteAddress.TryParse(text, TrustedDomainList.Default, out _, out var error));
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
        var thrown = Assert.Throws<FormatException>(() => MssanteAddress.Parse(text));
        Assert.Equal(error, thrown.Message);
    }

    [Theory]
    [InlineData("jean.dupont@hopital.mssante.fr\r\nBcc: victim@hopital.mssante.fr")]
    [InlineData("jean.dupont@hopital.mssante.fr\n")]
    [InlineData("jean\r.dupont@hopital.mssante.fr")]
    public void Refuses_line_breaks_anywhere(string text)
    {
        Assert.False(MssanteAddress.TryParse(text, TrustedDomainList.Default, out _, out var error));
        Assert.Contains("line break", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("je\u0000an@hopital.mssante.fr", 3)]
    [InlineData("jean\u007f@hopital.mssante.fr", 5)]
    [InlineData("jean@hopital\u0085.mssante.fr", 13)] // NEL, a C1 control
    [InlineData("j\u009bean@hopital.mssante.fr\t", 2)] // the first of a C1 and a C0 control
    public void Refuses_control_characters_and_says_where(string text, int position)
    {
        Assert.False(MssanteAddress.TryParse(text, TrustedDomainList.Default, out _, out var error));
        Assert.Equal($"The address contains a control character at position {position}.", error);
    }

    [Theory]
    [InlineData("jean.dupont@hopital.mssante.fr", "jean.dupont@hopital.mssante.fr")]
    [InlineData("Jean.Dupont@Hopital.MSSante.fr", "Jean.Dupont@hopital.mssante.fr")]
    [InlineData("o'brien+cardio@hopital.mssante.fr", "o'brien+cardio@hopital.mssante.fr")]
    public void The_value_is_the_local_part_as_written_and_the_normalised_domain(string text, string value)
    {
        var address = MssanteAddress.Parse(text);
        Assert.Equal(value, address.Value);
        Assert.Equal(value, address.LocalPart + "@" + address.Domain);
    }

    [Theory]
    [InlineData("jean dupont@hopital.mssante.fr", 5)]
    [InlineData("jéan@hopital.mssante.fr", 2)]
    [InlineData("jean,paul@hopital.mssante.fr", 5)]
    public void Refuses_characters_outside_the_dot_atom_and_says_where(string text, int position)
    {
        Assert.False(MssanteAddress.TryParse(text, TrustedDomainList.Default, out _, out var error));
        Assert.Contains($"position {position}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jean.dupont@gmail.com")]
    [InlineData("jean.dupont@mssante.fr")]
    [InlineData("jean.dupont@mssante.fr.evil.com")]
    [InlineData("jean.dupont@notmssante.fr")]
    public void Refuses_domains_outside_the_trust_space(string text)
    {
        Assert.False(MssanteAddress.TryParse(text, TrustedDomainList.Default, out _, out var error));
        Assert.Contains("outside the MSSanté trust space", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Whitelisted_domains_join_the_trust_space_including_unicode_names()
    {
        var trust = new TrustedDomainList(["hopital-partenaire.fr", "clinique-é.fr"]);
        Assert.True(MssanteAddress.TryParse("jean@hopital-partenaire.fr", trust, out _, out _));
        Assert.True(MssanteAddress.TryParse("jean@CLINIQUE-É.fr", trust, out var idn, out _));
        Assert.StartsWith("xn--clinique-", idn.Domain, StringComparison.Ordinal);
        Assert.False(MssanteAddress.TryParse("jean@hopital-partenaire.fr", out _));
    }

    [Theory]
    [InlineData("a.b@chu.mssante.fr", "chu.mssante.fr")]
    [InlineData("a.b@CHU.MsSante.FR", "chu.mssante.fr")]
    [InlineData("a.b@centre-hospitalier.mssante.fr", "centre-hospitalier.mssante.fr")]
    [InlineData("a.b@hôpital.mssante.fr", "xn--hpital-ixa.mssante.fr")]
    public void Domains_are_normalised_to_lower_case_ASCII(string text, string domain)
    {
        Assert.Equal(domain, MssanteAddress.Parse(text).Domain);
    }

    [Theory]
    [InlineData("a.b@chu..mssante.fr")]
    [InlineData("a.b@-chu.mssante.fr")]
    [InlineData("a.b@chu-.mssante.fr")]
    [InlineData("a.b@chu_nantes.mssante.fr")]
    [InlineData("a.b@xn--zzzzzzzzzzz-.mssante.fr")] // an A-label that is not punycode
    public void Refuses_domains_that_are_not_host_names(string text)
    {
        Assert.False(MssanteAddress.TryParse(text, TrustedDomainList.Default, out _, out var error));
        Assert.Contains("after '@'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_domain_label_has_at_most_63_characters()
    {
        Assert.True(MssanteAddress.TryParse($"a.b@{new string('c', 63)}.mssante.fr", out _));
        Assert.False(MssanteAddress.TryParse($"a.b@{new string('c', 64)}.mssante.fr", out _));
    }

    [Fact]
    public void A_patient_address_needs_a_valid_INS_and_the_error_never_repeats_it()
    {
        Assert.True(MssanteAddress.Parse("279035121518989@patient.mssante.fr").IsPatient);
        Assert.False(MssanteAddress.TryParse("279035121518988@patient.mssante.fr", TrustedDomainList.Default, out _, out var error));
        Assert.Contains("INS", error, StringComparison.Ordinal);
        Assert.DoesNotContain("27903512151898", error, StringComparison.Ordinal);
        Assert.False(MssanteAddress.TryParse("jean.dupont@patient.mssante.fr", out _));
    }

    [Fact]
    public void Errors_never_echo_the_local_part()
    {
        Assert.False(MssanteAddress.TryParse("secret name@gmail.com", TrustedDomainList.Default, out _, out var error));
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_over_long_addresses()
    {
        Assert.False(MssanteAddress.TryParse(new string('a', 65) + "@hopital.mssante.fr", out _));
        Assert.False(MssanteAddress.TryParse(new string('a', 60) + "@" + string.Join('.', Enumerable.Repeat("abcdefghij", 20)) + ".mssante.fr", out _));
    }

    [Theory]
    [InlineData("adeline.goudal@chu-nantes.mssante.fr", true)]
    [InlineData("o'brien+tag@hopital.mssante.fr", true)]
    [InlineData("contact@hopital-partenaire.fr", true)] // whitelisted
    [InlineData("Jean.Dupont@hopital.mssante.fr", true)] // the local part is kept as given
    [InlineData("279035121518989@patient.mssante.fr", false)]
    [InlineData("123@patient.mssante.fr", false)]
    [InlineData("Jean.Dupont@Hopital.MSSante.fr", false)]
    [InlineData("a.b@hôpital.mssante.fr", false)]
    [InlineData("a.b@xn--hpital-ixa.mssante.fr", false)]
    [InlineData("a.b@chu--nantes.mssante.fr", false)]
    [InlineData("jean.dupont@gmail.com", false)]
    [InlineData("jean.dupont@mssante.fr", false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("a@b@hopital.mssante.fr", false)]
    [InlineData(".dot@hopital.mssante.fr", false)]
    [InlineData("with space@hopital.mssante.fr", false)]
    [InlineData("Jean Dupont <jean.dupont@hopital.mssante.fr>", false)]
    [InlineData("jean@-bad.mssante.fr", false)]
    [InlineData("jean@hopital..mssante.fr", false)]
    [InlineData("jean@hop_ital.mssante.fr", false)]
    [InlineData("jean.dupont@hopital.mssante.fr\n", false)]
    [InlineData("jean@hopital\u0085.mssante.fr", false)]
    public void The_loaders_allocation_free_check_keeps_only_addresses_TryParse_accepts_as_they_are(string text, bool usual)
    {
        // The directory's loader keeps a row on this check alone, and asks TryParse (for its reason) otherwise.
        var trust = new TrustedDomainList(["hopital-partenaire.fr"]);
        var kept = MssanteAddress.IsProfessionalInNormalForm(text, trust);
        Assert.Equal(usual, kept);
        var parsed = MssanteAddress.TryParse(text, trust, out var address, out _);
        if (kept)
        {
            Assert.True(parsed);
            Assert.False(address!.IsPatient);
            Assert.Equal(text, address.Value);
        }
    }
}
