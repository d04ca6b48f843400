using System.Web;
using Esante.MsSante.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// Signs a health professional in with Pro Santé Connect (OpenID Connect, authorisation code with PKCE), so the application
/// gets a <see cref="ProSanteConnectSession"/> whose access token it hands to
/// <see cref="IMssanteSession.SignInWithTokenAsync"/>: <c>session.SignInWithTokenAsync(address, psc.GetAccessTokenAsync)</c>.
/// </summary>
/// <remarks>
/// <para>
/// The sign-in has two steps: <see cref="CreateAuthorization"/> gives the address to send the browser to, and
/// <see cref="CompleteSignInAsync(ProSanteConnectAuthorization, Uri, CancellationToken)"/> takes the callback, checks its state,
/// exchanges the code and checks the ID token (signature with the issuer's published keys, issuer, audience, times, nonce, and an
/// authentication level of at least <c>eidas1</c>).
/// </para>
/// <para>The client is thread-safe and keeps the issuer's keys: keep one for the application's lifetime.</para>
/// </remarks>
public class ProSanteConnectClient
{
    private readonly ProSanteConnectProvider _provider = null!;
    private readonly ILogger _logger = NullLogger.Instance;

    /// <summary>For mocking frameworks.</summary>
    protected ProSanteConnectClient()
    {
    }

    /// <summary>Creates a client (usually through dependency injection: <c>services.AddMssanteProSanteConnect(…)</c>).</summary>
    /// <param name="httpClient">The HTTP client (from <c>IHttpClientFactory</c>, or kept for the application's lifetime).</param>
    /// <param name="options">The settings, read once here.</param>
    /// <param name="loggerFactory">Where to log (never a token, code or name); nothing when null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid (no client id, secret or redirect address…).</exception>
    public ProSanteConnectClient(HttpClient httpClient, ProSanteConnectOptions options, ILoggerFactory? loggerFactory = null)
        : this(httpClient is null ? throw new ArgumentNullException(nameof(httpClient)) : () => httpClient, options, loggerFactory)
    {
    }

    /// <summary>A client calling Pro Santé Connect with an HTTP client made for each request (from <see cref="IHttpClientFactory"/>).</summary>
    internal ProSanteConnectClient(Func<HttpClient> httpClient, ProSanteConnectOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ProSanteConnectOptionsValidator.ThrowIfInvalid(options);
        _provider = new ProSanteConnectProvider(httpClient, options, options.TimeProvider ?? TimeProvider.System);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ProSanteConnectClient>();
    }

    /// <summary>
    /// Reaches Pro Santé Connect for the health check: fetches its published keys (the certs endpoint) over TLS, without
    /// signing anyone in.
    /// </summary>
    /// <returns>The endpoint reached.</returns>
    /// <exception cref="ProSanteConnectException">Unreachable, or its answer is not a key set.</exception>
    internal async Task<string> ProbeAsync(CancellationToken cancellationToken)
    {
        if (_provider is null)
        {
            return "A substitute client (made for a test): nothing to reach.";
        }
        await _provider.FetchJwksAsync(cancellationToken).ConfigureAwait(false);
        return $"Pro Santé Connect answered at {_provider.Endpoints.Certs.GetLeftPart(UriPartial.Authority)}.";
    }

    /// <summary>
    /// Starts a sign-in: a new <c>state</c>, <c>nonce</c> and PKCE code verifier, and the authorisation address with
    /// <c>response_type=code</c>, the client id, the redirect address, the scope, <c>acr_values</c> and the S256 code challenge.
    /// Redirect the browser to <see cref="ProSanteConnectAuthorization.AuthorizationUri"/> and keep the authorisation for the callback.
    /// </summary>
    /// <returns>The authorisation, to keep in the server's memory, found again by its <see cref="ProSanteConnectAuthorization.State"/>, until the callback; it expires after <see cref="ProSanteConnectOptions.AuthorizationLifetime"/>.</returns>
    public virtual ProSanteConnectAuthorization CreateAuthorization()
    {
        var state = Pkce.NewRandomValue();
        var nonce = Pkce.NewRandomValue();
        var verifier = Pkce.NewVerifier();
        string[][] parameters =
        [
            ["response_type", "code"],
            ["client_id", _provider.ClientId],
            ["redirect_uri", _provider.RedirectUri.OriginalString],
            ["scope", _provider.Scope],
            ["state", state],
            ["nonce", nonce],
            ["code_challenge", Pkce.Challenge(verifier)],
            ["code_challenge_method", Pkce.Method],
            ["acr_values", _provider.Acr],
        ];
        var uri = WithQuery(_provider.Endpoints.Authorization, parameters);
        return new ProSanteConnectAuthorization(uri, state, nonce, verifier, _provider.RedirectUri, _provider.Time.GetUtcNow());
    }

    /// <summary>
    /// Completes the sign-in from the callback address Pro Santé Connect redirected the browser to (with <c>code</c> and
    /// <c>state</c>, or <c>error</c> and <c>state</c>). The state is checked first, an error callback's too.
    /// </summary>
    /// <param name="authorization">The authorisation <see cref="CreateAuthorization"/> gave for this sign-in; it serves once.</param>
    /// <param name="callbackUri">The full callback address, with its query.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>The signed-in session.</returns>
    /// <exception cref="ProSanteConnectException">
    /// The person cancelled or Pro Santé Connect refused (<see cref="ProSanteConnectFailure.ProviderRefused"/>), the state differs
    /// (<see cref="ProSanteConnectFailure.StateMismatch"/>), the authorisation was already used or has expired
    /// (<see cref="ProSanteConnectFailure.AuthorizationExpired"/>, <see cref="ProSanteConnectOptions.AuthorizationLifetime"/>), the ID token fails a check
    /// (<see cref="ProSanteConnectFailure.InvalidToken"/>, <see cref="ProSanteConnectFailure.AuthenticationLevelTooLow"/>), or
    /// Pro Santé Connect is unavailable or answered nonsense.
    /// </exception>
    public virtual Task<ProSanteConnectSession> CompleteSignInAsync(ProSanteConnectAuthorization authorization, Uri callbackUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(callbackUri);
        var query = HttpUtility.ParseQueryString(callbackUri.IsAbsoluteUri ? callbackUri.Query : string.Empty);
        try
        {
            return CompleteFromQuery(authorization, query, cancellationToken);
        }
        catch (ProSanteConnectException e)
        {
            _logger.ProSanteConnectSignInRefused(e.Failure);
            throw;
        }
    }

    private Task<ProSanteConnectSession> CompleteFromQuery(ProSanteConnectAuthorization authorization, System.Collections.Specialized.NameValueCollection query, CancellationToken cancellationToken)
    {
        if (query["error"] is { } error)
        {
            // An error is believed only from the callback of this sign-in: a forged one must not end it.
            CheckState(authorization, query["state"]);
            var code = ProviderText.ErrorCode(error, query["code"]);
            var description = ProviderText.Sanitize(query["error_description"], query["code"]);
            throw new ProSanteConnectException(ProSanteConnectFailure.ProviderRefused,
                $"Pro Santé Connect did not sign the person in: {code}{(description.Length > 0 ? " (" + description + ")" : string.Empty)}.", code);
        }
        if (query["code"] is not { Length: > 0 } authorizationCode || query["state"] is not { } state)
        {
            throw new ProSanteConnectException(ProSanteConnectFailure.InvalidResponse, "The callback address has no code or no state: it is not Pro Santé Connect's answer.");
        }
        return CompleteSignInWithCodeAsync(authorization, authorizationCode, state, cancellationToken);
    }

    /// <summary>Completes the sign-in with the callback's <c>code</c> and <c>state</c>, for applications that read the query themselves.</summary>
    /// <param name="authorization">The authorisation <see cref="CreateAuthorization"/> gave for this sign-in; it serves once.</param>
    /// <param name="code">The callback's <c>code</c>.</param>
    /// <param name="state">The callback's <c>state</c>, compared in constant time with the authorisation's.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>The signed-in session.</returns>
    /// <exception cref="ProSanteConnectException">As <see cref="CompleteSignInAsync(ProSanteConnectAuthorization, Uri, CancellationToken)"/>.</exception>
    public virtual async Task<ProSanteConnectSession> CompleteSignInWithCodeAsync(ProSanteConnectAuthorization authorization, string code, string state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(state);
        using var traced = SdkTelemetry.Start(SdkTelemetry.ProSanteConnectSignIn, System.Diagnostics.ActivityKind.Client);
        try
        {
            CheckState(authorization, state);
            if (_provider.Time.GetUtcNow() - authorization.CreatedAt > _provider.AuthorizationLifetime)
            {
                throw new ProSanteConnectException(ProSanteConnectFailure.AuthorizationExpired,
                    "This sign-in was started too long ago (its authorisation has expired): start the sign-in again.");
            }
            if (!authorization.TryUse())
            {
                throw new ProSanteConnectException(ProSanteConnectFailure.AuthorizationAlreadyUsed, "This sign-in was already completed: start a new one.");
            }
            var tokens = await _provider.RedeemCodeAsync(code, authorization.CodeVerifier, cancellationToken).ConfigureAwait(false);
            if (tokens.IdToken is null)
            {
                throw new ProSanteConnectException(ProSanteConnectFailure.InvalidResponse, "The token endpoint gave no ID token: check that the scope includes openid.");
            }
            var (subject, acr, _) = await _provider.ValidateIdTokenAsync(tokens.IdToken, authorization.Nonce, checkLevel: true, cancellationToken).ConfigureAwait(false);
            var session = new ProSanteConnectSession(_provider, tokens, subject, acr!, authorization.Nonce, _provider.Time.GetUtcNow(), _logger);
            _logger.ProSanteConnectSignedIn(acr!);
            return session;
        }
        catch (Exception e) when (SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
        catch (ProSanteConnectException e)
        {
            _logger.ProSanteConnectSignInRefused(e.Failure);
            throw;
        }
    }

    /// <summary>Compares the callback's <c>state</c> with the authorisation's, in constant time.</summary>
    private static void CheckState(ProSanteConnectAuthorization authorization, string? state)
    {
        if (!Pkce.FixedTimeEquals(state, authorization.State))
        {
            throw new ProSanteConnectException(ProSanteConnectFailure.StateMismatch,
                "The callback's state is not the one of this sign-in (a forged or mixed-up callback): start the sign-in again.");
        }
    }

    /// <summary>The address with these parameters added to its query.</summary>
    internal static Uri WithQuery(Uri address, IEnumerable<string[]> parameters)
    {
        var text = address.AbsoluteUri;
        var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p[0]) + "=" + Uri.EscapeDataString(p[1])));
        return new Uri(text + (text.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
    }
}
