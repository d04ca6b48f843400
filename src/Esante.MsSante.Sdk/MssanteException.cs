namespace Esante.MsSante;

/// <summary>
/// Base of the SDK's errors that a caller may want to handle as a group. Messages never contain message content,
/// subjects, patient addresses, INS, passwords or tokens.
/// </summary>
public class MssanteException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MssanteException() { }

    /// <summary>Creates the exception with a message.</summary>
    public MssanteException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public MssanteException(string message, Exception innerException) : base(message, innerException) { }
}
