namespace Esante.MsSante;

/// <summary>
/// The operator could not be reached or the connection failed: server unreachable, wrong port, TLS refused (an unknown
/// certificate authority, no TLS offered), or the connection dropped during an operation whose outcome is unknown.
/// </summary>
public sealed class MssanteConnectionException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    public MssanteConnectionException(string message, Exception? innerException = null)
        : base(message, innerException ?? new InvalidOperationException(message))
    {
    }
}
