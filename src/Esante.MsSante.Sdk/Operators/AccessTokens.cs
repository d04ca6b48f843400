using System.IdentityModel.Tokens.Jwt;

namespace Esante.MsSante.Operators;

/// <summary>What the SDK reads from an access token without trusting it: its expiry, so an expired token is refused with a clear reason.</summary>
internal static class AccessTokens
{
    /// <summary>The token's <c>exp</c>, or null when it is not a JWT or has none.</summary>
    public static DateTimeOffset? ExpiresAt(string token)
    {
        var handler = new JwtSecurityTokenHandler();
        if (!handler.CanReadToken(token))
        {
            return null;
        }
        try
        {
            var jwt = handler.ReadJwtToken(token);
            return jwt.Payload.Expiration is { } exp ? Diagnostics.RemoteValues.UnixTime(exp) : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or System.Text.Json.JsonException)
        {
            // Shaped like a JWT (three dot-separated parts) but not one: its parts are not base64url JSON, or exp is no number.
            return null;
        }
    }

    /// <summary>Throws <see cref="AuthenticationFailure.TokenExpired"/> when the token's <c>exp</c> has passed.</summary>
    public static void ThrowIfExpired(string token, DateTimeOffset now)
    {
        if (ExpiresAt(token) is { } expiry && expiry <= now)
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.TokenExpired,
                "The access token has expired: get a fresh one (Pro Santé Connect tokens last 2 minutes) and sign in again.");
        }
    }
}
