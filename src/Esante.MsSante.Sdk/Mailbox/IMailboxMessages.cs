using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>The messages in the folders: listing, watching for new ones, reading, marking read, moving, deleting, tagging, and answering a read-receipt request. Reached through <see cref="IMailboxClient.Messages"/>.</summary>
public interface IMailboxMessages
{
    /// <summary>Streams the summaries of a folder's messages (sender, subject, date, flags, size, MSSanté indicator), oldest first.</summary>
    /// <param name="folderPath">The folder; the inbox when null.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    IAsyncEnumerable<MessageInfo> ListAsync(string? folderPath = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams new messages as they arrive in a folder (the inbox when null), until cancelled: the new-message events an
    /// application reacts to. Uses IMAP IDLE where the operator offers it.
    /// </summary>
    /// <param name="folderPath">The folder; the inbox when null.</param>
    /// <param name="after">
    /// The last message the application has seen: messages after it are streamed first, so nothing is missed between a
    /// listing (or a restart) and the watch. When null, or when the folder was recreated since, only messages arriving from now.
    /// </param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <remarks>The stream also ends, without an error, when the mailbox client is disposed.</remarks>
    /// <exception cref="MssanteFolderNotFoundException">The folder does not exist.</exception>
    IAsyncEnumerable<MessageInfo> WatchAsync(string? folderPath = null, MessageRef? after = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole message. Reading does not mark it read: call <see cref="MarkAsReadAsync"/>.</summary>
    /// <exception cref="MssanteMessageNotFoundException">The message is not there any more.</exception>
    Task<ReceivedMessage> ReadAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>Marks a message read.</summary>
    Task MarkAsReadAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>Marks a message unread.</summary>
    Task MarkAsUnreadAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>Moves a message to another folder.</summary>
    /// <returns>Where the message is now.</returns>
    Task<MessageRef> MoveAsync(MessageRef message, string targetFolderPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes a message: it goes to the Trash; a message already in the Trash is deleted for good.</summary>
    /// <returns>Where the message is now, or null when it was deleted for good.</returns>
    Task<MessageRef?> DeleteAsync(MessageRef message, CancellationToken cancellationToken = default);

    /// <summary>Puts a tag on a message (its <see cref="MessageTag.Keyword"/> shows in <see cref="MessageInfo.Keywords"/>).</summary>
    /// <exception cref="ArgumentException">The mailbox has no tag with this name.</exception>
    /// <exception cref="MssanteMessageNotFoundException">The message is not there any more.</exception>
    Task TagAsync(MessageRef message, string tagName, CancellationToken cancellationToken = default);

    /// <summary>Takes a tag off a message.</summary>
    /// <exception cref="ArgumentException">The mailbox has no tag with this name.</exception>
    /// <exception cref="MssanteMessageNotFoundException">The message is not there any more.</exception>
    Task UntagAsync(MessageRef message, string tagName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns a read receipt (MDN, RFC 8098) for a received message that asks for one (<c>Disposition-Notification-To</c>):
    /// displayed, processed, or an integration failure with its error. The receipt carries the original message whole,
    /// goes out from this mailbox with the null reverse path (RFC 8098 §3: nothing bounces back) and a copy in Sent, and
    /// the original is marked <c>$MDNSent</c> (RFC 3503) so no second receipt is sent for it.
    /// </summary>
    /// <remarks>
    /// Called for one message from several threads at once, the calls run one after the other: the first sends the
    /// receipt, the others find <c>$MDNSent</c> set and throw <see cref="InvalidOperationException"/>.
    /// </remarks>
    /// <param name="message">The received message.</param>
    /// <param name="receipt">What to report: <see cref="ReadReceipt.Displayed"/>, <see cref="ReadReceipt.Processed"/> or <see cref="ReadReceipt.IntegrationFailed"/>.</param>
    /// <param name="cancellationToken">Stops before the receipt is sent.</param>
    /// <exception cref="InvalidOperationException">
    /// The message asks for no receipt, one was already sent, or an automatic receipt would go to another address than the
    /// message's Return-Path (RFC 8098 §2.1: ask the user, then send <see cref="ReadReceipt.ConfirmedByUser"/>).
    /// </exception>
    /// <exception cref="MessageRejectedException">The receipt's address is not one the address policy lets this mailbox write to.</exception>
    /// <exception cref="MssanteMessageNotFoundException">The message is not there any more.</exception>
    /// <exception cref="DeliveryUncertainException">
    /// Handed over, but the operator's answer never came: the original is marked <c>$MDNSent</c> all the same, since RFC 8098
    /// allows one receipt and never two.
    /// </exception>
    Task<SubmissionResult> SendReadReceiptAsync(MessageRef message, ReadReceipt receipt, CancellationToken cancellationToken = default);
}
