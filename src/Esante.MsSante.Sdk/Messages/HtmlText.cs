using System.Text;
using MimeKit.Text;

namespace Esante.MsSante;

/// <summary>
/// The plain text of an HTML body, for the <c>text/plain</c> part that va1.11 asks beside it (<c>multipart/alternative</c>):
/// the words in reading order, a line per block, links' addresses kept, scripts and styles dropped.
/// </summary>
internal static class HtmlText
{
    public static string ToPlainText(string html)
    {
        var text = new StringBuilder();
        var skipped = 0;
        var preformatted = 0;
        var tokenizer = new HtmlTokenizer(new StringReader(html)) { DecodeCharacterReferences = true };
        string? link = null;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlDataToken data when skipped == 0:
                    Append(text, data.Data, preformatted > 0);
                    break;
                case HtmlTagToken tag:
                    switch (tag.Id)
                    {
                        case HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head or HtmlTagId.Title when !tag.IsEmptyElement:
                            skipped = Math.Max(0, skipped + (tag.IsEndTag ? -1 : 1));
                            break;
                        case HtmlTagId.Pre:
                            preformatted = Math.Max(0, preformatted + (tag.IsEndTag ? -1 : 1));
                            NewLine(text);
                            break;
                        case HtmlTagId.Br:
                            text.Append("\r\n");
                            break;
                        case HtmlTagId.LI when !tag.IsEndTag:
                            NewLine(text);
                            text.Append("- ");
                            break;
                        case HtmlTagId.A when !tag.IsEndTag:
                            link = tag.Attributes.FirstOrDefault(a => a.Id == HtmlAttributeId.Href)?.Value;
                            break;
                        case HtmlTagId.A:
                            if (!string.IsNullOrEmpty(link) && !link.StartsWith('#') && !text.ToString().EndsWith(link, StringComparison.Ordinal))
                            {
                                text.Append(" <").Append(link).Append('>');
                            }
                            link = null;
                            break;
                        case HtmlTagId.P or HtmlTagId.Div or HtmlTagId.TR or HtmlTagId.UL or HtmlTagId.OL or HtmlTagId.BlockQuote
                            or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6 or HtmlTagId.Table:
                            NewLine(text);
                            break;
                        case HtmlTagId.TD or HtmlTagId.TH when tag.IsEndTag:
                            text.Append('\t');
                            break;
                    }
                    break;
            }
        }
        return string.Join("\r\n", text.ToString().Split("\r\n").Select(l => l.TrimEnd(' ', '\t'))).Trim('\r', '\n');
    }

    /// <summary>Data as a browser shows it: runs of white space become one space (not in <c>pre</c>).</summary>
    private static void Append(StringBuilder text, string data, bool preformatted)
    {
        if (preformatted)
        {
            text.Append(data.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
            return;
        }
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c) && c != '\u00a0')
            {
                if (text.Length > 0 && text[^1] is not (' ' or '\n' or '\t'))
                {
                    text.Append(' ');
                }
            }
            else
            {
                text.Append(c);
            }
        }
    }

    private static void NewLine(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append("\r\n");
        }
    }
}
