
namespace Esante.MsSante.Tests.Addressing;

public class HealthIdentifierTests
{
    [Theory]
    [InlineData("10103197363")]
    [InlineData("10102293320")]
    [InlineData("10105287808")]
    public void Accepts_RPPS_numbers_of_the_guide_whose_Luhn_digit_is_right(string value)
    {
        var rpps = Rpps.Parse(value);
        Assert.Equal("8" + value, rpps.NationalId);
        Assert.Equal(rpps, Rpps.FromNationalId("8" + value));
    }

    [Theory]
    [InlineData("10103197364", "check digit")]
    [InlineData("10102293321", "check digit")]
    [InlineData("1010319736", "11 characters")]
    [InlineData("1010319736A", "position 11")]
    [InlineData("", "empty")]
    public void Refuses_RPPS_numbers_with_a_bad_Luhn_digit_or_shape(string value, string reason)
    {
        Assert.False(Rpps.TryParse(value, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Converts_ADELI_and_FINESS_to_and_from_national_ids()
    {
        var adeli = Adeli.Parse("441234567");
        Assert.Equal("0441234567", adeli.NationalId);
        Assert.Equal(adeli, Adeli.FromNationalId("0441234567"));
        Assert.Equal("12A0000017", Finess.Parse("2A0000017").NationalId);
        Assert.IsType<Rpps>(NationalIdentifier.Parse("810103197363"));
        Assert.IsType<Adeli>(NationalIdentifier.Parse("0441234567"));
        Assert.IsType<Finess>(NationalIdentifier.Parse("1440000289"));
    }

    [Theory]
    [InlineData("910103197363", "starts with 8")]
    [InlineData("810103197364", "check digit")]
    [InlineData("04412345", "9 characters")]
    [InlineData("", "empty")]
    public void Refuses_bad_national_ids(string value, string reason)
    {
        Assert.False(NationalIdentifier.TryParse(value, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2A0000017")]
    [InlineData("2B0000017")]
    [InlineData("440000289")]
    public void FINESS_accepts_Corsica(string value) => Assert.Equal(value, Finess.Parse(value).Value);

    [Theory]
    [InlineData("2C0000017")]
    [InlineData("44000028")]
    [InlineData("A40000028")]
    public void FINESS_refuses_bad_shapes(string value) => Assert.False(Finess.TryParse(value, out _));

    [Theory]
    [InlineData("10103197363")]
    [InlineData("10103197364")]
    [InlineData("1010319736")]
    [InlineData("1010319736A")]
    [InlineData("101031973630")]
    [InlineData("2A0000017")]
    [InlineData("2B0000017")]
    [InlineData("2C0000017")]
    [InlineData("440000289")]
    [InlineData("44000028")]
    [InlineData("A40000028")]
    [InlineData("")]
    public void The_directory_s_allocation_free_checks_accept_what_TryParse_accepts(string value)
    {
        Assert.Equal(Rpps.TryParse(value, out _), Rpps.IsValid(value));
        Assert.Equal(Adeli.TryParse(value, out _), Adeli.IsValid(value));
    }

    [Fact]
    public void Identifiers_of_different_registers_are_never_equal()
    {
        Assert.NotEqual<HealthIdentifier>(Adeli.Parse("440000289"), Finess.Parse("440000289"));
    }
}
