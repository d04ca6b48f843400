namespace Esante.MsSante;

/// <summary>
/// What the operator does with each new message on the mailbox's behalf: the out-of-office reply (« Hors du bureau »), the
/// notice to a usual e-mail address (« Envoyer un mail de notification à ») and a copy sent on to another MSSanté mailbox
/// (« Faire suivre une copie à »). A real operator runs them as a Sieve script the SDK installs (RFC 5230 vacation, RFC 5435
/// enotify, RFC 5228 redirect with RFC 3894 copy); the fake operator runs them itself.
/// </summary>
public sealed record MailboxRules
{
    /// <summary>No reply, no notice.</summary>
    public static MailboxRules None { get; } = new();

    /// <summary>The out-of-office reply, or null for none.</summary>
    public AutoReply? AutoReply { get; init; }

    /// <summary>
    /// A usual e-mail address (it need not be an MSSanté one) told of each new message. The notice says only that a message
    /// arrived in which mailbox: no sender, subject or content, which are health data. Null for none.
    /// </summary>
    public string? NotificationAddress { get; init; }

    /// <summary>
    /// Another MSSanté mailbox each new message is sent on to, whole (« Faire suivre une copie à »), or null for none. It must
    /// be a professional address the address policy lets this mailbox write to, never a patient's: the messages are health
    /// data and stay in the trust space.
    /// </summary>
    public string? ForwardTo { get; init; }

    /// <summary>
    /// Whether the mailbox keeps its own copy of each message it forwards: true by default; false is the guide's « Supprimer
    /// la copie locale du mail » (the message is then only in the <see cref="ForwardTo"/> mailbox, and a script of the
    /// person's own does not run). A message forwarded back to this mailbox (two mailboxes forwarding to each other) is
    /// kept, not forwarded again. Ignored without <see cref="ForwardTo"/>.
    /// </summary>
    public bool KeepForwardedCopy { get; init; } = true;
}

/// <summary>
/// The out-of-office reply: sent once per sender per <see cref="DaysBetweenReplies"/>, never to automatic messages (read
/// receipts, lists, other auto-replies) nor to messages that did not name the mailbox in To or Cc.
/// </summary>
/// <param name="Subject">The reply's subject, e.g. « Absence ».</param>
/// <param name="Text">The reply's text.</param>
public sealed record AutoReply(string Subject, string Text)
{
    /// <summary>The first day replies are sent (the operator's calendar), or null to start now.</summary>
    public DateOnly? FirstDay { get; init; }

    /// <summary>The last day replies are sent, included, or null for no end.</summary>
    public DateOnly? LastDay { get; init; }

    /// <summary>How many days before the same sender gets the reply again: 1 to 365, 1 by default.</summary>
    public int DaysBetweenReplies { get; init; } = 1;

    /// <summary>Whether replies are sent on a given day.</summary>
    public bool IsActiveOn(DateOnly day) => (FirstDay is null || day >= FirstDay) && (LastDay is null || day <= LastDay);
}
