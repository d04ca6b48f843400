using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>Proof Key for Code Exchange (RFC 7636) with S256, and the other random values of an authorisation request.</summary>
internal static class Pkce
{
    /// <summary>The only method used: the challenge is the SHA-256 of the verifier (<c>plain</c> is never sent).</summary>
    public const string Method = "S256";

    /// <summary>A new code verifier: 32 random octets, base64url-encoded (43 characters, RFC 7636 §4.1).</summary>
    public static string NewVerifier() => Verifier(RandomNumberGenerator.GetBytes(32));

    /// <summary>The code verifier for these octets.</summary>
    public static string Verifier(ReadOnlySpan<byte> octets) => Base64UrlEncoder.Encode(octets.ToArray());

    /// <summary><c>BASE64URL(SHA256(ASCII(code_verifier)))</c> (RFC 7636 §4.2).</summary>
    public static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>A random value for <c>state</c> or <c>nonce</c>: 32 octets, base64url-encoded.</summary>
    public static string NewRandomValue() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Compares two secrets in a time that does not depend on where they differ.</summary>
    public static bool FixedTimeEquals(string? a, string? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
