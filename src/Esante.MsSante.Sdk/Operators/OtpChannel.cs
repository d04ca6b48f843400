namespace Esante.MsSante;

/// <summary>How the one-time code reaches the person (« canal de télécommunication »).</summary>
public enum OtpChannel
{
    /// <summary>By e-mail (« Email - Envoi de l'OTP »).</summary>
    Email,

    /// <summary>By an authenticator application (TOTP, e.g. Google Authenticator).</summary>
    AuthenticatorApp,
}
