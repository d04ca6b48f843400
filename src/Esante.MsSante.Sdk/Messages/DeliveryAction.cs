namespace Esante.MsSante;

/// <summary>What a server did for one recipient, as a delivery status notification says (RFC 3464 §2.3.3 <c>Action</c>).</summary>
public enum DeliveryAction
{
    /// <summary>An action this SDK does not know, or none.</summary>
    Unknown = 0,

    /// <summary>The message could not be delivered and will not be: a bounce.</summary>
    Failed,

    /// <summary>Not delivered yet; the server goes on trying.</summary>
    Delayed,

    /// <summary>Delivered to the recipient's mailbox.</summary>
    Delivered,

    /// <summary>Handed to a system that sends no delivery status notifications.</summary>
    Relayed,

    /// <summary>Delivered to a list or alias, which sent it on to several addresses.</summary>
    Expanded,
}
