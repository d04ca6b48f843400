
namespace Esante.MsSante.Operators;

/// <summary>
/// The seam of an operator's account portal (first connection, reset, profile, one-time code channel), for an operator that
/// offers it as an interface: <see cref="IMssanteOperator.Portal"/>.
/// </summary>
public interface IOperatorPortal
{
    /// <summary>
    /// « Mot de passe oublié / Première connexion »: if the user name and contact e-mail match an account, the operator
    /// e-mails a link valid 1 hour and usable once. It says nothing about whether they matched.
    /// </summary>
    Task RequestPasswordResetAsync(string userName, string contactEmail, CancellationToken cancellationToken = default);

    /// <summary>
    /// First step of the reset-link page: the new password and the one-time-code channel. Nothing is saved yet:
    /// the operator returns the "test a code" step, completed by <see cref="CompletePasswordSetupAsync"/>.
    /// </summary>
    /// <exception cref="MssanteAuthenticationException">The link is unknown, expired or used, or the password is refused.</exception>
    Task<OtpChannelEnrolment> StartPasswordSetupAsync(Uri resetLink, string newPassword, OtpChannelChoice otpChannel, CancellationToken cancellationToken = default);

    /// <summary>Tests a code of the chosen channel; when it is right, saves the password and channel and uses up the link.</summary>
    /// <exception cref="MssanteAuthenticationException">The code is wrong, or the link is no longer valid.</exception>
    Task CompletePasswordSetupAsync(Uri resetLink, string testCode, CancellationToken cancellationToken = default);

    /// <summary>The profile (« Mon Profil »): contact e-mail and one-time-code channel.</summary>
    Task<AccountProfile> GetProfileAsync(OperatorGrant grant, CancellationToken cancellationToken = default);

    /// <summary>Changes the contact e-mail used for password resets.</summary>
    Task ChangeContactEmailAsync(OperatorGrant grant, string contactEmail, CancellationToken cancellationToken = default);

    /// <summary>Changes the password.</summary>
    /// <exception cref="MssanteAuthenticationException">The current password is wrong or the new one is refused.</exception>
    Task ChangePasswordAsync(OperatorGrant grant, string currentPassword, string newPassword, CancellationToken cancellationToken = default);

    /// <summary>Starts changing the one-time-code channel; nothing changes until <see cref="CompleteOtpChannelChangeAsync"/> gets a right code.</summary>
    Task<OtpChannelEnrolment> StartOtpChannelChangeAsync(OperatorGrant grant, OtpChannelChoice otpChannel, CancellationToken cancellationToken = default);

    /// <summary>Tests a code of the new channel; when it is right, the channel is saved.</summary>
    /// <exception cref="MssanteAuthenticationException">The code is wrong, or no change was started.</exception>
    Task CompleteOtpChannelChangeAsync(OperatorGrant grant, string testCode, CancellationToken cancellationToken = default);
}
