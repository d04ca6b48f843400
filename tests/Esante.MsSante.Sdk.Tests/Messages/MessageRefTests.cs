using Xunit;

namespace Esante.MsSante.Tests.Messages;

public sealed class MessageRefTests
{
    [Theory]
    [InlineData("INBOX", 1u, 42u)]
    [InlineData("Dossiers patients/Résultats", 4_294_967_295u, 4_294_967_295u)]
    [InlineData("a;b", 7u, 1u)]
    [InlineData("x;UID=1", 2u, 3u)]                 // a path holding the marks themselves
    [InlineData("y;UIDVALIDITY=9;UID=8", 0u, 0u)]
    public void Its_string_reads_back_as_the_same_reference(string folder, uint validity, uint uid)
    {
        var reference = new MessageRef(folder, validity, uid);

        Assert.Equal(reference, MessageRef.Parse(reference.ToString()));
        Assert.True(MessageRef.TryParse(reference.ToString(), out var parsed));
        Assert.Equal(reference, parsed);
        Assert.Equal(reference, Parsed<MessageRef>(reference.ToString())); // as ASP.NET Core binds an IParsable
    }

    [Fact]
    public void Its_string_is_the_folder_then_the_two_numbers() =>
        Assert.Equal("INBOX;UIDVALIDITY=1;UID=42", new MessageRef("INBOX", 1, 42).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("INBOX")]
    [InlineData(";UIDVALIDITY=1;UID=42")]           // no folder
    [InlineData("INBOX;UIDVALIDITY=;UID=42")]
    [InlineData("INBOX;UIDVALIDITY=1;UID=")]
    [InlineData("INBOX;UIDVALIDITY=1;UID=+42")]
    [InlineData("INBOX;UIDVALIDITY=-1;UID=42")]
    [InlineData("INBOX;UIDVALIDITY=1;UID= 42")]
    [InlineData("INBOX;UIDVALIDITY=1;UID=42 ")]
    [InlineData("INBOX;UIDVALIDITY=1;UID=4294967296")]
    [InlineData("INBOX;UID=42;UIDVALIDITY=1")]      // the numbers in the wrong order
    [InlineData("INBOX;UIDVALIDITY=1")]
    public void Anything_else_is_refused_without_repeating_it(string text)
    {
        Assert.False(MessageRef.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => MessageRef.Parse(text));
        if (text.Length > 0)
        {
            Assert.DoesNotContain(text, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Null_is_not_a_reference()
    {
        Assert.False(MessageRef.TryParse(null, out _));
        Assert.Throws<ArgumentNullException>(() => MessageRef.Parse(null!));
    }

    private static T Parsed<T>(string text) where T : IParsable<T> => T.Parse(text, null);
}
