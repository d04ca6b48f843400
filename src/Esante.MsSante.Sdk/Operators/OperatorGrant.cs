
namespace Esante.MsSante.Operators;

/// <summary>
/// Proof that a person has signed in to an operator. Operators derive from it to keep what they need to reach mailboxes
/// (in memory only: never persisted).
/// </summary>
public class OperatorGrant
{
    /// <summary>Creates a grant.</summary>
    /// <param name="userName">The user name (« prénom.nom »).</param>
    /// <param name="address">The person's own MSSanté address, if they have a personal mailbox.</param>
    /// <param name="signedInAt">When the sign-in completed.</param>
    public OperatorGrant(string userName, MssanteAddress? address, DateTimeOffset signedInAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        UserName = userName;
        Address = address;
        SignedInAt = signedInAt;
    }

    /// <summary>The user name (« prénom.nom »).</summary>
    public string UserName { get; }

    /// <summary>The person's own MSSanté address, if any.</summary>
    public MssanteAddress? Address { get; }

    /// <summary>When the sign-in completed.</summary>
    public DateTimeOffset SignedInAt { get; }
}
