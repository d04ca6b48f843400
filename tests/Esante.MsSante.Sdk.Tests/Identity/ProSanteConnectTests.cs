using System.Text.Json;
using System.Web;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.Tests.Identity;

/// <summary>The Pro Santé Connect client against a fake provider: the request, the checks of the answer, the refresh, the end.</summary>
public sealed class ProSanteConnectTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 15, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeProSanteConnect _psc;

    public ProSanteConnectTests() => _psc = new FakeProSanteConnect(_time);

    private ProSanteConnectClient Client(Action<ProSanteConnectOptions>? change = null, ILoggerFactory? loggers = null)
    {
        var options = new ProSanteConnectOptions
        {
            Environment = ProSanteConnectEnvironment.Integration,
            ClientId = FakeProSanteConnect.ClientId,
            ClientSecret = FakeProSanteConnect.ClientSecret,
            RedirectUri = new Uri(FakeProSanteConnect.RedirectUri),
            PostLogoutRedirectUri = new Uri("https://dpi.chu-test.fr/"),
            TimeProvider = _time,
        };
        change?.Invoke(options);
        return new ProSanteConnectClient(new HttpClient(_psc), options, loggers);
    }

    private async Task<ProSanteConnectSession> SignInAsync(ProSanteConnectClient? client = null)
    {
        client ??= Client();
        var authorization = client.CreateAuthorization();
        return await client.CompleteSignInAsync(authorization, _psc.Authorize(authorization.AuthorizationUri));
    }

    [Fact]
    public void The_authorization_address_asks_for_a_code_with_pkce_s256_a_nonce_a_state_and_eidas1()
    {
        var authorization = Client().CreateAuthorization();
        var uri = authorization.AuthorizationUri;
        Assert.Equal(ProSanteConnectEndpoints.IntegrationAuthorizationEndpoint, uri.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(uri.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(FakeProSanteConnect.ClientId, query["client_id"]);
        Assert.Equal(FakeProSanteConnect.RedirectUri, query["redirect_uri"]);
        Assert.Equal("openid scope_all", query["scope"]);
        Assert.Equal("eidas1", query["acr_values"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(authorization.State, query["state"]);
        Assert.Equal(authorization.Nonce, query["nonce"]);
        Assert.Equal(Pkce.Challenge(authorization.CodeVerifier), query["code_challenge"]);
        Assert.Null(query["code_verifier"]);
        Assert.Equal(43, authorization.CodeVerifier.Length);
        Assert.True(authorization.State.Length >= 43 && authorization.Nonce.Length >= 43);

        var other = Client().CreateAuthorization();
        Assert.NotEqual(authorization.State, other.State);
        Assert.NotEqual(authorization.Nonce, other.Nonce);
        Assert.NotEqual(authorization.CodeVerifier, other.CodeVerifier);
    }

    [Fact]
    public void Production_is_the_default_and_another_deployment_can_be_named()
    {
        var production = Client(o => o.Environment = ProSanteConnectEnvironment.Production).CreateAuthorization();
        Assert.Equal(ProSanteConnectEndpoints.ProductionAuthorizationEndpoint, production.AuthorizationUri.GetLeftPart(UriPartial.Path));
        Assert.Equal(ProSanteConnectEnvironment.Production, new ProSanteConnectOptions().Environment);

        var other = Client(o => o.AuthorizationEndpoint = new Uri("https://wallet.example.fr/auth?ui=1")).CreateAuthorization();
        Assert.StartsWith("https://wallet.example.fr/auth?ui=1&response_type=code&", other.AuthorizationUri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pkce_pair_is_the_one_of_rfc_7636_appendix_b()
    {
        byte[] octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
        var verifier = Pkce.Verifier(octets);
        Assert.Equal("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", verifier);
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.Challenge(verifier));
    }

    [Theory]
    [InlineData(ProSanteConnectClientAuthentication.ClientSecretBasic)]
    [InlineData(ProSanteConnectClientAuthentication.ClientSecretPost)]
    public async Task Signing_in_exchanges_the_code_with_the_verifier_and_gives_a_session_with_the_access_token(ProSanteConnectClientAuthentication authentication)
    {
        var session = await SignInAsync(Client(o => o.ClientAuthentication = authentication));
        Assert.Equal(FakeProSanteConnect.Subject, session.Subject);
        Assert.Equal("eidas1", session.AuthenticationLevel);
        Assert.True(session.IsActive);
        Assert.Equal(_time.GetUtcNow().AddMinutes(2), session.AccessTokenExpiresAt);
        Assert.Equal(_time.GetUtcNow().AddHours(4), session.ExpiresAt);
        Assert.Equal(_psc.AccessTokens.Single(), await session.GetAccessTokenAsync());
        Assert.Equal(1, _psc.CodeRequests);
    }

    [Fact]
    public async Task A_callback_with_another_state_is_refused_and_no_code_is_exchanged()
    {
        var client = Client();
        var authorization = client.CreateAuthorization();
        var callback = _psc.Authorize(authorization.AuthorizationUri);
        var forged = new Uri(callback.AbsoluteUri.Replace("state=" + Uri.EscapeDataString(authorization.State), "state=forged", StringComparison.Ordinal));
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(authorization, forged));
        Assert.Equal(ProSanteConnectFailure.StateMismatch, e.Failure);
        Assert.Equal(0, _psc.CodeRequests);
        // The genuine callback still completes: a forged one does not spoil the sign-in.
        Assert.True((await client.CompleteSignInAsync(authorization, callback)).IsActive);
    }

    [Fact]
    public async Task An_authorization_older_than_10_minutes_is_refused_and_no_code_is_exchanged()
    {
        var client = Client();
        var authorization = client.CreateAuthorization();
        var callback = _psc.Authorize(authorization.AuthorizationUri);
        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(authorization, callback));
        Assert.Equal(ProSanteConnectFailure.AuthorizationExpired, e.Failure);
        Assert.Contains("start the sign-in again", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, _psc.CodeRequests);

        var shorter = Client(o => o.AuthorizationLifetime = TimeSpan.FromMinutes(2));
        var quick = shorter.CreateAuthorization();
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await shorter.CompleteSignInAsync(quick, _psc.Authorize(quick.AuthorizationUri))).IsActive);
    }

    [Fact]
    public async Task An_authorization_serves_one_sign_in()
    {
        var client = Client();
        var authorization = client.CreateAuthorization();
        var callback = _psc.Authorize(authorization.AuthorizationUri);
        await client.CompleteSignInAsync(authorization, callback);
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(authorization, callback));
        Assert.Equal(ProSanteConnectFailure.AuthorizationAlreadyUsed, e.Failure);
    }

    [Fact]
    public async Task A_callback_with_an_error_says_the_person_was_not_signed_in()
    {
        var client = Client();
        var authorization = client.CreateAuthorization();
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(authorization,
            new Uri($"{FakeProSanteConnect.RedirectUri}?error=access_denied&error_description=User%20cancelled&state={authorization.State}")));
        Assert.Equal(ProSanteConnectFailure.ProviderRefused, e.Failure);
        Assert.Equal("access_denied", e.ProviderError);
        Assert.Contains("User cancelled", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("&state=forged")]
    [InlineData("")]
    public async Task A_callback_with_an_error_but_another_state_is_refused_and_the_sign_in_can_still_complete(string state)
    {
        var client = Client();
        var authorization = client.CreateAuthorization();
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(authorization,
            new Uri($"{FakeProSanteConnect.RedirectUri}?error=access_denied&error_description=User%20cancelled{state}")));
        Assert.Equal(ProSanteConnectFailure.StateMismatch, e.Failure);
        Assert.Null(e.ProviderError);
        Assert.True((await client.CompleteSignInAsync(authorization, _psc.Authorize(authorization.AuthorizationUri))).IsActive);
    }

    [Theory]
    [InlineData("signature")]
    [InlineData("aud")]
    [InlineData("iss")]
    [InlineData("exp")]
    [InlineData("iat")]
    [InlineData("nonce")]
    [InlineData("azp")]
    public async Task An_id_token_failing_a_check_is_refused(string check)
    {
        var now = _time.GetUtcNow();
        _psc.SignIdTokensWithUnpublishedKey = check == "signature";
        _psc.EditIdToken = claims =>
        {
            switch (check)
            {
                case "aud": claims["aud"] = "another-client"; break;
                case "iss": claims["iss"] = "https://auth.example.com/auth/realms/esante-wallet"; break;
                case "exp": claims["iat"] = now.AddMinutes(-10).ToUnixTimeSeconds(); claims["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds(); break;
                case "iat": claims["iat"] = now.AddMinutes(5).ToUnixTimeSeconds(); break;
                case "nonce": claims["nonce"] = "a-nonce-of-another-sign-in"; break;
                case "azp": claims["azp"] = "another-client"; break;
            }
        };
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync());
        Assert.Equal(ProSanteConnectFailure.InvalidToken, e.Failure);
        Assert.Contains(check, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256 with the client secret")]
    [InlineData("HS256 with the public key's modulus")]
    public async Task An_id_token_not_signed_with_the_providers_private_key_is_refused(string forgery)
    {
        _psc.ForgeIdToken = (claims, kid, modulus) =>
        {
            var alg = forgery == "none" ? "none" : "HS256";
            var input = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new { alg, kid, typ = "JWT" })) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims));
            var key = forgery.EndsWith("secret", StringComparison.Ordinal) ? System.Text.Encoding.UTF8.GetBytes(FakeProSanteConnect.ClientSecret) : modulus;
            return input + "." + (alg == "none" ? string.Empty : Base64UrlEncoder.Encode(System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.ASCII.GetBytes(input))));
        };
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync());
        Assert.Equal(ProSanteConnectFailure.InvalidToken, e.Failure);
        Assert.Contains("asymmetric", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_token_expired_only_within_the_clock_skew_is_accepted()
    {
        _psc.EditIdToken = claims => claims["exp"] = _time.GetUtcNow().AddSeconds(-10).ToUnixTimeSeconds();
        Assert.True((await SignInAsync()).IsActive);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("eidas0")]
    [InlineData("0")]
    [InlineData("eidas1-weak")]
    public async Task A_sign_in_below_eidas1_is_refused(string? acr)
    {
        _psc.Acr = acr;
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync());
        Assert.Equal(ProSanteConnectFailure.AuthenticationLevelTooLow, e.Failure);
        Assert.Contains("eidas1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_above_the_required_level_is_accepted_and_a_higher_requirement_is_enforced()
    {
        _psc.Acr = "eidas2";
        Assert.Equal("eidas2", (await SignInAsync()).AuthenticationLevel);
        _psc.Acr = "eidas1";
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync(Client(o => o.Acr = "eidas2")));
        Assert.Equal(ProSanteConnectFailure.AuthenticationLevelTooLow, e.Failure);
    }

    [Fact]
    public async Task A_token_endpoint_error_becomes_a_clear_exception_without_the_code_or_secrets()
    {
        string? code = null;
        _psc.Intercept = (request, body) =>
        {
            if (!request.RequestUri!.AbsoluteUri.EndsWith("/token", StringComparison.Ordinal))
            {
                return null;
            }
            code = HttpUtility.ParseQueryString(body)["code"];
            var verifier = HttpUtility.ParseQueryString(body)["code_verifier"]!;
            // A careless provider echoes what it was sent.
            return new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest)
            {
                Content = new StringContent(JsonSerializer.Serialize(new { error = "invalid_grant", error_description = $"Code {code} not valid for verifier {verifier[..10]} and client {FakeProSanteConnect.ClientSecret}" })),
            };
        };
        var client = Client();
        var authorization = client.CreateAuthorization();
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(authorization, _psc.Authorize(authorization.AuthorizationUri)));
        Assert.Equal(ProSanteConnectFailure.ProviderRefused, e.Failure);
        Assert.Equal("invalid_grant", e.ProviderError);
        Assert.Contains("invalid_grant", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid", e.Message, StringComparison.Ordinal);
        Assert.NotNull(code);
        AssertHoldsNoSecret(e.Message, authorization, code!, authorization.CodeVerifier[..10], FakeProSanteConnect.ClientSecret);
    }

    [Fact]
    public async Task A_provider_error_that_names_a_patient_is_redacted()
    {
        _psc.Intercept = (request, _) => request.Method != HttpMethod.Post ? null : new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { error = "invalid_request", error_description = "No link with 279035121518989@patient.mssante.fr (INS 2 79 03 51 215 189 89)" })),
        };
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync());
        Assert.Contains("No link with", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("279035121518989", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("215 189", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unsupported_grant_type", System.Net.HttpStatusCode.BadRequest, ProSanteConnectFailure.ProviderRefused)]
    [InlineData("invalid_client", System.Net.HttpStatusCode.Unauthorized, ProSanteConnectFailure.ProviderRefused)]
    [InlineData("temporarily_unavailable", System.Net.HttpStatusCode.BadRequest, ProSanteConnectFailure.ProviderUnavailable)]
    [InlineData("server_error", System.Net.HttpStatusCode.InternalServerError, ProSanteConnectFailure.ProviderUnavailable)]
    [InlineData("the code", System.Net.HttpStatusCode.BadRequest, ProSanteConnectFailure.ProviderRefused)]
    public async Task A_token_endpoint_error_code_is_passed_on_unless_it_is_a_secret(string error, System.Net.HttpStatusCode status, ProSanteConnectFailure failure)
    {
        _psc.Intercept = (request, body) => request.Method != HttpMethod.Post ? null : new HttpResponseMessage(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { error = error == "the code" ? HttpUtility.ParseQueryString(body)["code"] : error, error_description = "Try later" })),
        };
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync());
        Assert.Equal(failure, e.Failure);
        Assert.Equal(error == "the code" ? "REDACTED" : error, e.ProviderError);
        Assert.Contains(e.ProviderError!, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("interaction_required")]
    [InlineData("temporarily_unavailable")]
    [InlineData("login_required")]
    public async Task A_callback_error_code_is_passed_on(string error)
    {
        var client = Client();
        var authorization = client.CreateAuthorization();
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(authorization,
            new Uri($"{FakeProSanteConnect.RedirectUri}?error={error}&state={authorization.State}")));
        Assert.Equal(error, e.ProviderError);
    }

    [Theory]
    [InlineData(System.Net.HttpStatusCode.ServiceUnavailable, ProSanteConnectFailure.ProviderUnavailable)]
    [InlineData(System.Net.HttpStatusCode.BadRequest, ProSanteConnectFailure.InvalidResponse)]
    public async Task A_token_endpoint_failure_without_an_oauth_error_is_reported_by_kind(System.Net.HttpStatusCode status, ProSanteConnectFailure failure)
    {
        _psc.Intercept = (request, _) => request.Method == HttpMethod.Post ? new HttpResponseMessage(status) { Content = new StringContent("<html>oops</html>") } : null;
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync());
        Assert.Equal(failure, e.Failure);
    }

    [Fact]
    public async Task The_access_token_is_refreshed_when_less_than_30_seconds_are_left()
    {
        var session = await SignInAsync();
        var first = await session.GetAccessTokenAsync();
        _time.Advance(TimeSpan.FromSeconds(85));       // 35 s left
        Assert.Equal(first, await session.GetAccessTokenAsync());
        Assert.Equal(0, _psc.RefreshRequests);
        _time.Advance(TimeSpan.FromSeconds(10));       // 25 s left
        var second = await session.GetAccessTokenAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(1, _psc.RefreshRequests);
        Assert.Equal(_time.GetUtcNow().AddMinutes(2), session.AccessTokenExpiresAt);
        Assert.Equal(second, await session.GetAccessTokenAsync());
        Assert.Equal(1, _psc.RefreshRequests);
    }

    [Fact]
    public async Task Refreshes_keep_the_session_going_while_it_is_used()
    {
        var session = await SignInAsync();
        for (var i = 0; i < 40; i++)                   // an hour, past the refresh token's 30 minutes: each refresh renews it
        {
            _time.Advance(TimeSpan.FromSeconds(90));
            await session.GetAccessTokenAsync();
        }
        Assert.Equal(40, _psc.RefreshRequests);
        Assert.True(session.IsActive);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_refresh()
    {
        var session = await SignInAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        _psc.RefreshGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await session.GetAccessTokenAsync())).ToList();
        await RefreshReachedAsync();
        _psc.RefreshGate.SetResult();
        var tokens = await Task.WhenAll(callers);
        Assert.Single(tokens.Distinct());
        Assert.Equal(1, _psc.RefreshRequests);
    }

    [Fact]
    public async Task A_caller_giving_up_during_a_refresh_does_not_lose_the_rotated_refresh_token()
    {
        var session = await SignInAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        _psc.RefreshGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var giveUp = new CancellationTokenSource();
        var first = session.GetAccessTokenAsync(giveUp.Token).AsTask();
        await RefreshReachedAsync();
        // Pro Santé Connect has rotated the refresh token; its answer is on the way when the first caller gives up.
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        _psc.RefreshGate.SetResult();
        var token = await session.GetAccessTokenAsync();
        Assert.Equal(2, _psc.AccessTokens.Count());    // the refreshed one
        Assert.Equal(1, _psc.RefreshRequests);
        _time.Advance(TimeSpan.FromMinutes(2));         // the next refresh uses the rotated refresh token
        Assert.NotEqual(token, await session.GetAccessTokenAsync());
        Assert.True(session.IsActive);
        Assert.Equal(2, _psc.RefreshRequests);
    }

    [Fact]
    public async Task Callers_waiting_for_a_failing_refresh_share_its_failure_and_the_next_attempt_waits_a_moment()
    {
        var session = await SignInAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        _psc.RefreshFailure = System.Net.HttpStatusCode.ServiceUnavailable;
        _psc.RefreshGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await session.GetAccessTokenAsync())).ToList();
        await RefreshReachedAsync();
        _psc.RefreshGate.SetResult();
        foreach (var caller in callers)
        {
            var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => caller);
            Assert.Equal(ProSanteConnectFailure.ProviderUnavailable, e.Failure);
        }
        Assert.Equal(1, _psc.RefreshRequests);
        // Right after, the failure stands without a call; a moment later, a new attempt.
        _psc.RefreshFailure = null;
        await Assert.ThrowsAsync<ProSanteConnectException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(1, _psc.RefreshRequests);
        _time.Advance(TimeSpan.FromSeconds(5));
        await session.GetAccessTokenAsync();
        Assert.Equal(2, _psc.AccessTokens.Count());
        Assert.Equal(2, _psc.RefreshRequests);
    }

    [Fact]
    public async Task A_refresh_whose_id_token_cannot_be_checked_yet_keeps_the_rotated_refresh_token()
    {
        var session = await SignInAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        // The refreshed ID token is signed with a new key, and the keys cannot be fetched for now.
        _psc.RotateKey();
        _psc.Intercept = (request, _) => request.RequestUri!.AbsolutePath.EndsWith("/certs", StringComparison.Ordinal)
            ? new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable)
            : null;
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(ProSanteConnectFailure.ProviderUnavailable, e.Failure);
        Assert.True(session.IsActive);
        _psc.Intercept = null;
        _time.Advance(TimeSpan.FromSeconds(5));
        // The first answer's refresh token was kept: the provider, which has spent the old one, accepts it.
        await session.GetAccessTokenAsync();
        Assert.Equal(3, _psc.AccessTokens.Count());
        Assert.True(session.IsActive);
        Assert.Equal(2, _psc.RefreshRequests);
    }

    [Fact]
    public async Task A_refreshed_id_token_about_someone_else_is_refused_and_ends_the_session()
    {
        var session = await SignInAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        _psc.EditIdToken = claims => claims["sub"] = "f:someone-else";
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(ProSanteConnectFailure.InvalidToken, e.Failure);
        Assert.Contains("sub", e.Message, StringComparison.Ordinal);
        Assert.False(session.IsActive);
        var after = await Assert.ThrowsAsync<MssanteAuthenticationException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(AuthenticationFailure.TokenExpired, after.Failure);
    }

    [Fact]
    public async Task A_refused_refresh_token_ends_the_session_as_token_expired()
    {
        var session = await SignInAsync();
        _psc.RevokeRefreshTokens();
        _time.Advance(TimeSpan.FromMinutes(2));
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(AuthenticationFailure.TokenExpired, e.Failure);
        Assert.False(session.IsActive);
        Assert.Null(session.AccessTokenExpiresAt);
        AssertHoldsNoSecret(e.Message, null, [.. _psc.RefreshTokens, .. _psc.AccessTokens]);
        // Ended for good: no more calls to Pro Santé Connect.
        var again = await Assert.ThrowsAsync<MssanteAuthenticationException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(AuthenticationFailure.TokenExpired, again.Failure);
        Assert.Equal(1, _psc.RefreshRequests);
    }

    [Fact]
    public async Task A_session_unused_past_its_refresh_token_ends_without_asking_the_provider()
    {
        var session = await SignInAsync();
        _time.Advance(TimeSpan.FromMinutes(31));
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(AuthenticationFailure.TokenExpired, e.Failure);
        Assert.Equal(0, _psc.RefreshRequests);
    }

    [Fact]
    public async Task A_session_ends_at_its_longest_life_however_it_is_refreshed()
    {
        var session = await SignInAsync(Client(o => o.MaxSessionLifetime = TimeSpan.FromMinutes(10)));
        for (var i = 0; i < 6; i++)                    // 9 minutes of refreshes
        {
            _time.Advance(TimeSpan.FromSeconds(90));
            await session.GetAccessTokenAsync();
        }
        _time.Advance(TimeSpan.FromSeconds(90));
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(AuthenticationFailure.TokenExpired, e.Failure);
        Assert.Equal(6, _psc.RefreshRequests);
    }

    [Fact]
    public async Task An_unreachable_provider_keeps_the_current_token_while_it_lasts()
    {
        var session = await SignInAsync();
        var token = await session.GetAccessTokenAsync();
        _psc.Intercept = (request, _) => request.Method == HttpMethod.Post ? throw new HttpRequestException("down") : null;
        _time.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal(token, await session.GetAccessTokenAsync());
        _time.Advance(TimeSpan.FromSeconds(30));
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(ProSanteConnectFailure.ProviderUnavailable, e.Failure);
        _psc.Intercept = null;
        _time.Advance(TimeSpan.FromSeconds(5));        // a failed refresh is not tried again at once
        Assert.NotEqual(token, await session.GetAccessTokenAsync());
    }

    [Theory]
    [InlineData(5, true)]                              // 15 s left after the failed call: still handed out
    [InlineData(15, false)]                            // 5 s left: too little for a connection to sign in with it
    [InlineData(25, false)]                            // expired during the call
    public async Task A_slow_failed_refresh_hands_out_the_current_token_only_if_it_still_has_a_margin(int callSeconds, bool handedOut)
    {
        var session = await SignInAsync();
        var token = await session.GetAccessTokenAsync();
        _time.Advance(TimeSpan.FromSeconds(100));      // 20 s left: time to refresh
        _psc.Intercept = (request, _) =>
        {
            if (request.Method != HttpMethod.Post)
            {
                return null;
            }
            _time.Advance(TimeSpan.FromSeconds(callSeconds));   // the provider takes its time, then fails
            throw new HttpRequestException("down");
        };
        if (handedOut)
        {
            Assert.Equal(token, await session.GetAccessTokenAsync());
        }
        else
        {
            var e = await Assert.ThrowsAsync<ProSanteConnectException>(async () => await session.GetAccessTokenAsync());
            Assert.Equal(ProSanteConnectFailure.ProviderUnavailable, e.Failure);
        }
    }

    [Fact]
    public async Task A_token_signed_with_an_unknown_key_id_fetches_the_keys_once_more()
    {
        var client = Client();
        await SignInAsync(client);
        await SignInAsync(client);
        Assert.Equal(1, _psc.JwksRequests);            // kept between sign-ins
        _psc.RotateKey();
        Assert.True((await SignInAsync(client)).IsActive);
        Assert.Equal(2, _psc.JwksRequests);
        await SignInAsync(client);
        Assert.Equal(2, _psc.JwksRequests);
    }

    [Fact]
    public async Task A_key_id_still_unknown_after_fetching_again_is_refused_after_one_fetch()
    {
        var client = Client();
        await SignInAsync(client);
        var emptyKeySets = 0;
        // From now on the provider publishes no key at all: the new signing key's id stays unknown.
        _psc.Intercept = (request, _) =>
        {
            if (!request.RequestUri!.AbsolutePath.EndsWith("/certs", StringComparison.Ordinal))
            {
                return null;
            }
            emptyKeySets++;
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("{\"keys\":[]}", System.Text.Encoding.UTF8, "application/json") };
        };
        _psc.RotateKey();
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync(client));
        Assert.Equal(ProSanteConnectFailure.InvalidToken, e.Failure);
        Assert.Contains("kid", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, emptyKeySets);
    }

    [Fact]
    public async Task Unknown_key_ids_fetch_the_keys_again_at_most_once_every_5_minutes()
    {
        var client = Client();
        await SignInAsync(client);
        _psc.SignIdTokensWithUnpublishedKey = true;
        _psc.RotateKey();                              // a key id the kept keys lack, and a signature no published key verifies
        for (var i = 0; i < 5; i++)
        {
            var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync(client));
            Assert.Equal(ProSanteConnectFailure.InvalidToken, e.Failure);
        }
        Assert.Equal(2, _psc.JwksRequests);            // the first fetch, and one for the unknown key id
        _psc.RotateKey();
        var refused = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAsync(client));
        Assert.Contains("kid", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, _psc.JwksRequests);
        _psc.SignIdTokensWithUnpublishedKey = false;
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await SignInAsync(client)).IsActive);
        Assert.Equal(3, _psc.JwksRequests);
    }

    [Theory]
    [InlineData(null, 24 * 60)]
    [InlineData(600, 10)]
    [InlineData(7 * 24 * 3600, 24 * 60)]             // never kept longer than 24 hours
    public async Task The_keys_are_fetched_again_when_they_are_older_than_their_max_age(int? maxAgeSeconds, int minutes)
    {
        _psc.JwksMaxAge = maxAgeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        var client = Client();
        await SignInAsync(client);
        _time.Advance(TimeSpan.FromMinutes(minutes) - TimeSpan.FromSeconds(1));
        await SignInAsync(client);
        Assert.Equal(1, _psc.JwksRequests);
        _time.Advance(TimeSpan.FromSeconds(1));
        await SignInAsync(client);
        Assert.Equal(2, _psc.JwksRequests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Userinfo_as_json_or_as_a_signed_jwt_gives_the_typed_identity(bool asJwt)
    {
        _psc.UserInfoAsJwt = asJwt;
        var session = await SignInAsync();
        var user = await session.GetUserInfoAsync();
        Assert.Equal(FakeProSanteConnect.Subject, user.Subject);
        Assert.Equal(FakeProSanteConnect.NationalId, user.NationalId);
        Assert.Equal(Rpps.Parse("10003456125"), user.NationalIdentifier);
        Assert.Equal(FakeProSanteConnect.GivenName, user.GivenName);
        Assert.Equal(FakeProSanteConnect.FamilyName, user.FamilyName);
        Assert.Equal(FakeProSanteConnect.NationalId, user.PreferredUsername);
        Assert.Equal("10", user.Claims["SubjectRefPro"].GetProperty("exercices")[0].GetProperty("codeProfession").GetString());
        Assert.Equal("MME", user.Claims["codeCivilite"].GetString());
    }

    [Fact]
    public async Task Userinfo_as_a_jwt_with_a_bad_signature_is_refused()
    {
        _psc.UserInfoAsJwt = true;
        var session = await SignInAsync();
        _psc.Intercept = (request, _) =>
        {
            if (!request.RequestUri!.AbsolutePath.EndsWith("/userinfo", StringComparison.Ordinal))
            {
                return null;
            }
            var forged = _psc.IssueIdToken(null);      // a real token, its signature then broken
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(forged[..^4] + "AAAA") };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/jwt");
            return response;
        };
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => session.GetUserInfoAsync());
        Assert.Equal(ProSanteConnectFailure.InvalidToken, e.Failure);
        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iss", "https://auth.example.com/auth/realms/esante-wallet")]
    [InlineData("aud", "another-client")]
    public async Task Userinfo_as_a_jwt_from_another_issuer_or_for_another_client_is_refused(string claim, string value)
    {
        _psc.UserInfoAsJwt = true;
        _psc.UserInfoOverrides[claim] = value;
        var session = await SignInAsync();
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => session.GetUserInfoAsync());
        Assert.Equal(ProSanteConnectFailure.InvalidToken, e.Failure);
        Assert.Contains($"({claim})", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Userinfo_about_someone_else_is_refused()
    {
        _psc.UserInfoOverrides["sub"] = "f:someone-else";
        var session = await SignInAsync();
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => session.GetUserInfoAsync());
        Assert.Equal(ProSanteConnectFailure.InvalidToken, e.Failure);
    }

    [Fact]
    public async Task Signing_out_forgets_the_tokens_and_gives_the_end_session_address()
    {
        var session = await SignInAsync();
        var logout = session.SignOut();
        Assert.Equal(ProSanteConnectEndpoints.IntegrationIssuer + "/" + ProSanteConnectEndpoints.LogoutPath, logout.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(logout.Query);
        Assert.False(string.IsNullOrEmpty(query["id_token_hint"]));
        Assert.Equal(FakeProSanteConnect.ClientId, query["client_id"]);
        Assert.Equal("https://dpi.chu-test.fr/", query["post_logout_redirect_uri"]);
        Assert.False(session.IsActive);
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(async () => await session.GetAccessTokenAsync());
        Assert.Equal(AuthenticationFailure.SessionEnded, e.Failure);
    }

    [Fact]
    public async Task Every_refused_sign_in_is_logged_by_its_kind()
    {
        using var loggers = new ServiceCollection().AddLogging(b => b.AddFakeLogging()).BuildServiceProvider();
        var client = Client(loggers: loggers.GetRequiredService<ILoggerFactory>());
        var cancelled = client.CreateAuthorization();
        await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(cancelled,
            new Uri($"{FakeProSanteConnect.RedirectUri}?error=access_denied&state={cancelled.State}")));
        var noCode = client.CreateAuthorization();
        await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(noCode, new Uri($"{FakeProSanteConnect.RedirectUri}?state={noCode.State}")));
        var used = client.CreateAuthorization();
        var callback = _psc.Authorize(used.AuthorizationUri);
        await client.CompleteSignInAsync(used, callback);
        await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInAsync(used, callback));

        var logs = loggers.GetRequiredService<FakeLogCollector>().GetSnapshot().Select(r => r.Message).ToList();
        Assert.Equal(
            [$"Pro Santé Connect sign-in refused: {ProSanteConnectFailure.ProviderRefused}", $"Pro Santé Connect sign-in refused: {ProSanteConnectFailure.InvalidResponse}",
             $"Pro Santé Connect sign-in refused: {ProSanteConnectFailure.AuthorizationAlreadyUsed}"],
            logs.Where(m => m.Contains("refused", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Nothing_secret_or_personal_shows_in_descriptions_or_logs()
    {
        using var loggers = new ServiceCollection().AddLogging(b => b.AddFakeLogging().SetMinimumLevel(LogLevel.Trace)).BuildServiceProvider();
        var client = Client(loggers: loggers.GetRequiredService<ILoggerFactory>());
        var authorization = client.CreateAuthorization();
        Assert.DoesNotContain(authorization.State, authorization.ToString(), StringComparison.Ordinal);
        var callback = _psc.Authorize(authorization.AuthorizationUri);
        var code = HttpUtility.ParseQueryString(callback.Query)["code"]!;
        var session = await client.CompleteSignInAsync(authorization, callback);
        _time.Advance(TimeSpan.FromMinutes(2));
        await session.GetAccessTokenAsync();
        var user = await session.GetUserInfoAsync();
        // The code again, in another sign-in: refused, as it was spent.
        var other = client.CreateAuthorization();
        var messages = new List<string> { (await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInWithCodeAsync(other, code, other.State))).Message };
        _psc.RevokeRefreshTokens();
        _time.Advance(TimeSpan.FromMinutes(2));
        messages.Add((await Assert.ThrowsAsync<MssanteAuthenticationException>(async () => await session.GetAccessTokenAsync())).Message);

        var logs = loggers.GetRequiredService<FakeLogCollector>().GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains(logs, m => m.Contains("Pro Santé Connect", StringComparison.Ordinal));
        Assert.Equal(2, _psc.IdTokens.Count());
        var secrets = new[] { FakeProSanteConnect.Subject, FakeProSanteConnect.GivenName, FakeProSanteConnect.FamilyName, FakeProSanteConnect.NationalId, FakeProSanteConnect.ClientSecret, code }
            .Concat(_psc.AccessTokens).Concat(_psc.RefreshTokens).Concat(_psc.IdTokens).ToArray();
        foreach (var text in logs.Concat(messages).Append(session.ToString()).Append(user.ToString()).Append(authorization.ToString()))
        {
            AssertHoldsNoSecret(text, authorization, secrets);
        }
    }

    [Fact]
    public void The_options_are_validated_with_every_problem_named()
    {
        var e = Assert.Throws<OptionsValidationException>(() => new ProSanteConnectClient(new HttpClient(_psc), new ProSanteConnectOptions
        {
            ClientSecret = "shh-this-is-secret",
            RedirectUri = new Uri("http://dpi.example.fr/callback"),
            Issuer = new Uri("http://auth.example.fr/realms/x"),
            Scope = "scope_all",
            Acr = "strong",
        }));
        Assert.Contains(e.Failures, f => f.StartsWith("ClientId", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("RedirectUri", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Issuer", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Scope", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Acr", StringComparison.Ordinal));
        Assert.DoesNotContain("shh-this-is-secret", e.Message, StringComparison.Ordinal);
        // A native application's loopback callback is fine over http.
        Assert.False(new ProSanteConnectOptionsValidator().Validate(null, new ProSanteConnectOptions
        {
            ClientId = "c", ClientSecret = "s", RedirectUri = new Uri("http://127.0.0.1:53123/callback"),
        }).Failed);
    }

    [Fact]
    public async Task The_client_is_registered_from_configuration_and_checked_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Psc:Environment"] = "Integration",
            ["Psc:ClientId"] = FakeProSanteConnect.ClientId,
            ["Psc:ClientSecret"] = FakeProSanteConnect.ClientSecret,
            ["Psc:RedirectUri"] = FakeProSanteConnect.RedirectUri,
            ["Psc:ClientAuthentication"] = "ClientSecretPost",
        }).Build();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        services.AddMssanteProSanteConnect(configuration.GetSection("Psc")).ConfigurePrimaryHttpMessageHandler(() => _psc);
        services.AddMssanteProSanteConnect(configuration.GetSection("Psc")).ConfigurePrimaryHttpMessageHandler(() => _psc);
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<ProSanteConnectClient>();
        Assert.Same(client, provider.GetRequiredService<ProSanteConnectClient>());
        var session = await SignInAsync(client);
        Assert.Equal(_time.GetUtcNow().AddMinutes(2), session.AccessTokenExpiresAt);   // the container's clock

        using var missing = new ServiceCollection().AddMssanteProSanteConnect(o => o.ClientId = "only-an-id").Services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => missing.GetRequiredService<ProSanteConnectClient>());
        Assert.Contains(e.Failures, f => f.StartsWith("ClientSecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registering_the_client_again_applies_the_later_options_and_http_client_whole()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        services.AddMssanteProSanteConnect(o => o.ClientId = "first-registration").ConfigurePrimaryHttpMessageHandler(() => new NoNetwork());
        services.AddMssanteProSanteConnect(o =>
        {
            o.Environment = ProSanteConnectEnvironment.Integration;
            o.ClientId = FakeProSanteConnect.ClientId;
            o.ClientSecret = FakeProSanteConnect.ClientSecret;
            o.RedirectUri = new Uri(FakeProSanteConnect.RedirectUri);
        }).ConfigurePrimaryHttpMessageHandler(() => _psc);
        using var provider = services.BuildServiceProvider();
        Assert.True((await SignInAsync(provider.GetRequiredService<ProSanteConnectClient>())).IsActive);
    }

    private sealed class NoNetwork : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The first registration's HTTP client was used.");
    }

    /// <summary>Waits until a refresh reached the provider, and a moment more for the other callers to pile up behind it.</summary>
    private async Task RefreshReachedAsync()
    {
        while (_psc.RefreshRequests == 0)
        {
            await Task.Delay(5);
        }
        await Task.Delay(50);
    }

    private static void AssertHoldsNoSecret(string text, ProSanteConnectAuthorization? authorization, params string[] secrets)
    {
        var all = authorization is null ? secrets : [.. secrets, authorization.State, authorization.Nonce, authorization.CodeVerifier];
        foreach (var secret in all.Where(s => s.Length >= 8))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
