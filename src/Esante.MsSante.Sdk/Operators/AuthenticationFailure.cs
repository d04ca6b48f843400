namespace Esante.MsSante;

/// <summary>Why a sign-in or an account step failed.</summary>
public enum AuthenticationFailure
{
    /// <summary>The user name or the password is wrong (the operator does not say which).</summary>
    InvalidCredentials,

    /// <summary>The one-time code is wrong or too old.</summary>
    InvalidOneTimeCode,

    /// <summary>The one-time code was already used: each code signs in once.</summary>
    ReplayedOneTimeCode,

    /// <summary>The second-factor step took too long; sign in again.</summary>
    SecondFactorExpired,

    /// <summary>Too many failures in a row: the account is locked for a while (or until its password is reset).</summary>
    AccountLocked,

    /// <summary>The bearer token has expired or was revoked.</summary>
    TokenExpired,

    /// <summary>The password-reset / first-connection link is unknown or malformed.</summary>
    ResetLinkInvalid,

    /// <summary>The password-reset / first-connection link is older than its validity (1 hour).</summary>
    ResetLinkExpired,

    /// <summary>The password-reset / first-connection link was already used.</summary>
    ResetLinkAlreadyUsed,

    /// <summary>The new password does not meet the operator's rules, or its confirmation differs.</summary>
    PasswordRejected,

    /// <summary>The session was signed out or has ended.</summary>
    SessionEnded,
}
