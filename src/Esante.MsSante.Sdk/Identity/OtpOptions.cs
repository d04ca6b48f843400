namespace Esante.MsSante;

/// <summary>Settings of the one-time codes.</summary>
public sealed class OtpOptions
{
    /// <summary>The issuer shown by authenticator applications. Default "MSSanté".</summary>
    public string Issuer { get; set; } = "MSSanté";

    /// <summary>How long an e-mail code stays valid. Default 10 minutes.</summary>
    public TimeSpan EmailCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many wrong codes in a row are allowed: at this many, an e-mail code is invalidated (a new one must be issued) and
    /// a TOTP secret is refused for <see cref="TotpLockout"/>, even with the right code. Default 5: six-digit codes then
    /// fall to guessing with a chance of about 1 in 200,000 (e-mail) or 1 in 70,000 per lockout (TOTP).
    /// </summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a TOTP secret is refused after <see cref="MaxFailedAttempts"/> wrong codes. Default 15 minutes.</summary>
    public TimeSpan TotpLockout { get; set; } = TimeSpan.FromMinutes(15);
}
