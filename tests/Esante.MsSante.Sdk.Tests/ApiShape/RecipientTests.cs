namespace Esante.MsSante.Tests.ApiShape;

public class RecipientTests
{
    [Theory]
    [InlineData("not an address")]
    [InlineData("")]
    [InlineData("Dr Martin <alice.martin@chu-nantes.mssante.fr>")]
    [InlineData("alice.martin@chu-nantes.mssante.fr\r\nBcc: x@y.fr")]
    public void An_invalid_address_fails_when_the_recipient_is_made_with_the_message_a_send_gives(string address)
    {
        var made = Assert.Throws<ArgumentException>(() => new Recipient(address));
        var policy = new AddressValidationPolicy();
        var atSend = Assert.Single(policy.Evaluate(address, "recipient", out _));
        Assert.StartsWith(atSend.Message, made.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Recipient("alice.martin@chu-nantes.mssante.fr") with { Address = address });
    }

    [Fact]
    public void A_valid_address_is_kept_as_given()
    {
        var (address, name) = new Recipient("alice.martin@chu-nantes.mssante.fr", "Alice Martin");
        Assert.Equal("alice.martin@chu-nantes.mssante.fr", address);
        Assert.Equal("Alice Martin", name);
    }
}
