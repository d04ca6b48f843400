using System.Security.Cryptography.X509Certificates;

namespace Esante.MsSante.Operators;

/// <summary>
/// An MSSanté operator as the SDK's services see it (layer 4, the operator seam): sign-in, the mailboxes a person may open,
/// and the operator's account journeys (first connection, forgotten password, profile). Implemented over IMAP/SMTP for
/// real operators and in memory by the fake operator of <c>Esante.MsSante.Sdk.Testing</c>.
/// </summary>
public interface IMssanteOperator
{
    /// <summary>Checks a user name (« prénom.nom ») and password.</summary>
    /// <returns>Signed in, or the second-factor step to complete.</returns>
    /// <exception cref="MssanteAuthenticationException">Wrong credentials, or the account is locked.</exception>
    Task<SignInStep> SignInAsync(string userName, string password, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs in with a bearer access token (a Pro Santé Connect token, CONF.07) through SASL XOAUTH2 or OAUTHBEARER.
    /// The source is asked again for each new connection.
    /// </summary>
    /// <param name="userName">The account the token is for (its MSSanté address at most operators).</param>
    /// <param name="accessToken">Gives the current token.</param>
    /// <param name="cancellationToken">Cancels signing in.</param>
    /// <exception cref="MssanteAuthenticationException">The token is expired (<see cref="AuthenticationFailure.TokenExpired"/>) or refused.</exception>
    Task<OperatorGrant> SignInWithTokenAsync(string userName, BearerTokenSource accessToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs in with a client certificate (IGC Santé « Organisation » certificates of applicative mailboxes, CONF.27):
    /// presented in TLS, then SASL EXTERNAL.
    /// </summary>
    /// <param name="certificate">The certificate, with its private key.</param>
    /// <param name="userName">The account; the certificate's e-mail address or common name when null.</param>
    /// <param name="cancellationToken">Cancels signing in.</param>
    /// <exception cref="MssanteAuthenticationException">The certificate is refused.</exception>
    Task<OperatorGrant> SignInWithCertificateAsync(X509Certificate2 certificate, string? userName = null, CancellationToken cancellationToken = default);

    /// <summary>Completes a sign-in with the one-time code.</summary>
    /// <exception cref="MssanteAuthenticationException">The code is wrong, already used or expired, or the account is locked.</exception>
    Task<OperatorGrant> CompleteSecondFactorAsync(SecondFactorChallenge challenge, string code, CancellationToken cancellationToken = default);

    /// <summary>Lists the mailboxes the person may open: their own and the organisational ones they are a delegate of.</summary>
    Task<IReadOnlyList<MailboxDescriptor>> ListMailboxesAsync(OperatorGrant grant, CancellationToken cancellationToken = default);

    /// <summary>Opens a mailbox.</summary>
    /// <exception cref="MailboxAccessDeniedException">The person may not open it.</exception>
    Task<IOperatorMailbox> OpenMailboxAsync(OperatorGrant grant, MssanteAddress mailbox, CancellationToken cancellationToken = default);

    /// <summary>Ends the sign-in; the grant and the mailboxes opened with it stop working.</summary>
    Task SignOutAsync(OperatorGrant grant, CancellationToken cancellationToken = default);

    /// <summary>The operator's account portal as an interface, or null when it is only a web site.</summary>
    IOperatorPortal? Portal { get; }

    /// <summary>The operator's web page for « Mot de passe oublié / Première connexion », when known; null otherwise.</summary>
    Uri? PasswordResetPage { get; }
}
