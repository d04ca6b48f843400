using MimeKit;
using MimeKit.Utils;

namespace Esante.MsSante.Benchmarks.Infrastructure;

/// <summary>The message every send benchmark sends: a short discharge letter, ~1 KB of UTF-8 text, one recipient.</summary>
public static class Letters
{
    public const string ProductReference = "DEV935997";

    public static readonly string Body = string.Concat(Enumerable.Repeat(
        "Bonjour, veuillez trouver ci-dessous le compte rendu de consultation du patient. Traitement inchangé, revoir dans trois mois.\n", 8));

    /// <summary>Through the SDK: policies are checked and the SDK composes the MIME message itself.</summary>
    public static OutgoingMessage Sdk(string to, int number)
    {
        var message = new OutgoingMessage { Subject = $"Compte rendu n°{number}", TextBody = Body };
        message.To.Add(new Recipient(to));
        return message;
    }

    /// <summary>The same message as an application would compose it with MimeKit alone (same headers as the SDK's composer).</summary>
    public static MimeMessage Raw(string from, string to, int number)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(string.Empty, from));
        message.To.Add(new MailboxAddress(string.Empty, to));
        message.Subject = $"Compte rendu n°{number}";
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeUtils.GenerateMessageId(BenchmarkMailStack.Domain);
        message.Headers.Add(MssanteHeaders.Nil, ProductReference);
        var text = new TextPart("plain") { Text = Body };
        text.ContentType.Charset = "utf-8";
        message.Body = text;
        return message;
    }
}
