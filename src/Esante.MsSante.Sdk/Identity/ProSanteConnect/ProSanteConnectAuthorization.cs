using System.Globalization;
using Esante.MsSante.Diagnostics;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// One sign-in under way: the address to send the person's browser to, and the secrets the callback is checked against
/// (<c>state</c>, <c>nonce</c>, the PKCE code verifier). It is never logged and its <see cref="ToString"/> shows no secret.
/// </summary>
/// <remarks>
/// Keep it in the server's memory between the redirect and the callback, keyed by <see cref="State"/> (the callback brings the
/// state back), for one sign-in only; never in a cookie, the browser or a page, and it cannot be exported: the secrets it holds
/// must not leave the server. It expires: the callback is refused (<see cref="ProSanteConnectFailure.AuthorizationExpired"/>)
/// once it is older than <see cref="ProSanteConnectOptions.AuthorizationLifetime"/> (10 minutes), so drop it from memory then too.
/// </remarks>
public sealed class ProSanteConnectAuthorization
{
    private int _used;

    internal ProSanteConnectAuthorization(Uri authorizationUri, string state, string nonce, string codeVerifier, Uri redirectUri, DateTimeOffset createdAt)
    {
        AuthorizationUri = authorizationUri;
        State = state;
        Nonce = nonce;
        CodeVerifier = codeVerifier;
        RedirectUri = redirectUri;
        CreatedAt = createdAt;
    }

    /// <summary>Where to redirect the person's browser: Pro Santé Connect's authorisation page with this sign-in's parameters.</summary>
    public Uri AuthorizationUri { get; }

    /// <summary>
    /// The <c>state</c> sent with the request and expected back in the callback; an application holding several sign-ins may
    /// find this one by it. It is checked in constant time by <see cref="ProSanteConnectClient.CompleteSignInAsync(ProSanteConnectAuthorization, Uri, CancellationToken)"/>.
    /// </summary>
    public string State { get; }

    /// <summary>When the authorisation was created; it expires <see cref="ProSanteConnectOptions.AuthorizationLifetime"/> later.</summary>
    public DateTimeOffset CreatedAt { get; }

    internal string Nonce { get; }

    internal string CodeVerifier { get; }

    internal Uri RedirectUri { get; }

    /// <summary>Marks the authorisation used; false when it already was.</summary>
    internal bool TryUse() => Interlocked.Exchange(ref _used, 1) == 0;

    /// <summary>A description without any secret.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"ProSanteConnectAuthorization {{ CreatedAt = {CreatedAt:O}, State = {Redaction.Redacted} }}");
}
