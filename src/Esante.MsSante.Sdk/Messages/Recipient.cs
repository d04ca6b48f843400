
namespace Esante.MsSante;

/// <summary>
/// A recipient of an outgoing message, as the application has it. The address is checked by the address policy when the
/// message is sent, so every problem of every recipient is reported at once.
/// </summary>
/// <param name="Address">The address (<c>prenom.nom@structure.mssante.fr</c>).</param>
/// <param name="DisplayName">The name to show, if any.</param>
public sealed record Recipient(string Address, string? DisplayName = null)
{
    /// <summary>A recipient from a parsed MSSanté address.</summary>
    public static implicit operator Recipient(MssanteAddress address) => FromAddress(address);

    /// <summary>A recipient from a parsed MSSanté address.</summary>
    public static Recipient FromAddress(MssanteAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new Recipient(address.Value);
    }

    /// <summary>The recipient with a patient's address redacted.</summary>
    public override string ToString() => new MessageParty(DisplayName, Address).ToString();
}
