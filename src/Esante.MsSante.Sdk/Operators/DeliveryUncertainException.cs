namespace Esante.MsSante.Operators;

/// <summary>
/// The message may or may not have been delivered: the connection dropped, or the caller cancelled, after the message
/// was handed to the operator and before the operator said whether it took it. The SDK does not send it again. Check the
/// Sent folder or ask the recipient before sending it again: sending it again blindly may deliver it twice.
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
        : base($"The message may or may not have been delivered ({reason}), so it was not sent again. Check Sent or with the recipient before sending it again.",
               innerException ?? new InvalidOperationException(reason))
    {
        MessageId = messageId ?? string.Empty;
    }

    /// <summary>The Message-ID of the message, without angle brackets: look for it in Sent or at the recipient's.</summary>
    public string MessageId { get; }
}
