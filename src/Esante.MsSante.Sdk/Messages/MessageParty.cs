
namespace Esante.MsSante;

/// <summary>A sender or recipient as written in a received message: an optional display name and an address.</summary>
/// <param name="Name">The display name, if any.</param>
/// <param name="Address">The address as written (it may be outside the trust space, e.g. a delivery report).</param>
public sealed record MessageParty(string? Name, string Address)
{
    /// <summary>The address as an MSSanté address, or null when it is outside the trust space.</summary>
    public MssanteAddress? ToMssanteAddress(TrustedDomainList? trustedDomains = null) =>
        MssanteAddress.TryParse(Address, trustedDomains ?? TrustedDomainList.Default, out var address, out _) ? address : null;

    /// <summary>The party with a patient's address redacted.</summary>
    public override string ToString() => Name is null ? Redaction.Address(Address) : $"{Name} <{Redaction.Address(Address)}>";
}
