namespace Esante.MsSante.ProSanteConnect;

/// <summary>Why signing in with Pro Santé Connect, or a call to it, failed.</summary>
public enum ProSanteConnectFailure
{
    /// <summary>Pro Santé Connect answered with an OAuth error (<see cref="ProSanteConnectException.ProviderError"/>): the person cancelled, the code was refused, the client is not allowed…</summary>
    ProviderRefused,

    /// <summary>The callback's <c>state</c> is not the one of this sign-in: a forged or mixed-up callback. Start again.</summary>
    StateMismatch,

    /// <summary>The authorisation was already completed once: each one serves a single sign-in.</summary>
    AuthorizationAlreadyUsed,

    /// <summary>A token or signed answer failed a check: signature, issuer, audience, times, nonce, or subject.</summary>
    InvalidToken,

    /// <summary>The person signed in below the required level (the ID token's <c>acr</c> is lower than <c>eidas1</c>, or absent).</summary>
    AuthenticationLevelTooLow,

    /// <summary>Pro Santé Connect answered something that is not a valid OpenID Connect answer.</summary>
    InvalidResponse,

    /// <summary>Pro Santé Connect could not be reached, timed out, or failed (5xx). Trying again later may work.</summary>
    ProviderUnavailable,

    /// <summary>The authorisation is older than <see cref="ProSanteConnectOptions.AuthorizationLifetime"/> (10 minutes): start the sign-in again.</summary>
    AuthorizationExpired,
}
