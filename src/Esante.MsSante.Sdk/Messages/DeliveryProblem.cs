namespace Esante.MsSante;

/// <summary>
/// Why a message did not reach a recipient, from the status code of a delivery status notification (RFC 3463
/// <c>class.subject.detail</c>). Mon Espace Santé's bounces (closed patient space, unknown patient, message too large) are
/// read through these codes: ANS publishes no other form of them.
/// </summary>
public enum DeliveryProblem
{
    /// <summary>No problem reported (delivered, relayed), or a delay without a reason.</summary>
    None = 0,

    /// <summary>No such mailbox (<c>x.1.1</c>, moved <c>x.1.6</c>): for a patient, no Mon Espace Santé mailbox for this INS.</summary>
    MailboxUnknown,

    /// <summary>The address cannot be delivered as written: bad syntax or unknown system (<c>x.1.2</c>, <c>x.1.3</c>).</summary>
    InvalidAddress,

    /// <summary>The mailbox exists but takes no mail (<c>x.2.1</c>): for a patient, a closed Mon Espace Santé.</summary>
    MailboxClosed,

    /// <summary>The mailbox is full (<c>x.2.2</c>).</summary>
    MailboxFull,

    /// <summary>The message is larger than the recipient or a server accepts (<c>x.2.3</c>, <c>x.3.4</c>).</summary>
    MessageTooLarge,

    /// <summary>A rule of the receiving side refused it (<c>x.7.x</c>, security or policy).</summary>
    Refused,

    /// <summary>Another code: read <see cref="RecipientDeliveryStatus.Status"/>.</summary>
    Other,
}
