using Esante.MsSante.Diagnostics;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Logging;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// A professional signed in with Pro Santé Connect. It holds the access, refresh and ID tokens in memory only (CONF.28) and
/// gives an access token to each connection (<see cref="GetAccessTokenAsync"/>, a <see cref="BearerTokenSource"/>),
/// refreshing it first when it expires within <see cref="ProSanteConnectOptions.RefreshBeforeExpiry"/>; nothing refreshes it
/// in the background. When Pro Santé Connect refuses the refresh token, or the session has lasted its longest or gone unused
/// too long, the session ends and the token source throws <see cref="MssanteAuthenticationException"/> with
/// <see cref="AuthenticationFailure.TokenExpired"/> (CONF.10).
/// </summary>
/// <remarks>
/// Thread-safe: concurrent callers share one refresh, which none of them can cancel (a caller's cancellation only stops its own
/// wait) and which gives up on its own after 30 seconds. A failed refresh fails for every caller waiting for it, and the next
/// attempt waits 5 seconds; meanwhile the current token is handed out while it has more than 10 seconds left.
/// </remarks>
public sealed class ProSanteConnectSession
{
    /// <summary>The least an access token must have left to be handed out when Pro Santé Connect cannot refresh it.</summary>
    internal static readonly TimeSpan MinimumRemainingLifetime = TimeSpan.FromSeconds(10);

    /// <summary>How long after a failed refresh the next one may start; meanwhile callers get that failure (or the still valid token).</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>The longest a refresh may take, whoever waits for it.</summary>
    internal static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(30);

    private readonly ProSanteConnectProvider _provider;
    private readonly ILogger _logger;
    private readonly string _nonce;
    private readonly object _gate = new();
    private TokenSet? _tokens;
    private Task<string>? _refresh;
    private ProSanteConnectException? _lastFailure;
    private DateTimeOffset _retryAfter;
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
    /// of it. When Pro Santé Connect cannot refresh it for now, the current token is still returned while it has more than 10
    /// seconds left. Matches <see cref="BearerTokenSource"/>: pass <c>psc.GetAccessTokenAsync</c> to <see cref="IMssanteSession.SignInWithTokenAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops this caller's wait; a refresh under way goes on for the others and the session.</param>
    /// <returns>The access token.</returns>
    /// <exception cref="MssanteAuthenticationException">
    /// <see cref="AuthenticationFailure.TokenExpired"/>: Pro Santé Connect refused the refresh token (<c>invalid_grant</c>), its
    /// refreshed ID token was about someone else, or the session is over (4 hours, or 30 minutes unused);
    /// <see cref="AuthenticationFailure.SessionEnded"/>: it was signed out. Sign in again.
    /// </exception>
    /// <exception cref="ProSanteConnectException">
    /// The refresh failed and the current token has 10 seconds or less left: <see cref="ProSanteConnectFailure.ProviderUnavailable"/>
    /// (unreachable, too slow, 5xx, <c>temporarily_unavailable</c>; try again a little later: a new attempt waits 5 seconds after a
    /// failure, and callers meanwhile get the same failure), <see cref="ProSanteConnectFailure.InvalidResponse"/> or
    /// <see cref="ProSanteConnectFailure.ProviderRefused"/>; or <see cref="ProSanteConnectFailure.InvalidToken"/>: the refreshed
    /// ID token was about someone else, and the session has ended.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        var tokens = Current();
        if (IsFresh(tokens))
        {
            return tokens.AccessToken;
        }
        Task<string> refresh;
        lock (_gate)
        {
            tokens = Current();
            if (IsFresh(tokens))
            {
                // A refresh that ended meanwhile brought it.
                return tokens.AccessToken;
            }
            if (_refresh is not { IsCompleted: false })
            {
                if (_lastFailure is { } failure && _provider.Time.GetUtcNow() < _retryAfter)
                {
                    // A refresh failed a moment ago: not again at once, for this caller nor the next ones.
                    return StillUsable(tokens) ? tokens.AccessToken : throw new ProSanteConnectException(failure.Failure, failure.Message, failure.ProviderError);
                }
                _refresh = Task.Run(() => RefreshAsync(tokens), CancellationToken.None);
                // Observed even when every caller stopped waiting.
                _refresh.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            refresh = _refresh;
        }
        // The refresh is shared: a caller that gives up stops waiting for it, not the refresh itself (its answer may hold a
        // rotated refresh token that must not be lost).
        return await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
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
    /// Ends the session on this side: forgets the tokens at once (the SDK's mailboxes then fail with
    /// <see cref="AuthenticationFailure.SessionEnded"/> at their next connection) and gives Pro Santé Connect's end-session address
    /// (RP-initiated logout, with <c>id_token_hint</c>, <c>client_id</c> and <c>post_logout_redirect_uri</c>).
    /// </summary>
    /// <remarks>
    /// Nothing is sent to Pro Santé Connect and nothing is revoked there: its session, and the tokens already issued, stay valid
    /// until the person's browser visits the returned address (redirect it there) or they expire.
    /// </remarks>
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

    /// <summary>
    /// The one refresh under way, shared by every caller: not cancelled by any of them, bounded by <see cref="RefreshTimeout"/>.
    /// The new refresh token is kept as soon as the token endpoint answers, before the checks that may fail for a passing reason.
    /// </summary>
    private async Task<string> RefreshAsync(TokenSet tokens)
    {
        using var traced = SdkTelemetry.Start(SdkTelemetry.TokenRefresh, System.Diagnostics.ActivityKind.Client, SdkTelemetry.OperationDuration, SdkTelemetry.TokenRefreshes.Enabled);
        try
        {
            return await RefreshTracedAsync(tokens, traced).ConfigureAwait(false);
        }
        catch (Exception e) when (SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
        finally
        {
            SdkTelemetry.Refreshed(traced);
        }
    }

    /// <summary>The refresh; a failure that leaves the current token in use is marked on <paramref name="traced"/> all the same.</summary>
    private async Task<string> RefreshTracedAsync(TokenSet tokens, TracedOperation? traced)
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
        using var timeout = new CancellationTokenSource(RefreshTimeout);
        TokenSet fresh;
        try
        {
            try
            {
                fresh = await _provider.RefreshAsync(tokens.RefreshToken, timeout.Token).ConfigureAwait(false);
            }
            catch (ProSanteConnectException e) when (e.ProviderError == "invalid_grant")
            {
                throw EndAsExpired("Pro Santé Connect ended the session (the refresh token was refused): sign in again with Pro Santé Connect.", "refresh-refused");
            }
            // The refresh token rotates: the old one is spent, so the new one is kept before anything else can fail.
            Keep(tokens with
            {
                RefreshToken = fresh.RefreshToken ?? tokens.RefreshToken,
                RefreshTokenExpiresAt = fresh.RefreshToken is null ? tokens.RefreshTokenExpiresAt : fresh.RefreshTokenExpiresAt,
            });
            if (fresh.IdToken is not null)
            {
                await CheckRefreshedIdTokenAsync(fresh.IdToken, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var late = new ProSanteConnectException(ProSanteConnectFailure.ProviderUnavailable, "Pro Santé Connect did not answer in time: try again later.");
            traced?.Fail(late);
            return Failed(tokens, late);
        }
        catch (ProSanteConnectException e) when (IsActive)
        {
            traced?.Fail(e);
            return Failed(tokens, e);
        }
        var kept = Keep(fresh with
        {
            RefreshToken = fresh.RefreshToken ?? tokens.RefreshToken,
            RefreshTokenExpiresAt = fresh.RefreshToken is null ? tokens.RefreshTokenExpiresAt : fresh.RefreshTokenExpiresAt,
            IdToken = fresh.IdToken ?? tokens.IdToken,
        });
        lock (_gate)
        {
            _idTokenHint = kept.IdToken;
            _lastFailure = null;
        }
        _logger.ProSanteConnectTokenRefreshed();
        return kept.AccessToken;
    }

    /// <summary>OpenID Connect Core §12.2: same issuer, audience and subject; the level is not asked again on a refresh.</summary>
    private async Task CheckRefreshedIdTokenAsync(string idToken, CancellationToken cancellationToken)
    {
        var (subject, _, nonce) = await _provider.ValidateIdTokenAsync(idToken, expectedNonce: null, checkLevel: false, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(subject, Subject, StringComparison.Ordinal) || nonce is not null && !Pkce.FixedTimeEquals(nonce, _nonce))
        {
            // Tokens about someone else, or from another sign-in: none of this answer is used, and the session ends.
            var error = new ProSanteConnectException(ProSanteConnectFailure.InvalidToken, "The refreshed ID token is not about the signed-in person (sub or nonce): sign in again.");
            lock (_gate)
            {
                End(new MssanteAuthenticationException(AuthenticationFailure.TokenExpired, error.Message));
            }
            _logger.ProSanteConnectSessionEnded("refreshed-id-token-refused");
            throw error;
        }
    }

    /// <summary>
    /// A refresh failed without ending the session: the next attempt waits <see cref="RetryDelay"/>; meanwhile the current token
    /// is handed out while it has <see cref="MinimumRemainingLifetime"/> left, else the failure is thrown.
    /// </summary>
    private string Failed(TokenSet tokens, ProSanteConnectException error)
    {
        lock (_gate)
        {
            if (_ended is { } ended)
            {
                throw new MssanteAuthenticationException(ended.Failure, ended.Message);
            }
            _lastFailure = error;
            _retryAfter = _provider.Time.GetUtcNow() + RetryDelay;
        }
        return error.Failure == ProSanteConnectFailure.ProviderUnavailable && StillUsable(tokens) ? tokens.AccessToken : throw error;
    }

    /// <summary>Stores tokens unless the session has ended meanwhile.</summary>
    private TokenSet Keep(TokenSet tokens)
    {
        lock (_gate)
        {
            if (_ended is { } ended)
            {
                throw new MssanteAuthenticationException(ended.Failure, ended.Message);
            }
            _tokens = tokens;
            return tokens;
        }
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
