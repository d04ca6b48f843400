namespace Esante.MsSante.ProSanteConnect;

/// <summary>What the token endpoint answered, with the times computed on this side's clock. Kept in memory only (CONF.28).</summary>
internal sealed record TokenSet(
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string? RefreshToken,
    DateTimeOffset? RefreshTokenExpiresAt,
    string? IdToken)
{
    /// <summary>Never the tokens themselves.</summary>
    public override string ToString() => nameof(TokenSet) + " { REDACTED }";
}
