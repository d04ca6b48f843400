
namespace Esante.MsSante.Tests.Addressing;

public class InsMatriculeTests
{
    [Theory]
    [InlineData("279035121518989")]
    [InlineData("185057512345673")]
    public void Accepts_a_matricule_whose_key_is_97_minus_the_body_mod_97(string value)
    {
        var ins = InsMatricule.Parse(value);
        Assert.Equal(value, ins.Value);
        Assert.Equal(97 - (long.Parse(value[..13], System.Globalization.CultureInfo.InvariantCulture) % 97), ins.Key);
        Assert.False(ins.IsBornInCorsica);
    }

    [Theory]
    [InlineData("288012A00412386", 86)]
    [InlineData("192072B04513285", 85)]
    [InlineData("288012a00412386", 86)]
    public void Corsica_2A_and_2B_count_as_19_and_18(string value, int key)
    {
        var ins = InsMatricule.Parse(value);
        Assert.True(ins.IsBornInCorsica);
        Assert.Equal(key, ins.Key);
        Assert.Equal(value.ToUpperInvariant(), ins.Value);
        Assert.Equal(key, InsMatricule.ComputeKey(value[..13].ToUpperInvariant()));
    }

    [Theory]
    [InlineData("279035121518988", "does not match")]
    [InlineData("288012A00412387", "does not match")]
    [InlineData("288012B00412386", "does not match")]
    [InlineData("27903512151898", "15 characters")]
    [InlineData("2790351215189890", "15 characters")]
    [InlineData("27903512X518989", "position 9")]
    [InlineData("079035121518989", "first character")]
    [InlineData("2790312A1518989", "position 8")]
    [InlineData("2790351215189AB", "two digits")]
    [InlineData("", "empty")]
    public void Refuses_wrong_matricules_and_never_repeats_them(string value, string reason)
    {
        Assert.False(InsMatricule.TryParse(value, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        if (value.Length > 4)
        {
            Assert.DoesNotContain(value[..^2], error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_qualified_INS_builds_the_patient_address_and_hides_its_traits()
    {
        var ins = new QualifiedIns(InsMatricule.Parse("279035121518989"), InsOid.Nir, "MARTIN", "Claire", new DateOnly(1979, 3, 12), AdministrativeSex.Female);
        Assert.Equal("279035121518989@patient.mssante.fr", ins.ToPatientAddress().Value);
        Assert.DoesNotContain("MARTIN", ins.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_qualified_INS_refuses_an_unknown_OID_a_sex_mismatch_and_line_breaks()
    {
        var matricule = InsMatricule.Parse("279035121518989");
        Assert.Throws<ArgumentException>(() => new QualifiedIns(matricule, "1.2.3", "MARTIN", "Claire", default, AdministrativeSex.Female));
        Assert.Throws<ArgumentException>(() => new QualifiedIns(matricule, InsOid.Nir, "MARTIN", "Claire", default, AdministrativeSex.Male));
        Assert.Throws<ArgumentException>(() => new QualifiedIns(matricule, InsOid.Nia, "MARTIN\r\nX", "Claire", default, AdministrativeSex.Female));
    }
}
