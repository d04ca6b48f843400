using System.Text;
using Esante.MsSante.Operators.Imap;

namespace Esante.MsSante.Tests.Operators;

/// <summary>A setting too long for one METADATA string is cut in parts MailKit can read back, never inside a character.</summary>
public sealed class SettingPartsTests
{
    [Theory]
    [InlineData("", 1)]
    [InlineData("{\"court\":\"É. M.\"}", 1)]
    public void A_short_value_is_one_part(string value, int parts) => Assert.Equal(parts, ImapOperatorMailbox.SplitSetting(value).Count);

    [Fact]
    public void A_long_value_is_cut_under_4_KB_a_part_between_characters_and_put_back_whole()
    {
        var value = string.Concat(Enumerable.Repeat("Éloïse 🫀 cardiologie ", 2_000));

        var parts = ImapOperatorMailbox.SplitSetting(value);

        Assert.True(parts.Count > 1);
        Assert.All(parts, part => Assert.InRange(Encoding.UTF8.GetByteCount(part), 1, 4096));
        Assert.All(parts, part => Assert.False(char.IsHighSurrogate(part[^1]) || char.IsLowSurrogate(part[0])));
        Assert.Equal(value, string.Concat(parts));
    }
}
