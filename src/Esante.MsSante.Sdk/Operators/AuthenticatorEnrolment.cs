namespace Esante.MsSante;

/// <summary>What an authenticator application needs: the shared secret and the <c>otpauth://</c> URI to show as a QR code.</summary>
/// <param name="Secret">The shared secret, in Base32 as authenticator apps expect. A secret: never log or persist it in clear.</param>
/// <param name="OtpAuthUri">The <c>otpauth://totp/…</c> URI (Key Uri Format) to scan.</param>
public sealed record AuthenticatorEnrolment(string Secret, Uri OtpAuthUri)
{
    /// <summary>Keeps the secret out of logs.</summary>
    public override string ToString() => "AuthenticatorEnrolment { Secret = REDACTED }";
}
