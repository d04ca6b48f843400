using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Esante.MsSante.Operators;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// The conversation with Pro Santé Connect shared by the client and its sessions: the token endpoint, the userinfo endpoint,
/// the signing keys, and the checks of what comes back. Secrets it sends never reach an exception message.
/// </summary>
internal sealed class ProSanteConnectProvider
{
    /// <summary>Asymmetric signatures only: a token signed with a shared secret, or unsigned, is refused.</summary>
    private static readonly string[] SigningAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>The longest answer read from Pro Santé Connect: 1 MiB.</summary>
    internal const int MaxAnswerBytes = 1024 * 1024;

    /// <summary>Pro Santé Connect's access tokens last 2 minutes: assumed when the answer does not say.</summary>
    private static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromMinutes(2);

    // A client per request: from IHttpClientFactory, whose handlers are recycled, or always the one the caller gave.
    private readonly Func<HttpClient> _http;
    private readonly string? _clientSecret;
    private readonly ProSanteConnectClientAuthentication _clientAuthentication;
    private readonly JsonWebTokenHandler _handler = new();

    public ProSanteConnectProvider(Func<HttpClient> http, ProSanteConnectOptions options, TimeProvider time)
    {
        _http = http;
        Endpoints = ResolvedEndpoints.From(options);
        ClientId = options.ClientId.Trim();
        _clientSecret = options.ClientSecret;
        _clientAuthentication = options.ClientAuthentication;
        RedirectUri = options.RedirectUri!;
        PostLogoutRedirectUri = options.PostLogoutRedirectUri;
        Scope = options.Scope;
        Acr = options.Acr;
        MinimumLevel = AuthenticationLevel.Parse(options.Acr)!.Value;
        ClockSkew = options.ClockSkew;
        RefreshBeforeExpiry = options.RefreshBeforeExpiry;
        RefreshTokenLifetime = options.RefreshTokenLifetime;
        MaxSessionLifetime = options.MaxSessionLifetime;
        AuthorizationLifetime = options.AuthorizationLifetime;
        Time = time;
        Keys = new ProviderKeys(FetchJwksAsync, time);
    }

    public ResolvedEndpoints Endpoints { get; }
    public string ClientId { get; }
    public Uri RedirectUri { get; }
    public Uri? PostLogoutRedirectUri { get; }
    public string Scope { get; }
    public string Acr { get; }
    public int MinimumLevel { get; }
    public TimeSpan ClockSkew { get; }
    public TimeSpan RefreshBeforeExpiry { get; }
    public TimeSpan RefreshTokenLifetime { get; }
    public TimeSpan MaxSessionLifetime { get; }
    public TimeSpan AuthorizationLifetime { get; }
    public TimeProvider Time { get; }
    public ProviderKeys Keys { get; }

    /// <summary>Exchanges an authorisation code (with its PKCE verifier) for tokens.</summary>
    public Task<TokenSet> RedeemCodeAsync(string code, string codeVerifier, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", RedirectUri.OriginalString), new("code_verifier", codeVerifier)],
            "the authorisation code", [code, codeVerifier], cancellationToken);

    /// <summary>Gets fresh tokens with the refresh token.</summary>
    public Task<TokenSet> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        RequestTokensAsync([new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], "the refresh token", [refreshToken], cancellationToken);

    private async Task<TokenSet> RequestTokensAsync(List<KeyValuePair<string, string>> form, string what, string?[] secrets, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoints.Token);
        if (_clientAuthentication == ProSanteConnectClientAuthentication.ClientSecretBasic)
        {
            // RFC 6749 §2.3.1: each part form-encoded, then joined and base64-encoded.
            var credentials = WebUtility.UrlEncode(ClientId) + ":" + WebUtility.UrlEncode(_clientSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }
        else
        {
            form.Add(new("client_id", ClientId));
            form.Add(new("client_secret", _clientSecret!));
        }
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var now = Time.GetUtcNow();
        var (_, body, _) = await SendAsync(request, what, [.. secrets, _clientSecret], cancellationToken).ConfigureAwait(false);
        using var json = ParseObject(body, "token endpoint");
        var root = json.RootElement;
        var accessToken = String(root, "access_token")
            ?? throw Invalid("The token endpoint's answer has no access_token.");
        if (!string.Equals(String(root, "token_type"), "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("The token endpoint's answer is not a Bearer token (token_type).");
        }
        var accessExpiry = Seconds(root, "expires_in") is { } accessLife ? Diagnostics.RemoteValues.After(now, accessLife)
            : AccessTokens.ExpiresAt(accessToken) ?? now + DefaultAccessTokenLifetime;
        var refreshToken = String(root, "refresh_token");
        DateTimeOffset? refreshExpiry = refreshToken is null ? null
            : Seconds(root, "refresh_expires_in") is { } refreshLife ? Diagnostics.RemoteValues.After(now, refreshLife)
            : now + RefreshTokenLifetime;
        return new TokenSet(accessToken, accessExpiry, refreshToken, refreshExpiry, String(root, "id_token"));
    }

    /// <summary>The claims of the userinfo endpoint, from its JSON or from its signed JWT (checked like an ID token's signature).</summary>
    public async Task<JsonDocument> GetUserInfoAsync(string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Endpoints.UserInfo);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/jwt"));
        var (mediaType, body, _) = await SendAsync(request, "the access token at userinfo", [accessToken], cancellationToken).ConfigureAwait(false);
        if (string.Equals(mediaType, "application/jwt", StringComparison.OrdinalIgnoreCase))
        {
            var jwt = await ValidateSignedAsync(body.Trim(), "userinfo answer", audienceRequired: false, cancellationToken).ConfigureAwait(false);
            CheckTimes(jwt, "userinfo answer", required: false);
            return ParseObject(Base64UrlEncoder.Decode(jwt.EncodedPayload), "userinfo endpoint");
        }
        if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return ParseObject(body, "userinfo endpoint");
        }
        throw Invalid("The userinfo endpoint answered neither JSON nor a signed JWT.");
    }

    /// <summary>
    /// Checks an ID token: signature with the issuer's keys, <c>iss</c>, <c>aud</c> (and <c>azp</c>), <c>exp</c> and <c>iat</c>
    /// within the clock skew, <c>sub</c>, the <c>nonce</c> when one is expected, and the authentication level when asked.
    /// </summary>
    /// <returns>The token's subject and <c>acr</c>.</returns>
    public async Task<(string Subject, string? Acr, string? Nonce)> ValidateIdTokenAsync(string idToken, string? expectedNonce, bool checkLevel, CancellationToken cancellationToken)
    {
        var jwt = await ValidateSignedAsync(idToken, "ID token", audienceRequired: true, cancellationToken).ConfigureAwait(false);
        CheckTimes(jwt, "ID token", required: true);
        var subject = Claim(jwt, "sub");
        if (string.IsNullOrEmpty(subject))
        {
            throw InvalidToken("The ID token has no subject (sub).");
        }
        var nonce = Claim(jwt, "nonce");
        if (expectedNonce is not null && !Pkce.FixedTimeEquals(nonce, expectedNonce))
        {
            throw InvalidToken("The ID token's nonce is not the one of this sign-in: it was not issued for it (replayed or mixed up).");
        }
        var acr = Claim(jwt, "acr");
        if (checkLevel && (AuthenticationLevel.Parse(acr) is not { } level || level < MinimumLevel))
        {
            throw new ProSanteConnectException(ProSanteConnectFailure.AuthenticationLevelTooLow,
                $"The person signed in at the authentication level '{ProviderText.Sanitize(acr ?? "(none)")}', below the required {Acr}: sign in again with the CPS card or e-CPS.");
        }
        return (subject, acr, nonce);
    }

    /// <summary>Checks a JWT's signature against the issuer's keys (see <see cref="ProviderKeys"/> for when they are fetched again), its <c>iss</c> and <c>aud</c>.</summary>
    private async Task<JsonWebToken> ValidateSignedAsync(string token, string what, bool audienceRequired, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            // Malformed (SecurityTokenMalformedException is an ArgumentException), or five parts that are not base64url (FormatException).
            throw InvalidToken($"The {what} is not a signed JWT.");
        }
        if (!SigningAlgorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            throw InvalidToken($"The {what} is not signed with an asymmetric algorithm (alg '{ProviderText.Sanitize(jwt.Alg)}').");
        }
        var keys = await Keys.GetAsync(jwt.Kid, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(jwt.Kid) && !keys.Any(k => string.Equals(k.KeyId, jwt.Kid, StringComparison.Ordinal)))
        {
            throw InvalidToken($"The {what} is signed with a key Pro Santé Connect does not publish (kid).");
        }
        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidAlgorithms = SigningAlgorithms,
            RequireSignedTokens = true,
            // Checked below and in CheckTimes, against this SDK's clock and with messages that say which check failed.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw InvalidToken($"The {what}'s signature does not verify with Pro Santé Connect's keys.");
        }
        if (!string.Equals(jwt.Issuer, Endpoints.Issuer, StringComparison.Ordinal))
        {
            throw InvalidToken($"The {what} comes from another issuer than Pro Santé Connect (iss).");
        }
        var audiences = jwt.Audiences.ToList();
        if ((audienceRequired || audiences.Count > 0) && !audiences.Contains(ClientId, StringComparer.Ordinal))
        {
            throw InvalidToken($"The {what} was issued for another application (aud).");
        }
        var authorizedParty = Claim(jwt, "azp");
        if (authorizedParty is not null ? !string.Equals(authorizedParty, ClientId, StringComparison.Ordinal) : audiences.Count > 1)
        {
            throw InvalidToken($"The {what} was issued for another application (azp).");
        }
        return jwt;
    }

    /// <summary>Checks <c>exp</c>, <c>iat</c> and <c>nbf</c> against this side's clock with the allowed skew.</summary>
    private void CheckTimes(JsonWebToken jwt, string what, bool required)
    {
        var now = Time.GetUtcNow();
        var expires = UnixTime(jwt, "exp");
        // The skew moves this side's clock, not the token's times: those may be as far as year 9999.
        if (expires is null ? required : expires.Value <= now - ClockSkew)
        {
            throw InvalidToken(expires is null ? $"The {what} has no expiry (exp)." : $"The {what} has expired (exp).");
        }
        var issued = UnixTime(jwt, "iat");
        if (issued is null ? required : issued.Value > now + ClockSkew)
        {
            throw InvalidToken(issued is null ? $"The {what} has no issue time (iat)." : $"The {what} was issued in the future (iat): check this computer's clock.");
        }
        if (UnixTime(jwt, "nbf") is { } notBefore && notBefore > now + ClockSkew)
        {
            throw InvalidToken($"The {what} is not valid yet (nbf): check this computer's clock.");
        }
    }

    /// <summary>The JWKS, and how long it may be kept when the answer says (<c>Cache-Control: max-age</c>).</summary>
    internal async Task<(string Jwks, TimeSpan? MaxAge)> FetchJwksAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Endpoints.Certs);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var (_, body, maxAge) = await SendAsync(request, "the request for its keys", [], cancellationToken).ConfigureAwait(false);
        using var json = ParseObject(body, "certs endpoint");
        return json.RootElement.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array
            ? (body, maxAge)
            : throw Invalid("The certs endpoint's answer is not a JSON Web Key Set.");
    }

    /// <summary>Sends a request; an OAuth error, a failure or no answer becomes a <see cref="ProSanteConnectException"/> without secrets.</summary>
    private async Task<(string? MediaType, string Body, TimeSpan? MaxAge)> SendAsync(HttpRequestMessage request, string what, string?[] secrets, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        byte[]? bytes;
        try
        {
            // The body is read here, up to a bound, not buffered whole by HttpClient (2 GB by default).
            response = await _http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            try
            {
                bytes = await Diagnostics.RemoteBody.ReadAsync(response.Content, MaxAnswerBytes, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (HttpRequestException)
        {
            throw new ProSanteConnectException(ProSanteConnectFailure.ProviderUnavailable, "Pro Santé Connect could not be reached: try again later.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProSanteConnectException(ProSanteConnectFailure.ProviderUnavailable, "Pro Santé Connect did not answer in time: try again later.");
        }
        using (response)
        {
            if (bytes is null)
            {
                throw Invalid($"Pro Santé Connect's answer is longer than {MaxAnswerBytes / 1024} KiB: tokens, keys and claims are a few KB.");
            }
            // JSON is UTF-8 (RFC 8259), a JWT is ASCII; bytes that are not UTF-8 become U+FFFD, as HttpContent would make them.
            var body = Encoding.UTF8.GetString(bytes.AsSpan(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0));
            if (response.IsSuccessStatusCode)
            {
                return (response.Content.Headers.ContentType?.MediaType, body, response.Headers.CacheControl?.MaxAge);
            }
            if (TryParseObject(body) is { } error)
            {
                using (error)
                {
                    if (String(error.RootElement, "error") is { } code)
                    {
                        var safeCode = ProviderText.ErrorCode(code, secrets);
                        var description = ProviderText.Sanitize(String(error.RootElement, "error_description"), secrets);
                        // RFC 6749 §4.1.2.1: temporarily_unavailable, like a server failure, may pass; other codes are refusals.
                        var unavailable = (int)response.StatusCode >= 500 || safeCode == "temporarily_unavailable";
                        throw new ProSanteConnectException(unavailable ? ProSanteConnectFailure.ProviderUnavailable : ProSanteConnectFailure.ProviderRefused,
                            $"Pro Santé Connect refused {what}: {safeCode}{(description.Length > 0 ? " (" + description + ")" : string.Empty)}.", safeCode);
                    }
                }
            }
            var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            throw (int)response.StatusCode >= 500
                ? new ProSanteConnectException(ProSanteConnectFailure.ProviderUnavailable, $"Pro Santé Connect failed (HTTP {status}): try again later.")
                : response.StatusCode == HttpStatusCode.Unauthorized
                    ? new ProSanteConnectException(ProSanteConnectFailure.ProviderRefused, $"Pro Santé Connect refused {what} (HTTP {status}).", "invalid_token")
                    : Invalid($"Pro Santé Connect answered HTTP {status} without an OAuth error.");
        }
    }

    private static JsonDocument ParseObject(string body, string endpoint) =>
        TryParseObject(body) ?? throw Invalid($"The {endpoint}'s answer is not a JSON object.");

    private static JsonDocument? TryParseObject(string body)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && Diagnostics.RemoteValues.IsText(document.RootElement))
            {
                return document;
            }
            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && Diagnostics.RemoteValues.Text(value) is { Length: > 0 } text ? text : null;

    private static long? Seconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds > 0 ? seconds : null;

    private static string? Claim(JsonWebToken jwt, string name) =>
        jwt.TryGetPayloadValue<string>(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static DateTimeOffset? UnixTime(JsonWebToken jwt, string name) =>
        jwt.TryGetPayloadValue<long>(name, out var seconds) ? Diagnostics.RemoteValues.UnixTime(seconds) : null;

    private static ProSanteConnectException Invalid(string message) => new(ProSanteConnectFailure.InvalidResponse, message);

    private static ProSanteConnectException InvalidToken(string message) => new(ProSanteConnectFailure.InvalidToken, message);
}
