namespace Esante.MsSante;

/// <summary>The signed-in person may not open this mailbox: it is neither theirs nor an organisational mailbox they are a delegate of.</summary>
public sealed class MailboxAccessDeniedException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    public MailboxAccessDeniedException(string message) : base(message) { }
}
