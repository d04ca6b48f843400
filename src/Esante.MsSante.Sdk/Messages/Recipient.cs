
namespace Esante.MsSante;

/// <summary>
/// A recipient of an outgoing message, as the application has it. The address's form is checked when the recipient is made
/// (<see cref="ArgumentException"/>, with the message the send would give); whether it is in the MSSanté trust space is
/// checked by the address policy when the message is sent, so every such problem of every recipient is reported at once.
/// </summary>
public sealed record Recipient
{
    private readonly string _address = string.Empty;

    /// <summary>A recipient.</summary>
    /// <param name="address">The address (<c>prenom.nom@structure.mssante.fr</c>).</param>
    /// <param name="displayName">The name to show, if any.</param>
    /// <exception cref="ArgumentException">The address is not a bare mailbox address (empty, a display name, no '@', a line break…).</exception>
    public Recipient(string address, string? displayName = null)
    {
        Address = address;
        DisplayName = displayName;
    }


    // The unchecked constructor: its last parameter only tells it apart.
    private Recipient(string address, string? displayName, ValueTuple _)
    {
        _address = address;
        DisplayName = displayName;
    }

    /// <summary>The address (<c>prenom.nom@structure.mssante.fr</c>).</summary>
    /// <exception cref="ArgumentException">The address is not a bare mailbox address.</exception>
    public string Address
    {
        get => _address;
        init => _address = MssanteAddress.CheckSyntax(value, out _, out _) is { } error ? throw new ArgumentException(error, nameof(Address)) : value;
    }

    /// <summary>The name to show, if any.</summary>
    public string? DisplayName { get; init; }

    /// <summary>A recipient from a parsed MSSanté address.</summary>
    public static implicit operator Recipient(MssanteAddress address) => FromAddress(address);

    /// <summary>A recipient from a parsed MSSanté address.</summary>
    public static Recipient FromAddress(MssanteAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new Recipient(address.Value);
    }

    /// <summary>Gives the address and the name.</summary>
    /// <param name="address">The address.</param>
    /// <param name="displayName">The name to show, if any.</param>
    public void Deconstruct(out string address, out string? displayName)
    {
        address = Address;
        displayName = DisplayName;
    }

    /// <summary>The recipient with a patient's address redacted.</summary>
    public override string ToString() => new MessageParty(DisplayName, Address).ToString();

    // A recipient read back from a stored draft, kept as it was written (elsewhere, perhaps) for the send to report it.
    internal static Recipient Unchecked(string address, string? displayName) => new(address, displayName, _: default);
}
