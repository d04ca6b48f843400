namespace Esante.MsSante.Identity;

/// <summary>Settings of the one-time codes.</summary>
public sealed class OtpOptions
{
    /// <summary>The issuer shown by authenticator applications. Default "MSSanté".</summary>
    public string Issuer { get; set; } = "MSSanté";

    /// <summary>How long an e-mail code stays valid. Default 10 minutes.</summary>
    public TimeSpan EmailCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
