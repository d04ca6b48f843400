namespace Esante.MsSante;

/// <summary>
/// The "test a code" step (« Tester la saisie d'un OTP ») of choosing a one-time-code channel: for an authenticator app,
/// the secret and QR-code URI to scan; for e-mail, where the test code was sent. Nothing is saved until a code is confirmed.
/// </summary>
/// <param name="Channel">The channel being set up.</param>
/// <param name="Authenticator">For <see cref="OtpChannel.AuthenticatorApp"/>: what to scan.</param>
/// <param name="CodeSentTo">For <see cref="OtpChannel.Email"/>: the address the test code was sent to, partly masked.</param>
public sealed record OtpChannelEnrolment(OtpChannel Channel, AuthenticatorEnrolment? Authenticator, string? CodeSentTo);
