using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Web;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.Tests.Identity;

/// <summary>
/// A fake Pro Santé Connect (the integration realm) as an <see cref="HttpMessageHandler"/>: RSA signing keys published as a
/// JWKS, an authorisation step a test plays for the person (<see cref="Authorize"/>), a token endpoint that checks the client's
/// Basic or post credentials, the code, the redirect address and the PKCE verifier, refresh tokens that rotate and can be
/// revoked, and a userinfo endpoint answering JSON or a signed JWT. Tests bend it to refuse, delay or forge. It speaks through
/// the Testing package's <see cref="FakeOidcWire"/>, as the public <see cref="Testing.FakeProSanteConnect"/> does.
/// </summary>
internal sealed class FakeProSanteConnect : HttpMessageHandler
{
    public const string ClientId = "mssante-sdk-tests";
    public const string ClientSecret = "client-secret-for-tests-0123456789";
    public const string RedirectUri = "https://dpi.chu-test.fr/psc/callback";
    public const string Subject = "f:550e8400-e29b-41d4-a716-446655440000:810003456125";
    public const string NationalId = "810003456125";
    public const string GivenName = "Jeanne";
    public const string FamilyName = "DUPONT-TESTEUR";

    private readonly ConcurrentDictionary<string, CodeGrant> _codes = new();
    private readonly ConcurrentDictionary<string, RefreshGrant> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new();
    private readonly ConcurrentQueue<string> _idTokens = new();
    private readonly List<(string Kid, RsaSecurityKey Key)> _published = [];
    private readonly RsaSecurityKey _unpublished = NewKey("kid-unpublished");
    private int _jwksRequests, _codeRequests, _refreshRequests, _userInfoRequests, _nextKey;

    public FakeProSanteConnect(TimeProvider time)
    {
        Time = time;
        RotateKey();
    }

    public string Issuer { get; init; } = ProSanteConnectEndpoints.IntegrationIssuer;

    public TimeProvider Time { get; }

    /// <summary>The <c>acr</c> of the next ID tokens.</summary>
    public string? Acr { get; set; } = "eidas1";

    /// <summary>The e-mail address put in access tokens (the mailbox, for Dovecot's username_attribute).</summary>
    public string Email { get; set; } = "jeanne.dupont@chu-test.mssante.fr";

    /// <summary>Changes an ID token's claims before it is signed (wrong audience, issuer, nonce…).</summary>
    public Action<Dictionary<string, object?>>? EditIdToken { get; set; }

    /// <summary>Signs ID tokens with a key that is not published, under the published key's id.</summary>
    public bool SignIdTokensWithUnpublishedKey { get; set; }

    /// <summary>Issues the access tokens (e.g. HS256 ones the test mail stack accepts) instead of the fake's RS256 ones.</summary>
    public Func<string, string>? AccessTokenFactory { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    public bool UserInfoAsJwt { get; set; }

    /// <summary>The <c>Cache-Control: max-age</c> of the JWKS answer, if any.</summary>
    public TimeSpan? JwksMaxAge { get; set; }

    /// <summary>Extra claims of the userinfo answer (or replacements of the default ones).</summary>
    public Dictionary<string, object?> UserInfoOverrides { get; } = [];

    /// <summary>A refresh waits for this before answering, so a test can hold it while callers pile up.</summary>
    public TaskCompletionSource? RefreshGate { get; set; }

    /// <summary>Refreshes fail with this status (after <see cref="RefreshGate"/>), without an OAuth error.</summary>
    public HttpStatusCode? RefreshFailure { get; set; }

    /// <summary>Answers a request before the fake does; null lets the fake answer.</summary>
    public Func<HttpRequestMessage, string, HttpResponseMessage?>? Intercept { get; set; }

    public int JwksRequests => Volatile.Read(ref _jwksRequests);
    public int CodeRequests => Volatile.Read(ref _codeRequests);
    public int RefreshRequests => Volatile.Read(ref _refreshRequests);
    public int UserInfoRequests => Volatile.Read(ref _userInfoRequests);

    /// <summary>The codes handed out, to look for them where they must not be.</summary>
    public IEnumerable<string> Codes => _codes.Keys;

    /// <summary>Every refresh token handed out.</summary>
    public IEnumerable<string> RefreshTokens => _refreshTokens.Keys;

    /// <summary>Every ID token handed out.</summary>
    public IEnumerable<string> IdTokens => _idTokens;

    /// <summary>Signs ID tokens in place of the fake (an attacker's forgery): gets the claims and the published key's id and modulus.</summary>
    public Func<Dictionary<string, object?>, string, byte[], string>? ForgeIdToken { get; set; }

    /// <summary>Every access token handed out.</summary>
    public IEnumerable<string> AccessTokens => _accessTokens.Keys;

    /// <summary>A new signing key, published alone: tokens signed before name a key id the JWKS no longer has.</summary>
    public void RotateKey()
    {
        lock (_published)
        {
            _published.Clear();
            var kid = "kid-" + Interlocked.Increment(ref _nextKey);
            _published.Add((kid, NewKey(kid)));
        }
    }

    /// <summary>Pro Santé Connect ends every session: refresh tokens are refused from now on.</summary>
    public void RevokeRefreshTokens()
    {
        foreach (var token in _refreshTokens.Keys)
        {
            _refreshTokens[token] = _refreshTokens[token] with { Revoked = true };
        }
    }

    /// <summary>
    /// Plays the person's part at the authorisation page: checks the request as Pro Santé Connect would, and gives the callback
    /// address the browser is sent back to, with a code and the state.
    /// </summary>
    public Uri Authorize(Uri authorizationUri)
    {
        var query = HttpUtility.ParseQueryString(authorizationUri.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(ClientId, query["client_id"]);
        Assert.Equal(RedirectUri, query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new CodeGrant(query["redirect_uri"]!, query["code_challenge"]!, query["nonce"], Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        return new Uri($"{RedirectUri}?state={Uri.EscapeDataString(query["state"]!)}&session_state=abc&code={Uri.EscapeDataString(code)}");
    }

    /// <summary>An ID token as the fake would issue it, for tests that check one directly.</summary>
    public string IssueIdToken(string? nonce) => IdToken(nonce);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        if (Intercept?.Invoke(request, body) is { } intercepted)
        {
            return intercepted;
        }
        var path = request.RequestUri!.AbsoluteUri;
        if (path == Issuer + "/" + ProSanteConnectEndpoints.CertsPath && request.Method == HttpMethod.Get)
        {
            Interlocked.Increment(ref _jwksRequests);
            var keys = Json(HttpStatusCode.OK, Jwks());
            keys.Headers.CacheControl = JwksMaxAge is { } maxAge ? new CacheControlHeaderValue { MaxAge = maxAge } : null;
            return keys;
        }
        if (path == Issuer + "/" + ProSanteConnectEndpoints.TokenPath && request.Method == HttpMethod.Post)
        {
            return await TokenAsync(request, HttpUtility.ParseQueryString(body), cancellationToken);
        }
        if (path == Issuer + "/" + ProSanteConnectEndpoints.UserInfoPath && request.Method == HttpMethod.Get)
        {
            return UserInfo(request);
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private async Task<HttpResponseMessage> TokenAsync(HttpRequestMessage request, System.Collections.Specialized.NameValueCollection form, CancellationToken cancellationToken)
    {
        if (!FakeOidcWire.ClientAuthenticated(request, form, ClientId, ClientSecret))
        {
            return Error(HttpStatusCode.Unauthorized, "invalid_client", "Invalid client or Invalid client credentials");
        }
        switch (form["grant_type"])
        {
            case "authorization_code":
                Interlocked.Increment(ref _codeRequests);
                if (form["code"] is not { } code || !_codes.TryRemove(code, out var grant) || grant.ExpiresAt <= Time.GetUtcNow())
                {
                    return Error(HttpStatusCode.BadRequest, "invalid_grant", "Code not valid");
                }
                if (form["redirect_uri"] != grant.RedirectUri)
                {
                    return Error(HttpStatusCode.BadRequest, "invalid_grant", "Incorrect redirect_uri");
                }
                if (!FakeOidcWire.VerifierMatches(form["code_verifier"], grant.CodeChallenge))
                {
                    return Error(HttpStatusCode.BadRequest, "invalid_grant", "PKCE verification failed");
                }
                return Json(HttpStatusCode.OK, Tokens(grant.Nonce));
            case "refresh_token":
                Interlocked.Increment(ref _refreshRequests);
                if (RefreshFailure is { } failure)
                {
                    await (RefreshGate?.Task ?? Task.CompletedTask);
                    return new HttpResponseMessage(failure) { Content = new StringContent("<html>unavailable</html>") };
                }
                if (form["refresh_token"] is not { } refreshToken || !_refreshTokens.TryGetValue(refreshToken, out var refresh) ||
                    refresh.Revoked || refresh.ExpiresAt <= Time.GetUtcNow())
                {
                    return Error(HttpStatusCode.BadRequest, "invalid_grant", "Token is not active");
                }
                // Rotation: a refresh token serves once.
                _refreshTokens[refreshToken] = refresh with { Revoked = true };
                var answer = Json(HttpStatusCode.OK, Tokens(refresh.Nonce));
                if (RefreshGate is { } gate)
                {
                    // The refresh is done on this side; its answer is held (and lost if the client gives up meanwhile).
                    await gate.Task.WaitAsync(cancellationToken);
                }
                return answer;
            default:
                return Error(HttpStatusCode.BadRequest, "unsupported_grant_type", "Unsupported grant_type");
        }
    }

    private Dictionary<string, object?> Tokens(string? nonce)
    {
        var now = Time.GetUtcNow();
        var accessToken = AccessTokenFactory?.Invoke(Email) ?? Sign(new Dictionary<string, object?>
        {
            ["iss"] = Issuer, ["sub"] = Subject, ["email"] = Email, ["azp"] = ClientId, ["typ"] = "Bearer",
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = (now + AccessTokenLifetime).ToUnixTimeSeconds(), ["jti"] = Guid.NewGuid().ToString(),
        }, Signing());
        _accessTokens[accessToken] = now + AccessTokenLifetime;
        var refreshToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _refreshTokens[refreshToken] = new RefreshGrant(now + RefreshTokenLifetime, nonce, false);
        return new()
        {
            ["access_token"] = accessToken,
            ["expires_in"] = (long)AccessTokenLifetime.TotalSeconds,
            ["refresh_expires_in"] = (long)RefreshTokenLifetime.TotalSeconds,
            ["refresh_token"] = refreshToken,
            ["token_type"] = "Bearer",
            ["id_token"] = IdToken(nonce),
            ["not-before-policy"] = 0,
            ["session_state"] = Guid.NewGuid().ToString(),
            ["scope"] = "openid scope_all",
        };
    }

    private string IdToken(string? nonce)
    {
        var now = Time.GetUtcNow();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = Issuer, ["aud"] = ClientId, ["azp"] = ClientId, ["sub"] = Subject, ["typ"] = "ID",
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = (now + AccessTokenLifetime).ToUnixTimeSeconds(), ["auth_time"] = now.ToUnixTimeSeconds(),
            ["nonce"] = nonce, ["acr"] = Acr, ["SubjectNameID"] = NationalId, ["preferred_username"] = NationalId,
        };
        EditIdToken?.Invoke(claims);
        var signing = Signing();
        var token = ForgeIdToken is { } forge
            ? forge(claims.Where(c => c.Value is not null).ToDictionary(), signing.KeyId, signing.Rsa.ExportParameters(false).Modulus!)
            : Sign(claims, SignIdTokensWithUnpublishedKey ? new RsaSecurityKey(_unpublished.Rsa) { KeyId = signing.KeyId } : signing);
        _idTokens.Enqueue(token);
        return token;
    }

    private HttpResponseMessage UserInfo(HttpRequestMessage request)
    {
        Interlocked.Increment(ref _userInfoRequests);
        if (FakeOidcWire.BearerToken(request) is not { } token || !_accessTokens.TryGetValue(token, out var expiresAt) || expiresAt <= Time.GetUtcNow())
        {
            return FakeOidcWire.InvalidToken();
        }
        var claims = new Dictionary<string, object?>
        {
            ["sub"] = Subject, ["SubjectNameID"] = NationalId, ["given_name"] = GivenName, ["family_name"] = FamilyName,
            ["preferred_username"] = NationalId, ["codeCivilite"] = "MME",
            ["SubjectRefPro"] = new Dictionary<string, object?>
            {
                ["codeCivilite"] = "MME",
                ["exercices"] = new object[] { new Dictionary<string, object?> { ["codeProfession"] = "10", ["codeCategorieProfessionnelle"] = "C" } },
            },
        };
        if (UserInfoAsJwt)
        {
            claims["iss"] = Issuer;
            claims["aud"] = ClientId;
            claims["iat"] = Time.GetUtcNow().ToUnixTimeSeconds();
        }
        foreach (var (name, value) in UserInfoOverrides)
        {
            claims[name] = value;
        }
        if (!UserInfoAsJwt)
        {
            return Json(HttpStatusCode.OK, claims);
        }
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Sign(claims, Signing())) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jwt");
        return response;
    }

    private RsaSecurityKey Signing()
    {
        lock (_published)
        {
            return _published[^1].Key;
        }
    }

    private Dictionary<string, object?> Jwks()
    {
        lock (_published)
        {
            return FakeOidcWire.Jwks(_published.Select(k => k.Key));
        }
    }

    private static string Sign(Dictionary<string, object?> claims, RsaSecurityKey key) => FakeOidcWire.Sign(claims, key);

    private static RsaSecurityKey NewKey(string kid) => FakeOidcWire.NewKey(kid);

    private static HttpResponseMessage Error(HttpStatusCode status, string error, string description) => FakeOidcWire.Error(status, error, description);

    private static HttpResponseMessage Json(HttpStatusCode status, object body) => FakeOidcWire.Json(status, body);

    private sealed record CodeGrant(string RedirectUri, string CodeChallenge, string? Nonce, DateTimeOffset ExpiresAt);

    private sealed record RefreshGrant(DateTimeOffset ExpiresAt, string? Nonce, bool Revoked);
}
