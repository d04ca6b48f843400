using Esante.MsSante.Diagnostics;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Logging;

namespace Esante.MsSante.Identity.ProSanteConnect;

/// <summary>
/// A professional signed in with Pro Santé Connect. It holds the access, refresh and ID tokens in memory only (CONF.28) and
/// gives a fresh access token to each connection (<see cref="GetAccessTokenAsync"/>, a <see cref="BearerTokenSource"/>),
/// refreshing it shortly before it expires. When Pro Santé Connect refuses the refresh token, or the session has lasted
/// its longest or gone unused too long, the session ends and the token source throws
/// <see cref="MssanteAuthenticationException"/> with <see cref="AuthenticationFailure.TokenExpired"/> (CONF.10).
/// Thread-safe: concurrent callers share one refresh.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its wait handle is used, and it never is here.")]
public sealed class ProSanteConnectSession
{
    /// <summary>The least an access token must have left to be handed out when Pro Santé Connect cannot refresh it.</summary>
    internal static readonly TimeSpan MinimumRemainingLifetime = TimeSpan.FromSeconds(10);

    private readonly ProSanteConnectProvider _provider;
    private readonly ILogger _logger;
    private readonly string _nonce;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly object _gate = new();
    private TokenSet? _tokens;
    private string? _idTokenHint;
    private MssanteAuthenticationException? _ended;

    internal ProSanteConnectSession(ProSanteConnectProvider provider, TokenSet tokens, string subject, string acr, string nonce, DateTimeOffset signedInAt, ILogger logger)
    {
        _provider = provider;
        _tokens = tokens;
        _idTokenHint = tokens.IdToken;
        _nonce = nonce;
        _logger = logger;
        Subject = subject;
        AuthenticationLevel = acr;
        SignedInAt = signedInAt;
    }

    /// <summary>The person's identifier at Pro Santé Connect (<c>sub</c>): personal data, never logged by the SDK.</summary>
    public string Subject { get; }

    /// <summary>The authentication level of the sign-in (<c>acr</c>), at least <c>eidas1</c>.</summary>
    public string AuthenticationLevel { get; }

    /// <summary>When the person signed in.</summary>
    public DateTimeOffset SignedInAt { get; }

    /// <summary>The latest the session may last (<see cref="ProSanteConnectOptions.MaxSessionLifetime"/>, 4 hours): then the person signs in again.</summary>
    public DateTimeOffset ExpiresAt => SignedInAt + _provider.MaxSessionLifetime;

    /// <summary>When the current access token expires, or null once the session has ended.</summary>
    public DateTimeOffset? AccessTokenExpiresAt
    {
        get
        {
            lock (_gate)
            {
                return _tokens?.AccessTokenExpiresAt;
            }
        }
    }

    /// <summary>Whether the session still gives access tokens (not signed out, not ended by Pro Santé Connect or by time).</summary>
    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _ended is null;
            }
        }
    }

    /// <summary>
    /// The current access token, refreshed first when less than <see cref="ProSanteConnectOptions.RefreshBeforeExpiry"/> is left
    /// of it. Matches <see cref="BearerTokenSource"/>: pass <c>psc.GetAccessTokenAsync</c> to <see cref="IMssanteSession.SignInWithTokenAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the token.</param>
    /// <returns>The access token.</returns>
    /// <exception cref="MssanteAuthenticationException">
    /// <see cref="AuthenticationFailure.TokenExpired"/>: Pro Santé Connect refused the refresh token (<c>invalid_grant</c>), or the
    /// session is over (4 hours, or 30 minutes unused); <see cref="AuthenticationFailure.SessionEnded"/>: it was signed out. Sign in again.
    /// </exception>
    /// <exception cref="ProSanteConnectException">Pro Santé Connect could not refresh the token (unreachable, or an invalid answer) and the current one has expired.</exception>
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        var tokens = Current();
        if (IsFresh(tokens))
        {
            return tokens.AccessToken;
        }
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The caller before may have refreshed while this one waited.
            tokens = Current();
            return IsFresh(tokens) ? tokens.AccessToken : await RefreshAsync(tokens, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>
    /// The person's identity from the userinfo endpoint (JSON, or a signed JWT checked like the ID token's signature): their
    /// national identifier (<c>SubjectNameID</c>), names and every claim.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The person's claims.</returns>
    /// <exception cref="MssanteAuthenticationException">The session has ended (see <see cref="GetAccessTokenAsync"/>).</exception>
    /// <exception cref="ProSanteConnectException">The answer fails a check (signature, issuer, audience, another subject), Pro Santé Connect refused the token, or is unavailable.</exception>
    public async Task<ProSanteConnectUserInfo> GetUserInfoAsync(CancellationToken cancellationToken = default)
    {
        var accessToken = await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        using var claims = await _provider.GetUserInfoAsync(accessToken, cancellationToken).ConfigureAwait(false);
        var userInfo = ProSanteConnectUserInfo.FromClaims(claims.RootElement);
        if (!string.Equals(userInfo.Subject, Subject, StringComparison.Ordinal))
        {
            // OpenID Connect Core §5.3.2: an answer about someone else must not be used.
            throw new ProSanteConnectException(ProSanteConnectFailure.InvalidToken, "The userinfo answer is not about the signed-in person (sub).");
        }
        return userInfo;
    }

    /// <summary>
    /// Signs out: forgets the tokens at once (the SDK's mailboxes then fail with <see cref="AuthenticationFailure.SessionEnded"/>
    /// at their next connection) and gives Pro Santé Connect's end-session address (RP-initiated logout, with <c>id_token_hint</c>,
    /// <c>client_id</c> and <c>post_logout_redirect_uri</c>), where to send the browser to end the Pro Santé Connect session too.
    /// </summary>
    /// <param name="postLogoutRedirectUri">Where to come back to; <see cref="ProSanteConnectOptions.PostLogoutRedirectUri"/> when null. It must be registered.</param>
    /// <returns>The end-session address; it holds the ID token as a hint, so do not log it.</returns>
    public Uri SignOut(Uri? postLogoutRedirectUri = null)
    {
        string? hint;
        lock (_gate)
        {
            hint = _idTokenHint;
            _idTokenHint = null;
            End(new MssanteAuthenticationException(AuthenticationFailure.SessionEnded, "The Pro Santé Connect session was signed out: sign in again."));
        }
        var parameters = new List<string[]>();
        if (hint is not null)
        {
            parameters.Add(["id_token_hint", hint]);
        }
        parameters.Add(["client_id", _provider.ClientId]);
        if ((postLogoutRedirectUri ?? _provider.PostLogoutRedirectUri) is { } back)
        {
            parameters.Add(["post_logout_redirect_uri", back.OriginalString]);
        }
        return ProSanteConnectClient.WithQuery(_provider.Endpoints.Logout, parameters);
    }

    /// <summary>A description without tokens or personal data.</summary>
    public override string ToString() => $"ProSanteConnectSession {{ Subject = {Redaction.Redacted}, AuthenticationLevel = {AuthenticationLevel}, IsActive = {IsActive} }}";

    private TokenSet Current()
    {
        lock (_gate)
        {
            return _ended is { } ended ? throw new MssanteAuthenticationException(ended.Failure, ended.Message) : _tokens!;
        }
    }

    /// <summary>
    /// Whether the current token may still be handed out when a refresh failed: read on the clock after the failed call (it may
    /// have been slow), with <see cref="MinimumRemainingLifetime"/> left so a connection can still sign in with it.
    /// </summary>
    private bool StillUsable(TokenSet tokens) => tokens.AccessTokenExpiresAt - _provider.Time.GetUtcNow() > MinimumRemainingLifetime;

    private bool IsFresh(TokenSet tokens) => tokens.AccessTokenExpiresAt - _provider.Time.GetUtcNow() > _provider.RefreshBeforeExpiry;

    private async Task<string> RefreshAsync(TokenSet tokens, CancellationToken cancellationToken)
    {
        var now = _provider.Time.GetUtcNow();
        if (now >= ExpiresAt)
        {
            throw EndAsExpired("The Pro Santé Connect session has reached its longest life: sign in again with Pro Santé Connect.", "max-lifetime");
        }
        if (tokens.RefreshToken is null || tokens.RefreshTokenExpiresAt <= now)
        {
            throw EndAsExpired("The Pro Santé Connect session has expired (unused for too long): sign in again with Pro Santé Connect.", "idle");
        }
        TokenSet fresh;
        try
        {
            fresh = await _provider.RefreshAsync(tokens.RefreshToken, cancellationToken).ConfigureAwait(false);
            if (fresh.IdToken is not null)
            {
                // OpenID Connect Core §12.2: same issuer, audience and subject; the level is not asked again on a refresh.
                var (subject, _, nonce) = await _provider.ValidateIdTokenAsync(fresh.IdToken, expectedNonce: null, checkLevel: false, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(subject, Subject, StringComparison.Ordinal) || nonce is not null && !Pkce.FixedTimeEquals(nonce, _nonce))
                {
                    throw new ProSanteConnectException(ProSanteConnectFailure.InvalidToken, "The refreshed ID token is not about the signed-in person (sub or nonce).");
                }
            }
        }
        catch (ProSanteConnectException e) when (e.ProviderError == "invalid_grant")
        {
            throw EndAsExpired("Pro Santé Connect ended the session (the refresh token was refused): sign in again with Pro Santé Connect.", "refresh-refused");
        }
        catch (ProSanteConnectException e) when (e.Failure == ProSanteConnectFailure.ProviderUnavailable && StillUsable(tokens))
        {
            // The current token still works for a little while; the next call tries again.
            return tokens.AccessToken;
        }
        lock (_gate)
        {
            if (_ended is { } ended)
            {
                throw new MssanteAuthenticationException(ended.Failure, ended.Message);
            }
            _tokens = fresh with
            {
                RefreshToken = fresh.RefreshToken ?? tokens.RefreshToken,
                RefreshTokenExpiresAt = fresh.RefreshToken is null ? tokens.RefreshTokenExpiresAt : fresh.RefreshTokenExpiresAt,
                IdToken = fresh.IdToken ?? tokens.IdToken,
            };
            _idTokenHint = _tokens.IdToken;
        }
        _logger.ProSanteConnectTokenRefreshed();
        return fresh.AccessToken;
    }

    private MssanteAuthenticationException EndAsExpired(string message, string reason)
    {
        var error = new MssanteAuthenticationException(AuthenticationFailure.TokenExpired, message);
        lock (_gate)
        {
            End(error);
        }
        _logger.ProSanteConnectSessionEnded(reason);
        return error;
    }

    /// <summary>Forgets the tokens; later calls throw <paramref name="error"/>'s kind. Called under the lock.</summary>
    private void End(MssanteAuthenticationException error)
    {
        _ended ??= error;
        _tokens = null;
    }
}
