using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>The mailbox's preferences: the rules (out-of-office reply, notification address, forwarding) and the signatures. Reached through <see cref="IMailboxClient.Settings"/>.</summary>
public interface IMailboxSettings
{
    /// <summary>The out-of-office reply and the notification address the operator applies (« Préférences »).</summary>
    /// <exception cref="NotSupportedException">The operator cannot show them for this mailbox (an organisational one, on a real operator).</exception>
    Task<MailboxRules> GetRulesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the out-of-office reply (« Hors du bureau »), the notification address (« Envoyer un mail de notification
    /// à ») and the forwarding (« Faire suivre une copie à »), replacing the previous ones; <see cref="MailboxRules.None"/>
    /// removes them all. On a real operator this installs the
    /// SDK's Sieve script over ManageSieve (keeping any script the person had, by inclusion), which also files messages from
    /// patients into « Échanges Patients ».
    /// </summary>
    /// <exception cref="ArgumentException">The reply has no text, a subject on several lines, its last day before its first, or an
    /// interval outside 1–365 days; the notification address is not one e-mail address; or the forwarding address is not a
    /// professional MSSanté address the address policy allows (a patient's, this mailbox's own, one outside the trust space).</exception>
    /// <exception cref="NotSupportedException">The operator cannot apply them for this mailbox.</exception>
    Task SetRulesAsync(MailboxRules rules, CancellationToken cancellationToken = default);

    /// <summary>The mailbox's signatures, the default one and where it goes in replies (« Préférences → Signatures »).</summary>
    /// <exception cref="NotSupportedException">The operator keeps no settings (IMAP METADATA).</exception>
    Task<MailboxSignatures> GetSignaturesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the mailbox's signatures, kept at the operator for every application that opens the mailbox. From then on
    /// <see cref="IMailboxClient.SendAsync"/> ends each message with the default one, or the one the message names
    /// (<see cref="OutgoingMessage.SignatureName"/>), after a « -- » line. A client already open elsewhere sees the change
    /// within a minute (ten minutes when it had found no signature).
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, on several lines, over 64 characters or used twice; a text is missing or over 10,000 characters; the default is not one of them.</exception>
    /// <exception cref="NotSupportedException">The operator keeps no settings (IMAP METADATA).</exception>
    Task SetSignaturesAsync(MailboxSignatures signatures, CancellationToken cancellationToken = default);
}
