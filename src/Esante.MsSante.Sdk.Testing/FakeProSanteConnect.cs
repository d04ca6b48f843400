using System.Collections.Specialized;
using System.Net;
using System.Web;
using Esante.MsSante.ProSanteConnect;
using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.Testing;

/// <summary>
/// A fake Pro Santé Connect in front of a <see cref="FakeMssanteOperator"/>, as an <see cref="HttpMessageHandler"/> for the
/// <see cref="ProSanteConnectClient"/>'s HTTP client: <see cref="LogIn"/> plays the professional at the authorisation page, and
/// the token (authorisation code with PKCE, refresh with rotation), JWKS and userinfo endpoints answer as Pro Santé Connect does.
/// Its access tokens are the operator's (<see cref="FakeMssanteOperator.IssueAccessToken"/>, 2 minutes), so
/// <c>session.SignInWithTokenAsync(address, psc.GetAccessTokenAsync)</c> opens the fake mailbox; it runs on the operator's
/// clock, so <see cref="FakeMssanteOperator.AdvanceTime"/> makes tokens expire and the session refresh them.
/// </summary>
/// <example>
/// <code>
/// var server = new FakeMssanteOperator();
/// var alice = server.CreateAccount("alice.martin", "Motdepasse-1").Describe(rpps: "10003456125");
/// var psc = new FakeProSanteConnect(server);
/// var client = new ProSanteConnectClient(new HttpClient(psc), psc.Configure(new ProSanteConnectOptions()));
/// var authorization = client.CreateAuthorization();
/// var session = await client.CompleteSignInAsync(authorization, psc.LogIn(authorization.AuthorizationUri, alice));
/// </code>
/// </example>
public sealed class FakeProSanteConnect : HttpMessageHandler
{
    /// <summary>The fake's issuer; its token, userinfo and certs endpoints are under it (<see cref="ProSanteConnectEndpoints.TokenPath"/>…).</summary>
    public const string Issuer = "https://auth.psc.test/auth/realms/esante-wallet";

    /// <summary>The fake's authorisation page: <see cref="LogIn"/> takes addresses under it.</summary>
    public const string AuthorizationEndpoint = "https://wallet.psc.test/auth";

    /// <summary>The only client id the fake knows.</summary>
    public const string ClientId = "fake-psc-client";

    /// <summary>The secret of <see cref="ClientId"/>.</summary>
    public const string ClientSecret = "fake-psc-client-secret";

    /// <summary>The redirect address <see cref="Configure"/> sets when the options have none.</summary>
    public const string DefaultRedirectUri = "https://application.test/psc/callback";

    private static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private readonly FakeMssanteOperator _server;
    private readonly RsaSecurityKey _key = FakeOidcWire.NewKey("fake-psc-1");
    private readonly Dictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Grant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (FakeAccount Account, DateTimeOffset ExpiresAt)> _accessTokens = new(StringComparer.Ordinal);
    private bool _refuseNextRefresh;

    /// <summary>Creates a fake Pro Santé Connect whose access tokens <paramref name="server"/> accepts, on its clock.</summary>
    /// <param name="server">The fake operator.</param>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> is null.</exception>
    public FakeProSanteConnect(FakeMssanteOperator server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
    }

    /// <summary>The authentication level (<c>acr</c>) of the next log-ins' ID tokens. Default <c>eidas1</c>; e.g. <c>eidas0</c> to see a too low level refused.</summary>
    public string Acr { get; set; } = ProSanteConnectEndpoints.DefaultAcr;

    /// <summary>
    /// Points Pro Santé Connect options at this fake: its issuer, authorisation page, client id and secret, and the operator's
    /// clock; the redirect address is set to <see cref="DefaultRedirectUri"/> only when there is none.
    /// </summary>
    /// <param name="options">The options to change.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public ProSanteConnectOptions Configure(ProSanteConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Issuer = new Uri(Issuer);
        options.AuthorizationEndpoint = new Uri(AuthorizationEndpoint);
        options.ClientId = ClientId;
        options.ClientSecret = ClientSecret;
        options.RedirectUri ??= new Uri(DefaultRedirectUri);
        options.TimeProvider = _server.TimeProvider;
        return options;
    }

    /// <summary>
    /// Plays the professional signing in at the authorisation page (CPS card or e-CPS) as <paramref name="account"/>, and gives
    /// the callback address the browser is sent back to, with a code (valid 1 minute, once) and the request's state.
    /// </summary>
    /// <param name="authorizationUri">The address the application sends the browser to (<see cref="ProSanteConnectAuthorization.AuthorizationUri"/>).</param>
    /// <param name="account">Who signs in: their <see cref="FakeAccount.Identifier"/> (set with <see cref="FakeAccount.Describe"/>) becomes the <c>SubjectNameID</c>.</param>
    /// <returns>The callback address, for <see cref="ProSanteConnectClient.CompleteSignInAsync(ProSanteConnectAuthorization, Uri, CancellationToken)"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The address is not an authorisation request to this fake, for a code with S256 PKCE, from its client.</exception>
    public Uri LogIn(Uri authorizationUri, FakeAccount account)
    {
        ArgumentNullException.ThrowIfNull(authorizationUri);
        ArgumentNullException.ThrowIfNull(account);
        var query = HttpUtility.ParseQueryString(authorizationUri.Query);
        if (!authorizationUri.AbsoluteUri.StartsWith(AuthorizationEndpoint + "?", StringComparison.Ordinal) || query["response_type"] != "code" ||
            query["client_id"] != ClientId || query["code_challenge_method"] != Pkce.Method || query["code_challenge"] is not { Length: > 0 } challenge ||
            query["state"] is not { } state || !Uri.TryCreate(query["redirect_uri"], UriKind.Absolute, out var redirectUri))
        {
            throw new InvalidOperationException("This is not an authorisation request to the fake Pro Santé Connect (see Configure), for a code with S256 PKCE.");
        }
        var code = FakeOidcWire.NewSecret();
        lock (_gate)
        {
            _codes[code] = new Grant(account, redirectUri.OriginalString, challenge, query["nonce"], Acr, Now + CodeLifetime);
        }
        var separator = redirectUri.Query.Length > 0 ? "&" : "?";
        return new Uri($"{redirectUri.OriginalString}{separator}state={Uri.EscapeDataString(state)}&session_state={Guid.NewGuid()}&code={Uri.EscapeDataString(code)}");
    }

    /// <summary>The next refresh is refused with <c>invalid_grant</c>, as when Pro Santé Connect has ended the session.</summary>
    public void RefuseNextRefresh()
    {
        lock (_gate)
        {
            _refuseNextRefresh = true;
        }
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var address = request.RequestUri?.AbsoluteUri;
        if (address == $"{Issuer}/{ProSanteConnectEndpoints.CertsPath}" && request.Method == HttpMethod.Get)
        {
            return FakeOidcWire.Json(HttpStatusCode.OK, FakeOidcWire.Jwks([_key]));
        }
        if (address == $"{Issuer}/{ProSanteConnectEndpoints.TokenPath}" && request.Method == HttpMethod.Post)
        {
            return Token(request, HttpUtility.ParseQueryString(body));
        }
        if (address == $"{Issuer}/{ProSanteConnectEndpoints.UserInfoPath}" && request.Method == HttpMethod.Get)
        {
            return UserInfo(request);
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private DateTimeOffset Now => _server.TimeProvider.GetUtcNow();

    private HttpResponseMessage Token(HttpRequestMessage request, NameValueCollection form)
    {
        if (!FakeOidcWire.ClientAuthenticated(request, form, ClientId, ClientSecret))
        {
            return FakeOidcWire.Error(HttpStatusCode.Unauthorized, "invalid_client", "Invalid client or Invalid client credentials");
        }
        Grant? grant;
        lock (_gate)
        {
            switch (form["grant_type"])
            {
                case "authorization_code":
                    if (form["code"] is not { } code || !_codes.Remove(code, out grant) || grant.ExpiresAt <= Now)
                    {
                        return FakeOidcWire.Error(HttpStatusCode.BadRequest, "invalid_grant", "Code not valid");
                    }
                    if (form["redirect_uri"] != grant.RedirectUri)
                    {
                        return FakeOidcWire.Error(HttpStatusCode.BadRequest, "invalid_grant", "Incorrect redirect_uri");
                    }
                    if (!FakeOidcWire.VerifierMatches(form["code_verifier"], grant.CodeChallenge))
                    {
                        return FakeOidcWire.Error(HttpStatusCode.BadRequest, "invalid_grant", "PKCE verification failed");
                    }
                    break;
                case "refresh_token":
                    // Rotation: a refresh token serves once.
                    var refused = _refuseNextRefresh;
                    _refuseNextRefresh = false;
                    if (form["refresh_token"] is not { } refreshToken || !_refreshTokens.Remove(refreshToken, out grant) || grant.ExpiresAt <= Now || refused)
                    {
                        return FakeOidcWire.Error(HttpStatusCode.BadRequest, "invalid_grant", "Token is not active");
                    }
                    break;
                default:
                    return FakeOidcWire.Error(HttpStatusCode.BadRequest, "unsupported_grant_type", "Unsupported grant_type");
            }
            return FakeOidcWire.Json(HttpStatusCode.OK, Tokens(grant));
        }
    }

    /// <summary>New tokens for a grant (under the lock).</summary>
    private Dictionary<string, object?> Tokens(Grant grant)
    {
        var now = Now;
        var accessToken = _server.IssueAccessToken(grant.Account, AccessTokenLifetime);
        _accessTokens[accessToken] = (grant.Account, now + AccessTokenLifetime);
        var refreshToken = FakeOidcWire.NewSecret();
        _refreshTokens[refreshToken] = grant with { ExpiresAt = now + RefreshTokenLifetime };
        var nationalId = grant.Account.Identifier?.NationalId;
        var idToken = FakeOidcWire.Sign(new Dictionary<string, object?>
        {
            ["iss"] = Issuer, ["aud"] = ClientId, ["azp"] = ClientId, ["sub"] = Subject(grant.Account), ["typ"] = "ID",
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = (now + AccessTokenLifetime).ToUnixTimeSeconds(), ["auth_time"] = now.ToUnixTimeSeconds(),
            ["nonce"] = grant.Nonce, ["acr"] = grant.Acr, ["SubjectNameID"] = nationalId, ["preferred_username"] = nationalId ?? grant.Account.UserName,
        }, _key);
        return new()
        {
            ["access_token"] = accessToken,
            ["expires_in"] = (long)AccessTokenLifetime.TotalSeconds,
            ["refresh_expires_in"] = (long)RefreshTokenLifetime.TotalSeconds,
            ["refresh_token"] = refreshToken,
            ["token_type"] = "Bearer",
            ["id_token"] = idToken,
            ["scope"] = ProSanteConnectEndpoints.DefaultScope,
        };
    }

    private HttpResponseMessage UserInfo(HttpRequestMessage request)
    {
        FakeAccount account;
        lock (_gate)
        {
            if (FakeOidcWire.BearerToken(request) is not { } token || !_accessTokens.TryGetValue(token, out var issued) || issued.ExpiresAt <= Now)
            {
                return FakeOidcWire.InvalidToken();
            }
            account = issued.Account;
        }
        var nationalId = account.Identifier?.NationalId;
        return FakeOidcWire.Json(HttpStatusCode.OK, new Dictionary<string, object?>
        {
            ["sub"] = Subject(account), ["SubjectNameID"] = nationalId, ["given_name"] = account.FirstName, ["family_name"] = account.LastName,
            ["preferred_username"] = nationalId ?? account.UserName,
        }.Where(c => c.Value is not null).ToDictionary());
    }

    /// <summary>The <c>sub</c>: stable for an account, shaped like Pro Santé Connect's (<c>f:…:national id</c>).</summary>
    private static string Subject(FakeAccount account) => $"f:fake-psc:{account.UserName}";

    private sealed record Grant(FakeAccount Account, string RedirectUri, string CodeChallenge, string? Nonce, string Acr, DateTimeOffset ExpiresAt);
}
