namespace Esante.MsSante;

/// <summary>
/// Makes sessions for one MSSanté registration (<c>services.AddMssante(…)</c>): each <see cref="CreateSession"/> is a new,
/// signed-out session that the caller owns and disposes. A keyed registration (<c>services.AddMssante("chu-nantes", …)</c>)
/// has its own factory, resolved with that key.
/// </summary>
/// <remarks>
/// A signed-in session is a person's: keep it as long as the person works (a desktop application's lifetime, a web
/// application's user session) and dispose it at the end, which signs out and closes its mailboxes. Within a DI scope,
/// <see cref="IMssanteSession"/> is also registered as a scoped service made by this factory and disposed with the scope.
/// </remarks>
public interface IMssanteSessionFactory
{
    /// <summary>A new, signed-out session; dispose it when done.</summary>
    IMssanteSession CreateSession();
}
