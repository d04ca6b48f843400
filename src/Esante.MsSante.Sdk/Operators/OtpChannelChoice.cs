namespace Esante.MsSante;

/// <summary>The one-time-code channel a person chooses, with the e-mail address for the e-mail channel.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Email">Where e-mail codes go; required for <see cref="OtpChannel.Email"/>.</param>
public sealed record OtpChannelChoice(OtpChannel Channel, string? Email = null)
{
    /// <summary>Codes by e-mail to <paramref name="email"/>.</summary>
    public static OtpChannelChoice ByEmail(string email) => new(OtpChannel.Email, email);

    /// <summary>Codes from an authenticator application.</summary>
    public static OtpChannelChoice ByAuthenticatorApp() => new(OtpChannel.AuthenticatorApp);
}
