
namespace Esante.MsSante;

/// <summary>
/// The operator's account portal, as the guide shows it: first connection and forgotten password (a reset link, a new
/// password, the one-time code channel and its test code), then, signed in, the profile, the contact e-mail, the password
/// and the one-time code channel. Offered by <see cref="IMssanteSession.Portal"/> where the operator has such an
/// interface (the fake operator); a real operator's portal is its web site (<see cref="IMssanteSession.PasswordResetPage"/>).
/// </summary>
public interface IAccountPortal
{
    /// <summary>« Mot de passe oublié / Première connexion »: asks for a link (valid 1 hour, usable once) sent to the contact e-mail.</summary>
    Task RequestPasswordResetAsync(string userName, string contactEmail, CancellationToken cancellationToken = default);

    /// <summary>On the link's page: the new password (typed twice) and the one-time-code channel. Returns the "test a code" step.</summary>
    /// <exception cref="MssanteAuthenticationException">The link is unknown, expired or used, or the password is refused.</exception>
    /// <exception cref="ArgumentException">The confirmation differs from the password.</exception>
    Task<OtpChannelEnrolment> StartPasswordSetupAsync(Uri resetLink, string newPassword, string confirmation, OtpChannelChoice otpChannel, CancellationToken cancellationToken = default);

    /// <summary>« Tester »: checks a code of the chosen channel, then saves the password and channel.</summary>
    /// <exception cref="MssanteAuthenticationException">The code is wrong, or the link is no longer valid.</exception>
    Task CompletePasswordSetupAsync(Uri resetLink, string testCode, CancellationToken cancellationToken = default);

    /// <summary>« Mon Profil »: the contact e-mail and the one-time-code channel.</summary>
    Task<AccountProfile> GetProfileAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes the contact e-mail.</summary>
    /// <exception cref="ArgumentException">The e-mail is not a single valid address.</exception>
    Task ChangeContactEmailAsync(string contactEmail, CancellationToken cancellationToken = default);

    /// <summary>Changes the password.</summary>
    /// <exception cref="MssanteAuthenticationException">The current password is wrong or the new one is refused.</exception>
    Task ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default);

    /// <summary>Starts changing the one-time-code channel; returns the "test a code" step.</summary>
    Task<OtpChannelEnrolment> StartOtpChannelChangeAsync(OtpChannelChoice otpChannel, CancellationToken cancellationToken = default);

    /// <summary>Checks a code of the new channel, then saves it.</summary>
    /// <exception cref="MssanteAuthenticationException">The code is wrong.</exception>
    Task CompleteOtpChannelChangeAsync(string testCode, CancellationToken cancellationToken = default);
}
