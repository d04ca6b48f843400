using System.Text;
using MimeKit.IO;

namespace Esante.MsSante.Tests.Mailbox;

public class MboxrdQuotingFilterTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Lines_that_could_be_taken_for_a_From_line_get_one_more_quote_whatever_the_block_size(int blockSize)
    {
        const string input = "From a\n>From b\nx From c\n>>>From d\nFro\n>Fromage\n\nFrom";
        const string expected = ">From a\n>>From b\nx From c\n>>>>From d\nFro\n>Fromage\n\nFrom";
        var (output, endsWithLineFeed) = Filter(input, blockSize);
        Assert.Equal(expected, output);
        Assert.False(endsWithLineFeed);
    }

    [Fact]
    public void A_line_made_only_of_quotes_and_the_text_after_it_pass_unchanged_and_the_line_end_is_reported()
    {
        var (output, endsWithLineFeed) = Filter(">>>\n>> From\nFrom \n", 2);
        Assert.Equal(">>>\n>> From\n>From \n", output);
        Assert.True(endsWithLineFeed);
    }

    private static (string Output, bool EndsWithLineFeed) Filter(string input, int blockSize)
    {
        var bytes = Encoding.ASCII.GetBytes(input);
        var filter = new MboxrdQuotingFilter();
        using var output = new MemoryStream();
        using (var filtered = new FilteredStream(output))
        {
            filtered.Add(filter);
            for (var i = 0; i < bytes.Length; i += blockSize)
            {
                filtered.Write(bytes, i, Math.Min(blockSize, bytes.Length - i));
            }
            filtered.Flush();
        }
        return (Encoding.ASCII.GetString(output.ToArray()), filter.EndsWithLineFeed);
    }
}
