using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>
/// One-time codes for the second factor (« code à usage unique »): TOTP (RFC 6238: 6 digits, 30 s, HMAC-SHA1, the settings
/// authenticator apps use) and codes sent by e-mail. Each code is accepted once, codes are compared in constant time, and
/// a few wrong codes in a row (<see cref="OtpOptions.MaxFailedAttempts"/>) invalidate the e-mail code or lock the TOTP
/// secret for a while (<see cref="OtpVerificationResult.TooManyAttempts"/>): a six-digit code cannot be guessed.
/// </summary>
public interface IOtpProvider
{
    /// <summary>Creates a new TOTP secret and the <c>otpauth://</c> URI an authenticator app scans as a QR code.</summary>
    /// <param name="accountName">The account shown in the app, e.g. the user name.</param>
    AuthenticatorEnrolment EnrolAuthenticator(string accountName);

    /// <summary>The TOTP code of a secret now, as an authenticator app shows it (for software that signs in unattended).</summary>
    /// <param name="secret">The Base32 secret from <see cref="EnrolAuthenticator"/>.</param>
    /// <exception cref="FormatException">The secret is not Base32.</exception>
    string ComputeTotp(string secret);

    /// <summary>
    /// Checks a TOTP code within one time step either side of now, refuses a code of a step already used, and refuses every
    /// code for a while after too many wrong ones.
    /// </summary>
    /// <param name="secret">The Base32 secret.</param>
    /// <param name="code">The code typed by the person.</param>
    OtpVerificationResult VerifyTotp(string secret, string code);

    /// <summary>Issues a new e-mail code for an account, replacing any earlier one and its count of wrong codes. The caller sends it.</summary>
    /// <param name="accountKey">Identifies the account (e.g. the user name).</param>
    /// <returns>The code to send.</returns>
    string IssueEmailCode(string accountKey);

    /// <summary>Checks an e-mail code: right, not expired, not used before, and not invalidated by too many wrong codes.</summary>
    /// <param name="accountKey">Identifies the account.</param>
    /// <param name="code">The code typed by the person.</param>
    OtpVerificationResult VerifyEmailCode(string accountKey, string code);
}
