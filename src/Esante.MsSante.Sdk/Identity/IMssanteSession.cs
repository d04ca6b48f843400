using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>
/// A person's session with their MSSanté operator: signing in with a password and a one-time code, the mailboxes they may open
/// (their own and the organisational ones they are a delegate of), and the account journeys of the guide
/// (« Première connexion », « Mot de passe oublié », « Mon Profil »).
/// </summary>
public interface IMssanteSession : IAsyncDisposable
{
    /// <summary>Where the session is in signing in.</summary>
    SessionState State { get; }

    /// <summary>The signed-in user name, or null.</summary>
    string? UserName { get; }

    /// <summary>Signs in with a user name (« prénom.nom ») and password. The operator then usually asks for a one-time code.</summary>
    /// <exception cref="MssanteAuthenticationException">Wrong credentials, or the account is locked.</exception>
    /// <exception cref="InvalidOperationException">The session is already signed in.</exception>
    Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs in with a bearer access token, such as a Pro Santé Connect token, refreshed by the application: the SDK asks
    /// <paramref name="accessToken"/> for the current token at each connection and never stores it. When it answers with
    /// <see cref="MssanteAuthenticationException"/> <see cref="AuthenticationFailure.TokenExpired"/> (the refresh token was
    /// refused, the PSC session is over), the session ends (CONF.10): <see cref="State"/> becomes
    /// <see cref="SessionState.SignedOut"/>; open mailboxes fail at their next connection; sign the person in again.
    /// </summary>
    /// <exception cref="MssanteAuthenticationException">The token is expired or refused.</exception>
    /// <exception cref="InvalidOperationException">The session is already signed in.</exception>
    Task SignInWithTokenAsync(string userName, BearerTokenSource accessToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs in with a client certificate, as software does for an applicative mailbox (IGC Santé « Organisation »
    /// certificate, CONF.27). No password or one-time code is involved.
    /// </summary>
    /// <param name="certificate">The certificate with its private key.</param>
    /// <param name="userName">The account; the certificate's e-mail address or common name when null.</param>
    /// <param name="cancellationToken">Cancels signing in.</param>
    /// <exception cref="MssanteAuthenticationException">The certificate is refused.</exception>
    /// <exception cref="InvalidOperationException">The session is already signed in.</exception>
    Task SignInWithCertificateAsync(X509Certificate2 certificate, string? userName = null, CancellationToken cancellationToken = default);

    /// <summary>Completes the sign-in with the one-time code (« code à usage unique »).</summary>
    /// <exception cref="MssanteAuthenticationException">The code is wrong, already used or expired, or the account is locked.</exception>
    /// <exception cref="InvalidOperationException">No code is awaited.</exception>
    Task CompleteSignInAsync(string oneTimeCode, CancellationToken cancellationToken = default);

    /// <summary>Lists the mailboxes the person may open (« sélection de la boîte aux lettres »).</summary>
    /// <exception cref="InvalidOperationException">The session is not signed in.</exception>
    Task<IReadOnlyList<MailboxDescriptor>> ListMailboxesAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens one of the person's mailboxes.</summary>
    /// <exception cref="MailboxAccessDeniedException">The person may not open it.</exception>
    /// <exception cref="InvalidOperationException">The session is not signed in.</exception>
    Task<IMailboxClient> OpenMailboxAsync(MssanteAddress mailbox, CancellationToken cancellationToken = default);

    /// <summary>Signs out; mailboxes opened in this session stop working.</summary>
    Task SignOutAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The operator's account portal (first connection, forgotten password, profile, one-time code channel) where the
    /// operator offers it as an interface, as the fake operator does; null where the portal is the operator's web site:
    /// send the person to <see cref="PasswordResetPage"/> then.
    /// </summary>
    IAccountPortal? Portal { get; }

    /// <summary>
    /// The operator's web page for « Mot de passe oublié / Première connexion », when it is configured
    /// (<see cref="ImapOperatorOptions.PasswordResetPage"/>); null otherwise.
    /// </summary>
    Uri? PasswordResetPage { get; }
}
