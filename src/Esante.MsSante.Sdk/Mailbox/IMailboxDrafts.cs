using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>Messages being written (« Enregistrer le brouillon »): saved in Drafts, read back, and sent. Reached through <see cref="IMailboxClient.Drafts"/>.</summary>
public interface IMailboxDrafts
{
    /// <summary>
    /// Saves a message being written in the Drafts folder (« Enregistrer le brouillon »), marked <c>\Draft</c>, to finish
    /// later here or in the webmail. The message is checked as <see cref="IMailboxClient.SendAsync"/> checks it, except that it may have
    /// no recipient yet; Bcc recipients are kept in the draft (and left out of the headers when it is sent).
    /// </summary>
    /// <param name="message">The message so far. An XDM package is built when the message is sent: add it then.</param>
    /// <param name="replacing">
    /// The draft this one replaces (an earlier save of the same message), deleted for good once the new one is stored (if
    /// that fails, it stays in Drafts and it is logged: the new draft's place is returned all the same); null for a first save.
    /// </param>
    /// <param name="cancellationToken">Stops before the draft is stored.</param>
    /// <returns>Where the draft is.</returns>
    /// <exception cref="ArgumentException">The message has an XDM package, or <paramref name="replacing"/> is not in Drafts.</exception>
    /// <exception cref="MessageRejectedException">A policy refused the message (an address outside the trust space, an attachment over the limit, a header injection…).</exception>
    /// <exception cref="MailboxAccessDeniedException">The mailbox is a colleague's of which only folders are shared with this account.</exception>
    /// <exception cref="QuotaExceededException">The mailbox is full; the earlier draft, if any, is kept.</exception>
    Task<MessageRef> SaveAsync(OutgoingMessage message, MessageRef? replacing = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a draft back as a message to go on writing or to send: recipients (Bcc included), subject, bodies,
    /// attachments (every part that is not a body, attached messages and inline images included), read-receipt request,
    /// threading and end-of-conversation marks, and the signature choice. The delivery-status request is not kept in a
    /// draft; the signature is added when the message is sent.
    /// </summary>
    /// <exception cref="MssanteMessageNotFoundException">The draft is not there any more.</exception>
    Task<OutgoingMessage> ReadAsync(MessageRef draft, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a saved draft as <see cref="IMailboxClient.SendAsync"/> sends a message, then deletes the draft for good. A draft that cannot
    /// be deleted after the message went out stays in Drafts (logged): the message is not sent twice.
    /// </summary>
    /// <remarks>
    /// Called for one draft from several threads at once, the calls run one after the other: the first sends it, the
    /// others then find it gone and throw <see cref="MssanteMessageNotFoundException"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The message is not in the Drafts folder.</exception>
    /// <exception cref="MessageRejectedException">A policy refused the message; nothing was sent and the draft is kept.</exception>
    /// <exception cref="MssanteMessageNotFoundException">The draft is not there any more.</exception>
    /// <exception cref="RecipientsRejectedException">The operator refused recipients; nothing was sent and the draft is kept.</exception>
    /// <exception cref="DeliveryUncertainException">Handed over, but the operator's answer never came; the draft is kept, so nothing is lost.</exception>
    Task<SubmissionResult> SendAsync(MessageRef draft, CancellationToken cancellationToken = default);
}
