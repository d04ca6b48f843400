namespace Esante.MsSante.Operators;

/// <summary>A recipient the operator refused, with the server's reason.</summary>
/// <param name="Address">The refused address.</param>
/// <param name="Reason">The server's reason, as it gave it (e.g. "550 5.1.1 User unknown").</param>
public sealed record RejectedRecipient(string Address, string Reason)
{
    /// <summary>The reason, with a patient address redacted.</summary>
    public override string ToString() => $"{Diagnostics.Redaction.Address(Address)}: {Reason}";
}
