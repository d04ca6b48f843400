using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>
/// One open mailbox, personal or organisational: folders, the message list, reading, flags, deleting to the Trash, sending,
/// quota and retention. Thread-safe; keep it while the mailbox is in use and dispose it at the end.
/// </summary>
/// <remarks>
/// Calls from several threads at once are safe and each takes effect once: one draft sent from several threads goes out
/// once, one message gets one read receipt, and concurrent changes of one setting (tags, retention, signatures, rules,
/// contact folders) are applied one after the other, none lost. Disposing while calls run returns within a few seconds
/// and throws nothing: calls still waiting stop with <see cref="ObjectDisposedException"/>, running ones finish within a
/// short grace or are cut off (a send then reported as <see cref="DeliveryUncertainException"/>), watches end, and every
/// later call throws <see cref="ObjectDisposedException"/>.
/// </remarks>
public interface IMailboxClient : IAsyncDisposable
{
    /// <summary>The mailbox: its address (the one mail goes out under), kind and name.</summary>
    MailboxDescriptor Mailbox { get; }

    /// <summary>What this mailbox offers at this operator (rules, settings, sharing, quota): check before calling what it may lack.</summary>
    MailboxCapabilities Capabilities { get; }

    /// <summary>The mailbox's folders (« dossiers de mails »): listing, creating, renaming and deleting them, the Trash, sharing with colleagues, retention, export and import.</summary>
    IMailboxFolders Folders { get; }

    /// <summary>The messages in the folders: listing, watching for new ones, reading, marking read, moving, deleting, tagging, and answering a read-receipt request.</summary>
    IMailboxMessages Messages { get; }

    /// <summary>Messages being written (« Enregistrer le brouillon »): saved in Drafts, read back, and sent.</summary>
    IMailboxDrafts Drafts { get; }

    /// <summary>The mailbox's tags (« Étiquettes »), each a name and a colour; a message is tagged through <see cref="IMailboxMessages.TagAsync"/>.</summary>
    IMailboxTags Tags { get; }

    /// <summary>The mailbox's contact folders (« Contacts ») and the contacts in them.</summary>
    IMailboxContacts Contacts { get; }

    /// <summary>The mailbox's preferences: the rules (out-of-office reply, notification address, forwarding) and the signatures.</summary>
    IMailboxSettings Settings { get; }

    /// <summary>
    /// Sends a message from this mailbox (for an organisational mailbox, under the structure's address) and keeps a copy in Sent.
    /// Every policy is checked first; a refused message sends nothing.
    /// </summary>
    /// <exception cref="MessageRejectedException">A policy refused the message; every violation is listed.</exception>
    /// <exception cref="MailboxAccessDeniedException">The mailbox is a colleague's of which only folders are shared with this account.</exception>
    /// <exception cref="RecipientsRejectedException">The operator refused recipients; nothing was sent.</exception>
    /// <exception cref="QuotaExceededException">The mailbox is full; nothing was sent.</exception>
    /// <exception cref="MssanteConnectionException">The connection dropped before the message was handed over; nothing was sent, and sending it again is safe.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the message was handed over; nothing was sent. A cancel after it changes nothing: the send completes and reports its outcome.</exception>
    /// <exception cref="DeliveryUncertainException">Handed over, but the operator's answer never came: it may or may not have been delivered, and is not sent again.</exception>
    Task<SubmissionResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default);

    /// <summary>The storage used and the limit (« capacité de stockage »).</summary>
    Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default);
}
