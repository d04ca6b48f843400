
namespace Esante.MsSante;

/// <summary>A mailbox the signed-in person may open (« sélection de la boîte aux lettres »).</summary>
/// <param name="Address">The mailbox's address; for an organisational mailbox, the structure's address mail goes out under.</param>
/// <param name="Kind">The kind of mailbox.</param>
/// <param name="DisplayName">The name shown for it (a person's name, or the structure's).</param>
/// <param name="IsOwn">Whether it is the person's own mailbox rather than one they are a delegate of.</param>
public sealed record MailboxDescriptor(MssanteAddress Address, MailboxKind Kind, string DisplayName, bool IsOwn);
