using MimeKit;

namespace Esante.MsSante.Tests.Messages;

/// <summary>va1.11: a message is text/plain or multipart/alternative, so an HTML-only message gets a derived text part.</summary>
public class HtmlOnlyMessageTests
{
    private const string Html =
        "<html><head><title>Titre</title><style>p { color: red }</style></head><body>" +
        "<h1>Compte&nbsp;rendu</h1><p>Patient vu   le 3 mars.<br>Suite : <b>contrôle</b> &amp; bilan.</p>" +
        "<ul><li>NFS</li><li>CRP</li></ul><p>Voir <a href=\"https://chu-angers.fr/guide\">le guide</a>.</p>" +
        "<script>alert('x')</script></body></html>";

    [Fact]
    public void An_HTML_only_message_goes_out_as_multipart_alternative_with_a_text_part_derived_from_it()
    {
        var message = new OutgoingMessage { Subject = "CR", HtmlBody = Html };
        message.To.Add(MssanteAddress.Parse("bob@chu-angers.mssante.fr"));

        using var mime = MssanteMessageComposer.Compose(message, MssanteAddress.Parse("alice@chu-angers.mssante.fr"), null, "DEV935997", DateTimeOffset.UnixEpoch);

        var alternative = Assert.IsType<MultipartAlternative>(mime.Body);
        var text = Assert.IsType<TextPart>(alternative[0]);
        Assert.True(text.IsPlain);
        Assert.Equal("utf-8", text.ContentType.Charset);
        Assert.True(Assert.IsType<TextPart>(alternative[1]).IsHtml);
        Assert.Equal(
            "Compte\u00a0rendu\r\nPatient vu le 3 mars.\r\nSuite : contrôle & bilan.\r\n- NFS\r\n- CRP\r\nVoir le guide <https://chu-angers.fr/guide>.",
            text.Text.ReplaceLineEndings("\r\n"));
        Assert.Equal(Html, mime.HtmlBody);
    }

    [Fact]
    public void The_signature_ends_both_the_derived_text_and_the_HTML()
    {
        var message = new OutgoingMessage { Subject = "CR", HtmlBody = "<p>Bonjour</p>" };
        message.To.Add(MssanteAddress.Parse("bob@chu-angers.mssante.fr"));

        using var mime = MssanteMessageComposer.Compose(message, MssanteAddress.Parse("alice@chu-angers.mssante.fr"), null, "DEV935997", DateTimeOffset.UnixEpoch, "Dr Alice");

        Assert.Equal("Bonjour\r\n-- \r\nDr Alice", mime.TextBody!.ReplaceLineEndings("\r\n"));
        Assert.Contains("Dr Alice", mime.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<pre>a  b\n  c</pre>", "a  b\r\n  c")]
    [InlineData("<table><tr><td>K</td><td>4,1</td></tr><tr><td>Na</td><td>140</td></tr></table>", "K\t4,1\r\nNa\t140")]
    [InlineData("Texte <a href=\"#haut\">haut</a> sans lien", "Texte haut sans lien")]
    [InlineData("<a href=\"https://x.fr\">https://x.fr</a>", "https://x.fr")]
    [InlineData("a<!-- note -->b", "ab")]
    public void The_derived_text_keeps_preformatted_text_tables_and_links_readable(string html, string expected)
    {
        Assert.Equal(expected, HtmlText.ToPlainText(html));
    }
}
