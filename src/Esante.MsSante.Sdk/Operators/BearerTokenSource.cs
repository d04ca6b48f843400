namespace Esante.MsSante;

/// <summary>
/// Gives the current access token (e.g. a Pro Santé Connect token, refreshed by the application). Called at each connection,
/// so reconnections use a fresh token; the SDK never stores a token beyond the connection that used it.
/// </summary>
/// <param name="cancellationToken">Cancels getting the token.</param>
/// <returns>The access token (a JWT).</returns>
public delegate ValueTask<string> BearerTokenSource(CancellationToken cancellationToken);
