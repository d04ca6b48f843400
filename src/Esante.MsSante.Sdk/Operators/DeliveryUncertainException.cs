namespace Esante.MsSante;

/// <summary>
/// The message may or may not have been delivered: the connection dropped, or the caller cancelled, after the message
/// was handed to the operator and before the operator said whether it took it. The SDK does not send it again, and saves
/// no copy in Sent (it does not know whether there is anything to copy). Ask the recipient before sending it again:
/// sending it again blindly may deliver it twice. A draft sent from Drafts is kept there, so nothing is lost.
/// </summary>
/// <remarks>
/// It is the third outcome of a send, beside a result (delivered once) and the other exceptions (nothing delivered). It is
/// not an <see cref="MssanteConnectionException"/>, so code that retries on connection failures does not retry it.
/// </remarks>
public sealed class DeliveryUncertainException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="messageId">The Message-ID of the message whose delivery is uncertain, without angle brackets.</param>
    /// <param name="reason">What happened, in words that carry no health data.</param>
    /// <param name="innerException">The failure or cancellation behind it.</param>
    public DeliveryUncertainException(string messageId, string reason, Exception? innerException = null)
        : base($"The message may or may not have been delivered ({reason}), so it was not sent again and no copy was saved in Sent. Check with the recipient before sending it again.",
               innerException ?? new InvalidOperationException(reason))
    {
        MessageId = messageId ?? string.Empty;
        Reason = reason ?? string.Empty;
    }

    /// <summary>What happened, as given to the constructor (no health data).</summary>
    internal string Reason { get; }

    /// <summary>The Message-ID of the message, without angle brackets: ask the recipient about it.</summary>
    public string MessageId { get; }
}
