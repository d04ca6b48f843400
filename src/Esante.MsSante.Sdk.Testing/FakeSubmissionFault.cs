namespace Esante.MsSante.Testing;

/// <summary>
/// What goes wrong with a send on the fake operator (<see cref="FakeOperatorFaults.FailNextSubmissions"/>), one for each
/// outcome a send can have on a real operator. The fake delivers, or not, as the outcome says.
/// </summary>
public enum FakeSubmissionFault
{
    /// <summary>Nothing: the send goes through.</summary>
    None,

    /// <summary>The connection drops before the message is handed over: nothing delivered, <see cref="MssanteConnectionException"/> (sending again is safe).</summary>
    DropBeforeHandOver,

    /// <summary>The caller's token is cancelled before the message is handed over: nothing delivered, <see cref="OperationCanceledException"/>.</summary>
    CancelBeforeHandOver,

    /// <summary>
    /// The connection drops after the message is handed over and the operator took it: delivered once, no copy in Sent,
    /// <see cref="DeliveryUncertainException"/>.
    /// </summary>
    DropAfterHandOver,

    /// <summary>
    /// The operator never answers after the message is handed over, and did not take it: nothing delivered,
    /// <see cref="DeliveryUncertainException"/>.
    /// </summary>
    LostAfterHandOver,

    /// <summary>
    /// The caller's token is cancelled after the message is handed over: delivered once, copy in Sent, and the send
    /// reports success (the cancel came too late to change anything).
    /// </summary>
    CancelAfterHandOver,

    /// <summary>Delivered once and reported so, but the copy in Sent could not be saved (<see cref="SubmissionResult.SentCopyError"/>).</summary>
    SentCopyFails,
}
