using System.Collections.Specialized;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Esante.MsSante.ProSanteConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.Testing;

/// <summary>
/// What a fake OpenID Connect provider says on the wire, shared by <see cref="FakeProSanteConnect"/> and the SDK's own test
/// fake: JSON and OAuth error answers, RS256 signing, the JWKS, client authentication and the PKCE check.
/// </summary>
internal static partial class FakeOidcWire
{
    /// <summary>A JSON answer.</summary>
    public static HttpResponseMessage Json(HttpStatusCode status, object body) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body, WireJson.Default.Object), Encoding.UTF8, "application/json") };

    /// <summary>An OAuth error answer (RFC 6749 §5.2).</summary>
    public static HttpResponseMessage Error(HttpStatusCode status, string error, string description) =>
        Json(status, new Dictionary<string, object?> { ["error"] = error, ["error_description"] = description });

    /// <summary>A JWT of these claims (null ones left out), signed RS256 with the key, under its key id.</summary>
    public static string Sign(Dictionary<string, object?> claims, RsaSecurityKey key) =>
        new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(claims.Where(c => c.Value is not null).ToDictionary(), WireJson.Default.Object),
            new SigningCredentials(key, SecurityAlgorithms.RsaSha256));

    /// <summary>A new 2048-bit RSA signing key.</summary>
    public static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    /// <summary>A random opaque value (code, refresh token).</summary>
    public static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The JWKS publishing these keys' public parts.</summary>
    public static Dictionary<string, object?> Jwks(IEnumerable<RsaSecurityKey> keys) => new()
    {
        ["keys"] = keys.Select(k =>
        {
            var parameters = k.Rsa.ExportParameters(false);
            return new Dictionary<string, object?>
            {
                ["kid"] = k.KeyId, ["kty"] = "RSA", ["alg"] = "RS256", ["use"] = "sig",
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
        }).ToArray(),
    };

    /// <summary>Whether the token request carries this client's credentials, by Basic (form-encoded parts) or in the form — not both.</summary>
    public static bool ClientAuthenticated(HttpRequestMessage request, NameValueCollection form, string clientId, string clientSecret)
    {
        if (request.Headers.Authorization is { Scheme: "Basic", Parameter: { } parameter })
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter)).Split(':', 2);
            return form["client_secret"] is null && pair.Length == 2 &&
                   WebUtility.UrlDecode(pair[0]) == clientId && WebUtility.UrlDecode(pair[1]) == clientSecret;
        }
        return form["client_id"] == clientId && form["client_secret"] == clientSecret;
    }

    /// <summary>Whether the verifier is the one of the S256 challenge (RFC 7636 §4.6).</summary>
    public static bool VerifierMatches(string? verifier, string challenge) => verifier is not null && Pkce.Challenge(verifier) == challenge;

    /// <summary>The <c>Bearer</c> token of a request, or null.</summary>
    public static string? BearerToken(HttpRequestMessage request) =>
        request.Headers.Authorization is { Scheme: "Bearer", Parameter: { } token } ? token : null;

    /// <summary>The 401 of a resource refusing an access token.</summary>
    public static HttpResponseMessage InvalidToken()
    {
        var refused = Error(HttpStatusCode.Unauthorized, "invalid_token", "Token verification failed");
        refused.Headers.WwwAuthenticate.ParseAdd("Bearer error=\"invalid_token\"");
        return refused;
    }

    // Source-generated, so the fake runs in a trimmed or native AOT application: the answers and claims are dictionaries
    // and arrays of these types.
    [JsonSerializable(typeof(object))]
    [JsonSerializable(typeof(Dictionary<string, object?>))]
    [JsonSerializable(typeof(Dictionary<string, object?>[]))]
    [JsonSerializable(typeof(object[]))]
    [JsonSerializable(typeof(string[]))]
    [JsonSerializable(typeof(string))]
    [JsonSerializable(typeof(long))]
    [JsonSerializable(typeof(int))]
    [JsonSerializable(typeof(bool))]
    [JsonSerializable(typeof(double))]
    private sealed partial class WireJson : JsonSerializerContext;
}
