
namespace Esante.MsSante;

/// <summary>A message does not exist (or no longer exists): it was moved, deleted or expunged.</summary>
public sealed class MssanteMessageNotFoundException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    public MssanteMessageNotFoundException(MessageRef message)
        : base($"Message {message} does not exist: it was moved or deleted.")
    {
        Message = message;
    }

    /// <summary>The missing message.</summary>
    public new MessageRef Message { get; }
}
