using Esante.MsSante.Directory;
using Xunit;

namespace Esante.MsSante.Tests.Directory.Extraction;

public sealed class StringPoolTests
{
    // Values of every length around the four-character steps of the Latin-1 comparison, with accents (one byte each in
    // Latin-1) and values that differ only in their last character.
    private static readonly string[] Values =
    [
        "a", "é", "ab", "abc", "abcd", "abcé", "abcde", "abcdé", "CHU de Nantes", "CHU de Nanteς", "Hôpital Saint-Éloi",
        "Hôpital Saint-Éloï", "ÿÿÿÿÿÿÿÿ", "ÿÿÿÿÿÿÿþ", "1234567", "1234568",
    ];

    [Fact]
    public void Latin1_values_keep_their_ids_and_come_back_as_Latin1_bytes()
    {
        var pool = new StringPool(4, 8); // small: the table and the block grow
        string[] latin1 = [.. Values.Where(v => v.All(c => c <= 'ÿ'))];
        var ids = latin1.Select(v => pool.Intern(v)).ToArray();

        Assert.Equal(ids, latin1.Select(v => pool.Intern(v)).ToArray());
        Assert.Equal(latin1.Length, ids.Distinct().Count());
        Assert.Equal(0, pool.Intern(""));
        Assert.Equal(["", .. latin1], pool.ToArray());

        var (bytes, chars, offsets) = pool.TakeBlock();
        Assert.Null(chars);
        Assert.Equal(string.Concat(latin1), System.Text.Encoding.Latin1.GetString(bytes!));
        Assert.Equal(bytes!.Length, offsets[^1]);
    }

    [Fact]
    public void A_value_beyond_Latin1_widens_the_block_and_every_value_keeps_its_id()
    {
        var pool = new StringPool(4, 8);
        var before = Values.Take(8).Select(v => pool.Intern(v)).ToArray();
        var wide = pool.Intern("Œuvre");
        var after = Values.Select(v => pool.Intern(v)).ToArray();

        Assert.Equal(before, after[..8]);
        Assert.Equal(wide, pool.Intern("Œuvre"));
        Assert.NotEqual(pool.Intern("Nanteς"), pool.Intern("Nantes"));
        Assert.Equal(Values.Length + 3, pool.Count - 1); // every value, « Œuvre », « Nanteς » and « Nantes », once each

        var (bytes, chars, offsets) = pool.TakeBlock();
        Assert.Null(bytes);
        Assert.Equal(chars!.Length, offsets[^1]);
        Assert.Equal("Œuvre", new string(chars.AsSpan(offsets[wide], offsets[wide + 1] - offsets[wide])));
        Assert.Equal("Hôpital Saint-Éloi", new string(chars.AsSpan(offsets[after[10]], offsets[after[10] + 1] - offsets[after[10]])));
    }
}
