namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// The addresses of Pro Santé Connect (a Keycloak realm, « esante-wallet »), in one place: the issuer of each environment,
/// its authorisation page (the « wallet »), and the paths of the other endpoints under the issuer.
/// </summary>
public static class ProSanteConnectEndpoints
{
    /// <summary>The production issuer; the token, userinfo, logout and certs endpoints are under it.</summary>
    public const string ProductionIssuer = "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet";

    /// <summary>The production authorisation page, where the person signs in with their CPS card or e-CPS.</summary>
    public const string ProductionAuthorizationEndpoint = "https://wallet.esw.esante.gouv.fr/auth";

    /// <summary>The issuer of the integration environment (« BAS »).</summary>
    public const string IntegrationIssuer = "https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet";

    /// <summary>The authorisation page of the integration environment (« BAS »).</summary>
    public const string IntegrationAuthorizationEndpoint = "https://wallet.bas.psc.esante.gouv.fr/auth";

    /// <summary>The token endpoint, under the issuer.</summary>
    public const string TokenPath = "protocol/openid-connect/token";

    /// <summary>The userinfo endpoint, under the issuer.</summary>
    public const string UserInfoPath = "protocol/openid-connect/userinfo";

    /// <summary>The end-session (logout) endpoint, under the issuer.</summary>
    public const string LogoutPath = "protocol/openid-connect/logout";

    /// <summary>The issuer's signing keys (JWKS), under the issuer.</summary>
    public const string CertsPath = "protocol/openid-connect/certs";

    /// <summary>The scope asked for by default: the OpenID identity and every Pro Santé Connect claim.</summary>
    public const string DefaultScope = "openid scope_all";

    /// <summary>The authentication level asked for by default, and the lowest one accepted (eIDAS level 1: CPS card or e-CPS).</summary>
    public const string DefaultAcr = "eidas1";
}

/// <summary>The endpoints of one deployment, resolved from the options.</summary>
internal sealed record ResolvedEndpoints(string Issuer, Uri Authorization, Uri Token, Uri UserInfo, Uri Logout, Uri Certs)
{
    public static ResolvedEndpoints From(ProSanteConnectOptions options)
    {
        var production = options.Environment == ProSanteConnectEnvironment.Production;
        var issuer = options.Issuer?.OriginalString
            ?? (production ? ProSanteConnectEndpoints.ProductionIssuer : ProSanteConnectEndpoints.IntegrationIssuer);
        var authorization = options.AuthorizationEndpoint
            ?? new Uri(production ? ProSanteConnectEndpoints.ProductionAuthorizationEndpoint : ProSanteConnectEndpoints.IntegrationAuthorizationEndpoint);
        var root = issuer.TrimEnd('/') + "/";
        return new ResolvedEndpoints(issuer, authorization,
            new Uri(root + ProSanteConnectEndpoints.TokenPath),
            new Uri(root + ProSanteConnectEndpoints.UserInfoPath),
            new Uri(root + ProSanteConnectEndpoints.LogoutPath),
            new Uri(root + ProSanteConnectEndpoints.CertsPath));
    }
}
