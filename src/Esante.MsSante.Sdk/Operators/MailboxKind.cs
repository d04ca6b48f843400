namespace Esante.MsSante;

/// <summary>The kinds of MSSanté mailbox (« Type de BAL »).</summary>
public enum MailboxKind
{
    /// <summary>A person's own mailbox (PER).</summary>
    Personal,

    /// <summary>An organisational mailbox shared by delegates of a structure (ORG); mail goes out under the structure's address.</summary>
    Organisational,

    /// <summary>An applicative mailbox used by software (APP).</summary>
    Applicative,

    /// <summary>A practice's mailbox (CAB).</summary>
    Practice,
}
