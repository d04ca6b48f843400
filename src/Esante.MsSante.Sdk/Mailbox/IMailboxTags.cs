using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>The mailbox's tags (« Étiquettes »), each a name and a colour; a message is tagged through <see cref="IMailboxMessages.TagAsync"/>. Reached through <see cref="IMailboxClient.Tags"/>.</summary>
public interface IMailboxTags
{
    /// <summary>The mailbox's tags (« Création de tags »): names, colours and the IMAP keywords they put on messages.</summary>
    /// <exception cref="NotSupportedException">The operator keeps no settings (IMAP METADATA).</exception>
    Task<IReadOnlyList<MessageTag>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a tag.</summary>
    /// <param name="name">One line, 1 to 64 characters, unique in the mailbox regardless of case.</param>
    /// <param name="colour">The colour, <c>#RRGGBB</c>.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <exception cref="ArgumentException">The name or the colour is malformed.</exception>
    /// <exception cref="InvalidOperationException">The mailbox already has a tag with this name.</exception>
    Task<MessageTag> CreateAsync(string name, string colour, CancellationToken cancellationToken = default);

    /// <summary>Deletes a tag and takes it off every message that has it.</summary>
    /// <exception cref="ArgumentException">The mailbox has no tag with this name.</exception>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);
}
