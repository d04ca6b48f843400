namespace Esante.MsSante;

/// <summary>Which delivery status notifications (DSN, RFC 3461 <c>NOTIFY=</c>) to ask the servers for.</summary>
[Flags]
public enum DeliveryStatusRequest
{
    /// <summary>Let the servers decide (no NOTIFY parameter).</summary>
    Default = 0,

    /// <summary>Report successful delivery.</summary>
    Success = 1,

    /// <summary>Report failed delivery.</summary>
    Failure = 2,

    /// <summary>Report delayed delivery.</summary>
    Delay = 4,

    /// <summary>Never report (NOTIFY=NEVER).</summary>
    Never = 8,
}
