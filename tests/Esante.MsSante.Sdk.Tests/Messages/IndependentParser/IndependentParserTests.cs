using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Esante.MsSante.MailStackSupport;
using MimeKit;

namespace Esante.MsSante.Tests.Messages.IndependentParser;

/// <summary>
/// Messages the SDK writes, read back by a parser that is not MimeKit (Python's standard <c>email</c> package, as a patient
/// record server or Mon Espace Santé could use): the same headers, parts and attachment bytes as the SDK meant.
/// </summary>
public class IndependentParserTests
{
    private static readonly MssanteAddress From = MssanteAddress.Parse("secretariat-cardio@chu-angers.mssante.fr");
    private static readonly DateTimeOffset Date = new(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public void A_plain_message_keeps_its_headers_and_accented_text()
    {
        var message = new OutgoingMessage { Subject = "Compte rendu de l'échographie — suite", TextBody = "Bonjour Adèle,\r\nRésultats ci-dessous.\r\n", RequestReadReceipt = true };
        message.To.Add(new Recipient("adele.goudal@chu-nantes.mssante.fr", "Adèle Goudal"));
        message.Cc.Add(new Recipient("bob.durand@chu-nantes.mssante.fr"));
        using var mime = MssanteMessageComposer.Compose(message, From, "Secrétariat cardio", "DEV935997", Date);

        var parsed = ParseIndependently(mime);

        Assert.Equal(message.Subject, Header(parsed, "subject"));
        Assert.Equal("Adèle Goudal <adele.goudal@chu-nantes.mssante.fr>", Header(parsed, "to"));
        Assert.Equal("bob.durand@chu-nantes.mssante.fr", Header(parsed, "cc"));
        Assert.Equal("Secrétariat cardio <secretariat-cardio@chu-angers.mssante.fr>", Header(parsed, "from"));
        Assert.Equal("<" + mime.MessageId + ">", Header(parsed, "message-id"));
        Assert.Equal("DEV935997", Header(parsed, "x-mss-nil"));
        Assert.Contains("secretariat-cardio@chu-angers.mssante.fr", Header(parsed, "disposition-notification-to"), StringComparison.Ordinal);
        Assert.Null(Header(parsed, "x-mss-codecda"));
        var text = Assert.Single(Parts(parsed));
        Assert.Equal("text/plain", text.Type);
        Assert.Equal("utf-8", text.Charset);
        Assert.Equal(message.TextBody.ReplaceLineEndings("\n"), text.Text);
        SameTree(mime, parsed);
    }

    [Fact]
    public void Attachments_keep_their_names_and_bytes()
    {
        var message = Letter("Pièces jointes");
        var pdf = RandomNumberGenerator.GetBytes(70_000);
        message.Attachments.Add(OutgoingAttachment.FromBytes("compte rendu opératoire – Hélène.pdf", pdf, "application/pdf"));
        message.Attachments.Add(OutgoingAttachment.FromBytes(new string('a', 120) + ".txt", "ligne\r\n"u8.ToArray(), "text/plain"));
        using var mime = MssanteMessageComposer.Compose(message, From, null, "DEV935997", Date);

        var parsed = ParseIndependently(mime);

        var attachments = Parts(parsed).Where(p => p.Disposition == "attachment").ToList();
        Assert.Equal(["compte rendu opératoire – Hélène.pdf", new string('a', 120) + ".txt"], attachments.Select(a => a.FileName));
        Assert.Equal(Hash(pdf), attachments[0].Sha256);
        Assert.Equal("application/pdf", attachments[0].Type);
        Assert.Equal("multipart/mixed", Parts(parsed)[0].Type);
        SameTree(mime, parsed);
    }

    [Fact]
    public void An_XDM_message_carries_its_MSSante_headers_and_the_archive_byte_for_byte()
    {
        var package = XdmTests.Package();
        var message = Letter(package.Subject("CR de consultation"));
        message.Xdm = package;
        using var mime = MssanteMessageComposer.Compose(message, From, null, "DEV935997", Date);

        var parsed = ParseIndependently(mime);

        Assert.Equal(mime.Headers[MssanteHeaders.CodeCda], Header(parsed, "x-mss-codecda"));
        Assert.Equal(mime.Headers[MssanteHeaders.Ins], Header(parsed, "x-mss-ins"));
        Assert.StartsWith("XDM/1.0/DDM+CR de consultation MARTIN Claire", Header(parsed, "subject"), StringComparison.Ordinal);
        var zip = Assert.Single(Parts(parsed), p => p.FileName == "IHE_XDM.zip");
        Assert.Equal("application/zip", zip.Type);
        Assert.Equal("attachment", zip.Disposition);
        SameTree(mime, parsed);
    }

    [Fact]
    public void An_error_MDN_has_the_volets_parts_in_order_and_its_one_Disposition_field()
    {
        using var original = ErrorReceiptFormTests.Original(
            new MimePart("application", "zip") { FileName = "IHE_XDM.zip", Content = new MimeContent(new MemoryStream([80, 75, 3, 4])), ContentTransferEncoding = ContentEncoding.Base64 },
            new MimePart("application", "pdf") { FileName = "20260312_CR_MARTIN_Claire.pdf", Content = new MimeContent(new MemoryStream([37, 80, 68, 70])), ContentTransferEncoding = ContentEncoding.Base64 });
        using var mime = ReadReceiptComposer.Compose(original, ReadReceipt.IntegrationFailed("902^Identifiant de patient inconnu"),
            MssanteAddress.Parse("serviceY_auto@chb.mssante.fr"), null, MssanteAddress.Parse("serviceY@chb.mssante.fr"), "DEV935997", Date);

        var parsed = ParseIndependently(mime);

        var top = Parts(parsed).Where(p => p.Path.Count(c => c == '.') == 1).ToList();
        Assert.Equal(["text/plain", "message/disposition-notification", "message/rfc822", "application/zip", "application/pdf"], top.Select(p => p.Type));
        Assert.Equal("automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu", top[1].Fields!["disposition"]);
        Assert.Equal("<orig-1@chu-angers.mssante.fr>", top[1].Fields!["original-message-id"]);
        Assert.False(top[1].Fields!.ContainsKey("error"));
        Assert.Equal("<orig-1@chu-angers.mssante.fr>", top[2].Fields!["message-id"]);
        Assert.Contains("report-type=\"disposition-notification\"", Header(parsed, "content-type"), StringComparison.Ordinal);
        Assert.Equal("[KO Intégration système !][902] " + original.Subject, Header(parsed, "subject"));
        Assert.Equal(Hash([80, 75, 3, 4]), top[3].Sha256);
        SameTree(mime, parsed);
    }

    [Fact]
    public void An_HTML_only_message_is_read_as_multipart_alternative_with_its_text_first()
    {
        var message = new OutgoingMessage { Subject = "HTML", HtmlBody = "<p>Bonjour <b>Hélène</b></p>" };
        message.To.Add(MssanteAddress.Parse("bob.durand@chu-nantes.mssante.fr"));
        using var mime = MssanteMessageComposer.Compose(message, From, null, "DEV935997", Date);

        var parsed = ParseIndependently(mime);

        Assert.Equal(["multipart/alternative", "text/plain", "text/html"], Parts(parsed).Select(p => p.Type));
        Assert.Equal("Bonjour Hélène", Parts(parsed)[1].Text!.TrimEnd('\n'));
        Assert.Equal(message.HtmlBody, Parts(parsed)[2].Text!.TrimEnd('\n'));
        SameTree(mime, parsed);
    }

    private static OutgoingMessage Letter(string subject)
    {
        var message = new OutgoingMessage { Subject = subject, TextBody = "Bonjour" };
        message.To.Add(MssanteAddress.Parse("bob.durand@chu-nantes.mssante.fr"));
        return message;
    }

    /// <summary>Every part Python finds is the part MimeKit wrote, in the same place: type, file name and decoded bytes.</summary>
    private static void SameTree(MimeMessage mime, JsonElement parsed)
    {
        var expected = new List<(string Path, string Type, string? FileName, string? Sha256)>();
        Walk(mime.Body, "0", expected);
        // Bodies compare as text (line ends as each side keeps them in memory); attachments byte for byte.
        var actual = Parts(parsed).Select(p => (p.Path, p.Type, p.FileName, p.Text is null || p.Disposition == "attachment" ? p.Sha256 : TextHash(p.Text))).ToList();
        Assert.Equal(expected, actual);
        Assert.Empty(parsed.GetProperty("defects").EnumerateArray());
        Assert.All(Parts(parsed), p => Assert.Empty(p.Defects));
    }

    private static void Walk(MimeEntity? entity, string path, List<(string, string, string?, string?)> parts)
    {
        switch (entity)
        {
            case Multipart multipart:
                parts.Add((path, multipart.ContentType.MimeType.ToLowerInvariant(), null, null));
                for (var i = 0; i < multipart.Count; i++)
                {
                    Walk(multipart[i], $"{path}.{i}", parts);
                }
                break;
            case MessagePart { Message: { } inner } message when message.ContentType.IsMimeType("message", "rfc822"):
                parts.Add((path, "message/rfc822", null, null));
                Walk(inner.Body, path + ".m", parts);
                break;
            case MessagePart or MessageDispositionNotification:
                parts.Add((path, entity.ContentType.MimeType.ToLowerInvariant(), null, null));
                break;
            case TextPart { IsAttachment: false } text:
                parts.Add((path, text.ContentType.MimeType.ToLowerInvariant(), text.FileName, TextHash(text.Text)));
                break;
            case MimePart part:
                using (var bytes = new MemoryStream())
                {
                    part.Content?.DecodeTo(bytes);
                    parts.Add((path, part.ContentType.MimeType.ToLowerInvariant(), part.FileName, Hash(bytes.ToArray())));
                }
                break;
        }
    }

    private sealed record ParsedPart(string Path, string Type, string? Charset, string? Disposition, string? FileName, string? Sha256, string? Text, Dictionary<string, string>? Fields, string[] Defects);

    private static List<ParsedPart> Parts(JsonElement parsed) => parsed.GetProperty("parts").EnumerateArray().Select(p => new ParsedPart(
        p.GetProperty("path").GetString()!,
        p.GetProperty("type").GetString()!,
        p.GetProperty("charset").GetString(),
        p.GetProperty("disposition").GetString(),
        p.GetProperty("filename").GetString(),
        p.TryGetProperty("sha256", out var sha) ? sha.GetString() : null,
        p.TryGetProperty("text", out var text) ? text.GetString() : null,
        p.TryGetProperty("fields", out var fields) ? fields.EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString()!) : null,
        p.GetProperty("defects").EnumerateArray().Select(d => d.GetString()!).ToArray())).ToList();

    private static string? Header(JsonElement parsed, string name) =>
        parsed.GetProperty("headers").TryGetProperty(name, out var values) ? string.Join(", ", values.EnumerateArray().Select(v => v.GetString())) : null;

    private static string TextHash(string text) => Hash(System.Text.Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")));

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Writes the message as it goes on the wire and has <c>parse_mime.py</c> read it.</summary>
    private static JsonElement ParseIndependently(MimeMessage mime)
    {
        var file = Path.Combine(Path.GetTempPath(), $"esante-independent-{Guid.NewGuid():N}.eml");
        try
        {
            using (var stream = File.Create(file))
            {
                var options = FormatOptions.Default.Clone();
                options.NewLineFormat = NewLineFormat.Dos;
                mime.WriteTo(options, stream);
            }
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Script());
            start.ArgumentList.Add(file);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "parse_mime.py failed: " + error);
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Found from the binaries, not [CallerFilePath]: CI builds map source paths to /_/.
    private static string Script() => Path.Combine(
        MailStackScripts.RepositoryRoot(), "tests", "Esante.MsSante.Sdk.Tests", "Messages", "IndependentParser", "parse_mime.py");
}
