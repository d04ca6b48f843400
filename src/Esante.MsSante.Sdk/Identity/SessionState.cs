namespace Esante.MsSante;

/// <summary>Where a session is in signing in.</summary>
public enum SessionState
{
    /// <summary>Not signed in.</summary>
    SignedOut,

    /// <summary>The password was accepted; a one-time code is awaited.</summary>
    AwaitingSecondFactor,

    /// <summary>Signed in: mailboxes can be listed and opened.</summary>
    SignedIn,
}
