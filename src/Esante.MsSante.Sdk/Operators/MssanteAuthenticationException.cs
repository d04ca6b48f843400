namespace Esante.MsSante;

/// <summary>Signing in or an account step failed; <see cref="Failure"/> says why, so the application can tell the person what to do.</summary>
public sealed class MssanteAuthenticationException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why it failed.</param>
    /// <param name="message">A message for a person; never a password, code or token.</param>
    /// <param name="lockedUntil">When a locked account opens again, if known.</param>
    public MssanteAuthenticationException(AuthenticationFailure failure, string message, DateTimeOffset? lockedUntil = null)
        : base(message)
    {
        Failure = failure;
        LockedUntil = lockedUntil;
    }

    /// <summary>Why it failed.</summary>
    public AuthenticationFailure Failure { get; }

    /// <summary>When a locked account opens again, if known.</summary>
    public DateTimeOffset? LockedUntil { get; }
}
