namespace Esante.MsSante;

/// <summary>A recipient the operator refused, with the server's reason.</summary>
/// <param name="Address">The refused address.</param>
/// <param name="Reason">
/// The server's reason, as it gave it (e.g. "550 5.1.1 &lt;…&gt;: User unknown"). It often repeats the address, so for a
/// patient it holds the INS: show or log <see cref="ToString"/>, which redacts it.
/// </param>
public sealed record RejectedRecipient(string Address, string Reason)
{
    /// <summary>The address and the reason, with a patient's address and INS redacted from both.</summary>
    public override string ToString() => $"{Redaction.Address(Address)}: {Redaction.ServerText(Reason)}";
}
