using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Esante.MsSante.Operators.Imap;

/// <summary>
/// An SMTP client that collects every refused recipient instead of stopping at the first, and refuses to send DATA when any
/// recipient was refused: a message goes to all its recipients or to none. The refusal surfaces as an
/// <see cref="SmtpCommandException"/> so MailKit resets the transaction and keeps the connection; <see cref="Rejected"/> says who.
/// </summary>
internal sealed class MssanteSmtpClient : SmtpClient
{
    private readonly List<RejectedRecipient> _rejected = [];
    private int _expected;
    private int _answered;
    private DeliveryStatusRequest _dsn;

    /// <summary>Creates the client, its exchanges written to <paramref name="protocolLogger"/> (see <see cref="Diagnostics.ProtocolLogs"/>), or nowhere.</summary>
    public MssanteSmtpClient(IProtocolLogger? protocolLogger = null)
        : base(protocolLogger ?? new NullProtocolLogger())
    {
    }

    /// <summary>The recipients refused by the last send.</summary>
    public IReadOnlyList<RejectedRecipient> Rejected => _rejected;

    /// <summary>Prepares the next send: how many recipients it has and which DSN to ask for.</summary>
    public void BeginSend(int recipientCount, DeliveryStatusRequest dsn)
    {
        _rejected.Clear();
        _expected = recipientCount;
        _answered = 0;
        _dsn = dsn;
        // DATA, never BDAT: the message then goes in one piece whose last byte the transfer progress reports, which is
        // where the send is handed over (see ImapOperatorMailbox.SendAsync).
        Capabilities &= ~(SmtpCapabilities.Chunking | SmtpCapabilities.BinaryMime);
    }

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) => Answered();

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(response);
        _rejected.Add(new RejectedRecipient(mailbox.Address, $"{(int)response.StatusCode} {response.Response}"));
        Answered();
    }

    protected override void OnNoRecipientsAccepted(MimeMessage message) => ThrowIfRejected();

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
    {
        if (_dsn == DeliveryStatusRequest.Default)
        {
            return null;
        }
        if (_dsn.HasFlag(DeliveryStatusRequest.Never))
        {
            return DeliveryStatusNotification.Never;
        }
        var notify = default(DeliveryStatusNotification);
        if (_dsn.HasFlag(DeliveryStatusRequest.Success))
        {
            notify |= DeliveryStatusNotification.Success;
        }
        if (_dsn.HasFlag(DeliveryStatusRequest.Failure))
        {
            notify |= DeliveryStatusNotification.Failure;
        }
        if (_dsn.HasFlag(DeliveryStatusRequest.Delay))
        {
            notify |= DeliveryStatusNotification.Delay;
        }
        return notify;
    }

    /// <summary>
    /// The envelope id (RFC 3461 ENVID) is the Message-ID when reports are asked for: a report that returns neither the message
    /// nor its headers still names the message it is about (<see cref="DeliveryStatusReport.OriginalMessageId"/>).
    /// </summary>
    /// <remarks>RFC 3461 §4.4: at most 100 printable ASCII characters without space; a Message-ID that is not (a webmail's draft) goes without.</remarks>
    protected override string? GetEnvelopeId(MimeMessage message) =>
        _dsn == DeliveryStatusRequest.Default || _dsn.HasFlag(DeliveryStatusRequest.Never) || message?.MessageId is not { Length: > 0 and <= 100 } id ||
        id.Any(c => c is <= ' ' or > '~' or '+' or '=')
            ? null
            : id;

    private void Answered()
    {
        // After the last RCPT answer and before DATA: stop here if anyone was refused (MailKit then sends RSET).
        if (++_answered == _expected)
        {
            ThrowIfRejected();
        }
    }

    private void ThrowIfRejected()
    {
        if (_rejected.Count > 0)
        {
            throw new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, "Recipients were refused.");
        }
    }
}
