namespace Esante.MsSante.Operators;

/// <summary>
/// An operator that can say whether its servers are reachable without signing anyone in, for the health check
/// (<c>services.AddHealthChecks().AddMssante()</c>).
/// </summary>
internal interface IOperatorProbe
{
    /// <summary>Reaches the operator's servers (TLS checked as for a sign-in) and disconnects.</summary>
    /// <returns>What was reached, without any user's data.</returns>
    /// <exception cref="MssanteConnectionException">A server is unreachable, silent, or its certificate is not trusted.</exception>
    Task<string> ProbeAsync(CancellationToken cancellationToken);
}
