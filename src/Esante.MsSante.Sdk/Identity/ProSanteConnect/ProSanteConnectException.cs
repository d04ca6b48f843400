namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// Signing in with Pro Santé Connect failed, or Pro Santé Connect refused or failed a call; <see cref="Failure"/> says why.
/// The message never holds a code, token, verifier, secret or name. A refresh token that is refused or a session that is over
/// is reported as <see cref="MssanteAuthenticationException"/> with <see cref="AuthenticationFailure.TokenExpired"/> instead.
/// </summary>
public sealed class ProSanteConnectException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why it failed.</param>
    /// <param name="message">A message for a person; never a code, token or secret.</param>
    /// <param name="providerError">The OAuth <c>error</c> code Pro Santé Connect answered, if any.</param>
    public ProSanteConnectException(ProSanteConnectFailure failure, string message, string? providerError = null)
        : base(message)
    {
        Failure = failure;
        ProviderError = providerError;
    }

    /// <summary>Why it failed.</summary>
    public ProSanteConnectFailure Failure { get; }

    /// <summary>The OAuth <c>error</c> code (RFC 6749 §5.2), e.g. <c>access_denied</c> or <c>invalid_grant</c>, when Pro Santé Connect gave one.</summary>
    public string? ProviderError { get; }
}
