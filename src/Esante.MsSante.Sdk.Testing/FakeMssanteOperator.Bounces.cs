using MimeKit;
using MimeKit.Utils;

namespace Esante.MsSante.Testing;

/// <summary>Bounces: what a receiving operator (Mon Espace Santé, another MSSanté operator) sends back when it refuses a message.</summary>
public sealed partial class FakeMssanteOperator
{
    /// <summary>
    /// The receiving side refuses a message this operator relayed out, after accepting it: delivers to its sender's mailbox a
    /// delivery status notification (RFC 3464) as a receiving server writes it, returning the message's headers. Use it to
    /// test how an application handles Mon Espace Santé's refusals (closed space <c>5.2.1</c>, unknown patient <c>5.1.1</c>,
    /// message too large <c>5.3.4</c>).
    /// </summary>
    /// <param name="relayed">A <see cref="FakeOutboxKind.RelayedMessage"/> of <see cref="Outbox"/>.</param>
    /// <param name="status">The RFC 3463 status, e.g. <c>5.2.1</c>; a status of class 4 reports a delay instead of a failure.</param>
    /// <param name="diagnostic">The receiving server's answer, e.g. <c>550 5.2.1 Mailbox disabled</c>.</param>
    /// <exception cref="ArgumentException">The outbox entry is not a relayed message, or the status is not <c>4.x.x</c> or <c>5.x.x</c>.</exception>
    /// <exception cref="RecipientsRejectedException">The sender's mailbox is no longer hosted here or is full.</exception>
    public void BounceRelayed(FakeOutboxMessage relayed, string status, string diagnostic)
    {
        ArgumentNullException.ThrowIfNull(relayed);
        ArgumentException.ThrowIfNullOrWhiteSpace(diagnostic);
        if (relayed.Kind != FakeOutboxKind.RelayedMessage || relayed.Message?.From.Mailboxes.FirstOrDefault() is not { } sender)
        {
            throw new ArgumentException("Only a message relayed out can bounce.", nameof(relayed));
        }
        if (status is not { Length: >= 5 } || status[0] is not ('4' or '5') || status[1] != '.')
        {
            throw new ArgumentException("The status is an RFC 3463 code of class 4 or 5, e.g. 5.2.1.", nameof(status));
        }
        var remote = relayed.To[(relayed.To.LastIndexOf('@') + 1)..];
        var report = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; mx." + remote } };
        if (relayed.Message.MessageId is { } envelopeId)
        {
            perMessage.Add("Original-Envelope-Id", envelopeId);
        }
        report.StatusGroups.Add(perMessage);
        report.StatusGroups.Add(new HeaderList
        {
            { "Final-Recipient", "rfc822; " + relayed.To },
            { "Action", status[0] == '5' ? "failed" : "delayed" },
            { "Status", status },
            { "Remote-MTA", "dns; mx." + remote },
            { "Diagnostic-Code", "smtp; " + diagnostic },
        });
        var headers = new TextRfc822Headers { Message = new MimeMessage(relayed.Message.Headers.Where(h => h.Id != HeaderId.Bcc)) };
        using var bounce = new MimeMessage
        {
            Subject = status[0] == '5' ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)",
            Date = TimeProvider.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(Options.DefaultDomain),
            Body = new MultipartReport("delivery-status")
            {
                new TextPart("plain") { Text = "The message could not be delivered to " + relayed.To + ": " + diagnostic },
                report,
                headers,
            },
        };
        bounce.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + Options.DefaultDomain));
        bounce.To.Add(sender);
        using var raw = new MemoryStream();
        bounce.WriteTo(raw);
        DeliverRawFromOutside(raw.ToArray(), sender.Address);
    }
}
