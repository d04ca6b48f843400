namespace Esante.MsSante;

/// <summary>
/// A message to send from a mailbox. The sender is the mailbox itself (for an organisational mailbox, the structure's address).
/// Nothing is checked until it is sent: then every policy runs and every problem is reported together.
/// </summary>
public sealed class OutgoingMessage
{
    /// <summary>The main recipients (« À »).</summary>
    public IList<Recipient> To { get; } = new List<Recipient>();

    /// <summary>The copy recipients (« Cc »).</summary>
    public IList<Recipient> Cc { get; } = new List<Recipient>();

    /// <summary>The hidden recipients (« Cci »): in the envelope, never in the headers.</summary>
    public IList<Recipient> Bcc { get; } = new List<Recipient>();

    /// <summary>
    /// Where replies should go instead of this mailbox (<c>Reply-To</c>): for an applicative mailbox, the service or person
    /// that answers (ECO.2.2.5). Checked by the address policy like the recipients.
    /// </summary>
    public IList<Recipient> ReplyTo { get; } = new List<Recipient>();

    /// <summary>The subject, on one line. Health data: the SDK never logs it.</summary>
    public string? Subject { get; set; }

    /// <summary>The plain-text body (UTF-8).</summary>
    public string? TextBody { get; set; }

    /// <summary>An HTML body; with <see cref="TextBody"/> it makes a <c>multipart/alternative</c>.</summary>
    public string? HtmlBody { get; set; }

    /// <summary>The attachments (« pièces jointes »), limited in total size by the attachment policy.</summary>
    public IList<OutgoingAttachment> Attachments { get; } = new List<OutgoingAttachment>();

    /// <summary>Ask the recipients for a read receipt (MDN, <c>Disposition-Notification-To</c>).</summary>
    public bool RequestReadReceipt { get; set; }

    /// <summary>Which delivery status notifications to ask the servers for.</summary>
    public DeliveryStatusRequest DeliveryStatus { get; set; }

    /// <summary>The Message-ID this message answers (<c>In-Reply-To</c>), without angle brackets.</summary>
    public string? InReplyTo { get; set; }

    /// <summary>The Message-IDs of the conversation (<c>References</c>), without angle brackets.</summary>
    public IList<string> References { get; } = new List<string>();

    /// <summary>
    /// Ends the conversation with a patient (<c>X-MSS-MES: FIN</c>): the patient cannot answer it in Mon Espace Santé.
    /// </summary>
    public bool EndsPatientConversation { get; set; }

    /// <summary>
    /// Which of the mailbox's signatures ends the message (see <c>IMailboxClient.SetSignaturesAsync</c>): null for the
    /// mailbox's default one. Ignored when <see cref="IncludeSignature"/> is false.
    /// </summary>
    public string? SignatureName { get; set; }

    /// <summary>Whether to end the message with a signature of the mailbox. Default true (nothing is added when the mailbox has none).</summary>
    public bool IncludeSignature { get; set; } = true;

    /// <summary>
    /// Documents for the patient record (ECO.2.1.1), sent as the IHE XDM archive <c>IHE_XDM.zip</c>; the message then
    /// carries <c>X-MSS-CODECDA</c> (the CDA documents' types) and <c>X-MSS-INS</c>. Add the same documents as PDF
    /// attachments too, for readers without software (ECO.2.1.1), and use <see cref="Xdm.XdmPackage.Subject"/> as the subject.
    /// </summary>
    public Xdm.XdmPackage? Xdm { get; set; }

    /// <summary>Every recipient: To, then Cc, then Bcc.</summary>
    public IEnumerable<Recipient> AllRecipients => To.Concat(Cc).Concat(Bcc);
}
