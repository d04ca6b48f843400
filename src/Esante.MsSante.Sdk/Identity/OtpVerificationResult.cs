namespace Esante.MsSante;

/// <summary>The outcome of checking a one-time code.</summary>
public enum OtpVerificationResult
{
    /// <summary>The code is right; it is now used up.</summary>
    Valid,

    /// <summary>The code is wrong, malformed, or outside the allowed time window.</summary>
    Invalid,

    /// <summary>The code was right but has already been used once.</summary>
    Replayed,

    /// <summary>The e-mail code is older than its lifetime, or none was issued.</summary>
    Expired,

    /// <summary>
    /// Too many wrong codes (<see cref="OtpOptions.MaxFailedAttempts"/>): the e-mail code is invalidated (issue a new one),
    /// or the TOTP secret is refused for <see cref="OtpOptions.TotpLockout"/>. The code typed is not even checked.
    /// </summary>
    TooManyAttempts,
}
