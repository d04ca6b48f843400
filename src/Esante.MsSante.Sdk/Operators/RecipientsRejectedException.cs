namespace Esante.MsSante;

/// <summary>
/// The operator refused one or more recipients, so the message was not sent to anyone (nothing is half-sent):
/// correct or remove the recipients in <see cref="Recipients"/> and send again.
/// </summary>
public sealed class RecipientsRejectedException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    public RecipientsRejectedException(IReadOnlyList<RejectedRecipient> recipients)
        : base($"The operator refused {recipients?.Count} recipient(s); the message was sent to no one: {string.Join("; ", recipients ?? [])}")
    {
        ArgumentNullException.ThrowIfNull(recipients);
        Recipients = recipients;
    }

    /// <summary>The refused recipients and the server's reasons.</summary>
    public IReadOnlyList<RejectedRecipient> Recipients { get; }
}
