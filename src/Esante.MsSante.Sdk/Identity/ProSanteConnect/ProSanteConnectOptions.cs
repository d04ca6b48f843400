namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// Settings of <see cref="ProSanteConnectClient"/>: which Pro Santé Connect, the application's registration (client id,
/// secret, redirect address) and the sign-in rules. Required: <see cref="ClientId"/>, <see cref="ClientSecret"/> and
/// <see cref="RedirectUri"/>; checked by <see cref="ProSanteConnectOptionsValidator"/>.
/// </summary>
public sealed class ProSanteConnectOptions
{
    /// <summary>Production or the integration environment (« BAS »). Default: production.</summary>
    public ProSanteConnectEnvironment Environment { get; set; } = ProSanteConnectEnvironment.Production;

    /// <summary>
    /// Another deployment's issuer, e.g. a test realm: replaces the environment's, and the token, userinfo, logout and certs
    /// endpoints are taken under it (<see cref="ProSanteConnectEndpoints.TokenPath"/>…). It must be exactly the ID token's <c>iss</c>.
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>Another deployment's authorisation page; replaces the environment's.</summary>
    public Uri? AuthorizationEndpoint { get; set; }

    /// <summary>The application's client id, given by Pro Santé Connect at registration. Required.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The application's client secret, given with the client id. Required; never logged nor put in a message.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>How the secret is sent to the token endpoint. Default: <see cref="ProSanteConnectClientAuthentication.ClientSecretBasic"/>.</summary>
    public ProSanteConnectClientAuthentication ClientAuthentication { get; set; } = ProSanteConnectClientAuthentication.ClientSecretBasic;

    /// <summary>The application's callback address, registered with Pro Santé Connect. Required; https, or http on a loopback address.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Where Pro Santé Connect sends the browser back after signing out (registered too), or null.</summary>
    public Uri? PostLogoutRedirectUri { get; set; }

    /// <summary>The scopes asked for. Default <c>openid scope_all</c> (<see cref="ProSanteConnectEndpoints.DefaultScope"/>); must include <c>openid</c>.</summary>
    public string Scope { get; set; } = ProSanteConnectEndpoints.DefaultScope;

    /// <summary>
    /// The authentication level asked for (<c>acr_values</c>), and the lowest one accepted in the ID token's <c>acr</c>.
    /// Default <c>eidas1</c> (<see cref="ProSanteConnectEndpoints.DefaultAcr"/>); a level of the form <c>eidasN</c>.
    /// </summary>
    public string Acr { get; set; } = ProSanteConnectEndpoints.DefaultAcr;

    /// <summary>How far the provider's clock may differ from this one when checking a token's times. Default 30 seconds; at most 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <see cref="ProSanteConnectSession.GetAccessTokenAsync"/> refreshes the access token (Pro Santé Connect's last 2 minutes)
    /// when less than this is left of it; nothing refreshes it in the background. When Pro Santé Connect cannot refresh it for
    /// now, the current token is still handed out while it has more than 10 seconds left, so a connection may then start with
    /// less than this. Default 30 seconds.
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the refresh token lasts when the provider does not say (<c>refresh_expires_in</c>). Default 30 minutes.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a <see cref="ProSanteConnectAuthorization"/> waits for its callback: an older one is refused
    /// (<see cref="ProSanteConnectFailure.AuthorizationExpired"/>) and the person starts the sign-in again. Default 10 minutes.
    /// </summary>
    public TimeSpan AuthorizationLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a Pro Santé Connect session lasts, refreshes included; then the person signs in again. Default 4 hours.</summary>
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromHours(4);

    /// <summary>The clock. Default: the one registered in the container, else the system's.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
