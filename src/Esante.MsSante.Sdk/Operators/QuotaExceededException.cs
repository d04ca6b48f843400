namespace Esante.MsSante;

/// <summary>The mailbox is full (« capacité de stockage »): delete messages and empty the Trash, or export them first.</summary>
public sealed class QuotaExceededException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    public QuotaExceededException(string message, QuotaReport? quota = null) : base(message) => Quota = quota;

    /// <summary>The quota when the operation was refused, if known.</summary>
    public QuotaReport? Quota { get; }
}
