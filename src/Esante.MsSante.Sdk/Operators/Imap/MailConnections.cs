using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Esante.MsSante.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Esante.MsSante.Operators.Imap;

/// <summary>
/// Connecting and authenticating MailKit clients the MSSanté way: TLS 1.2+ only, certificates checked against the system's
/// roots and the configured authorities (for server use, not revoked), and every failure turned into an error that says what to do.
/// </summary>
internal static class MailConnections
{
    public static void Configure(MailService client, ImapOperatorOptions options, MailCredential? credential)
    {
        client.Timeout = (int)options.Timeout.TotalMilliseconds;
        client.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        client.CheckCertificateRevocation = !options.InsecureSkipRevocationCheck;
        client.ServerCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, options);
        client.ClientCertificates = ClientCertificates(options, credential);
    }

    /// <summary>The certificates to present: the credential's first, then the configured ones; null when none.</summary>
    public static X509CertificateCollection? ClientCertificates(ImapOperatorOptions options, MailCredential? credential)
    {
        var certificates = new X509CertificateCollection(options.ClientCertificates);
        if (credential?.Certificate is not null)
        {
            certificates.Insert(0, credential.Certificate);
        }
        return certificates.Count > 0 ? certificates : null;
    }

    public static async Task ConnectAsync(MailService client, string host, int port, ConnectionSecurity security, string protocol, CancellationToken cancellationToken)
    {
        var socketOptions = security switch
        {
            ConnectionSecurity.ImplicitTls => SecureSocketOptions.SslOnConnect,
            ConnectionSecurity.InsecurePlaintext => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        var where = $"{protocol} server {host}:{port}";
        using var traced = Diagnostics.SdkTelemetry.Start(Diagnostics.SdkTelemetry.Connect, System.Diagnostics.ActivityKind.Client);
        traced?.Tag(Diagnostics.SdkTelemetry.ProtocolName, protocol.ToLowerInvariant()).Tag(Diagnostics.SdkTelemetry.ServerAddress, host).Tag(Diagnostics.SdkTelemetry.ServerPort, port);
        try
        {
            await client.ConnectAsync(host, port, socketOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Diagnostics.SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            // Cancelled during the TLS handshake, which MailKit reports as a failed handshake: it is a cancellation.
            throw new OperationCanceledException("The connection was cancelled.", e, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new MssanteConnectionException($"The {where} is unreachable ({e.SocketErrorCode}): check the host, the port and the network.", e);
        }
        catch (SslHandshakeException e)
        {
            throw new MssanteConnectionException(
                $"TLS with the {where} failed: its certificate is not trusted (unknown authority, wrong host name, expired or revoked), " +
                "or the server does not offer TLS 1.2 or newer. Add the operator's authority to TrustedCertificateAuthorities if it is a private one (IGC Santé).", e);
        }
        catch (NotSupportedException e) when (security == ConnectionSecurity.StartTls)
        {
            throw new MssanteConnectionException($"The {where} offers no STARTTLS: the SDK refuses to send credentials or health data in clear.", e);
        }
        catch (TimeoutException e)
        {
            throw new MssanteConnectionException($"The {where} did not answer in time.", e);
        }
        catch (Exception e) when (e is ProtocolException or IOException)
        {
            throw new MssanteConnectionException($"The {where} did not answer as an {protocol} server: check the port and whether it expects implicit TLS or STARTTLS.", e);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Found by the fault matrix: a server that accepts the connection and never greets gave MailKit's raw TimeoutException.
            throw new MssanteConnectionException($"The {where} did not answer in time.", e);
        }
    }

    /// <summary>Connects and signs in (<see cref="ConnectAsync"/>, <see cref="AuthenticateAsync"/>), and logs how it went.</summary>
    public static async Task OpenAsync(MailService client, string host, int port, ConnectionSecurity security, string protocol, MailCredential credential, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(client, host, port, security, protocol, cancellationToken).ConfigureAwait(false);
            await AuthenticateAsync(client, credential, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (LogFailure(logger, protocol, host, port, credential, e))
        {
            throw;
        }
        logger.ConnectionOpened(protocol, host, port, security, credential.UserName);
    }

    /// <summary>Logs a failed connection or sign-in; false, so the exception goes on unchanged.</summary>
    public static bool LogFailure(ILogger logger, string protocol, string host, int port, MailCredential credential, Exception e)
    {
        if (e is MssanteAuthenticationException refused)
        {
            logger.CredentialRefused(protocol, credential.UserName, refused.Data["ServerText"] as string ?? Redaction.ServerText(e.Message));
        }
        else if (e is MssanteConnectionException or NotSupportedException)
        {
            logger.ConnectionFailed(protocol, host, port, Redaction.ServerText(e.Message));
        }
        return false;
    }

    /// <summary>Authenticates with a password (the best mechanism both sides have, PLAIN or LOGIN at least) or a bearer token (OAUTHBEARER, else XOAUTH2).</summary>
    public static async Task AuthenticateAsync(MailService client, MailCredential credential, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            if (credential.Password is not null && credential.AuthorizationId is null)
            {
                await client.AuthenticateAsync(Encoding.UTF8, new NetworkCredential(credential.UserName, credential.Password), cancellationToken).ConfigureAwait(false);
                return;
            }
            if (credential.Certificate is not null && !client.AuthenticationMechanisms.Contains("EXTERNAL"))
            {
                if (client is not MailKit.Net.Smtp.SmtpClient)
                {
                    throw new NotSupportedException("The IMAP server does not offer SASL EXTERNAL: it cannot sign in with a client certificate.");
                }
                // An SMTP server without EXTERNAL authorises the TLS client certificate itself.
                return;
            }
            var mechanism = await ChooseMechanismAsync(credential, client.AuthenticationMechanisms, time, cancellationToken).ConfigureAwait(false);
            await client.AuthenticateAsync(mechanism, cancellationToken).ConfigureAwait(false);
        }
        catch (MailKit.Security.AuthenticationException e)
        {
            throw CredentialRefused(credential, e.Message);
        }
        catch (Exception e) when (ImapOperatorMailbox.IsConnectionFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Dropped or silent (MailKit's TimeoutException) during the sign-in: the SDK's own error, not MailKit's.
            throw new MssanteConnectionException($"The {(client is MailKit.Net.Smtp.SmtpClient ? "SMTP" : "IMAP")} server dropped the connection or stopped answering during the sign-in: nothing was done, and it reconnects at the next call.", e);
        }
    }

    /// <summary>
    /// The SASL mechanism for a credential among those a server offers: PLAIN for a password, EXTERNAL for a client
    /// certificate, OAUTHBEARER (else XOAUTH2) for a bearer token, which is fetched and checked for expiry here.
    /// </summary>
    /// <exception cref="NotSupportedException">The server offers no mechanism for this kind of credential.</exception>
    public static async Task<SaslMechanism> ChooseMechanismAsync(MailCredential credential, IEnumerable<string> offered, TimeProvider time, CancellationToken cancellationToken)
    {
        var mechanisms = new HashSet<string>(offered, StringComparer.OrdinalIgnoreCase);
        if (credential.Password is not null)
        {
            return mechanisms.Contains("PLAIN")
                ? new SaslMechanismPlain(new NetworkCredential(credential.UserName, credential.Password)) { AuthorizationId = credential.AuthorizationId ?? string.Empty }
                : throw new NotSupportedException("The server does not offer SASL PLAIN: it cannot accept a password.");
        }
        if (credential.Certificate is not null)
        {
            return mechanisms.Contains("EXTERNAL")
                ? new SaslMechanismExternal(credential.AuthorizationId)
                : throw new NotSupportedException("The server does not offer SASL EXTERNAL: it cannot sign in with a client certificate.");
        }
        // A token names its holder itself: the name sent (XOAUTH2's user=, OAUTHBEARER's a=) is the account to act as.
        var token = await AccessTokenAsync(credential, time, cancellationToken).ConfigureAwait(false);
        return mechanisms.Contains("OAUTHBEARER") ? new SaslMechanismOAuthBearer(credential.SaslName, token)
            : mechanisms.Contains("XOAUTH2") ? new SaslMechanismOAuth2(credential.SaslName, token)
            : throw new NotSupportedException("The server offers neither OAUTHBEARER nor XOAUTH2: it cannot accept an access token.");
    }

    /// <summary>A token from the credential's source, refused here if already expired (the server would only say "refused").</summary>
    public static async Task<string> AccessTokenAsync(MailCredential credential, TimeProvider time, CancellationToken cancellationToken)
    {
        var token = await credential.AccessToken!(cancellationToken).ConfigureAwait(false);
        AccessTokens.ThrowIfExpired(token, time.GetUtcNow());
        return token;
    }

    /// <summary>The error for a credential the server refused, with the server's own words, redacted, kept aside (not in the message).</summary>
    public static MssanteAuthenticationException CredentialRefused(MailCredential credential, string serverText) =>
        new(AuthenticationFailure.InvalidCredentials,
            credential.Password is not null ? "The user name or the password is wrong."
            : credential.Certificate is not null ? "The client certificate was refused (unknown authority, expired, or for no account here)."
            : "The access token was refused (expired, revoked or for another account).")
        {
            Data = { ["ServerText"] = Redaction.ServerText(serverText) },
        };

    /// <summary>The revocation checking the options ask for: online (the authorities' CRLs) unless turned off.</summary>
    public static X509RevocationMode RevocationMode(ImapOperatorOptions options) =>
        options.InsecureSkipRevocationCheck ? X509RevocationMode.NoCheck : X509RevocationMode.Online;

    /// <summary>
    /// Whether a server certificate is trusted: valid for the system (TLS checks the name, the chain to a system root, the
    /// serverAuth usage and, as the options say, revocation), or chaining to a configured authority with the same checks.
    /// </summary>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="sent">The chain TLS built, whose extra store holds the intermediates the server sent.</param>
    /// <param name="errors">What TLS found wrong.</param>
    /// <param name="options">The trusted authorities and the revocation setting.</param>
    public static bool IsTrusted(X509Certificate? certificate, X509Chain? sent, SslPolicyErrors errors, ImapOperatorOptions options)
    {
        if (options.InsecureSkipCertificateValidation || errors == SslPolicyErrors.None)
        {
            return true;
        }
        // A name mismatch or a missing certificate is never forgiven; an unknown root is, if it is one we were told to trust.
        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors || options.TrustedCertificateAuthorities.Count == 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(options.TrustedCertificateAuthorities);
        if (sent is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
        }
        // For a server: a certificate whose extended key usage leaves out serverAuth is for something else.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
        chain.ChainPolicy.RevocationMode = RevocationMode(options);
        chain.ChainPolicy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    /// <summary>The serverAuth extended key usage (RFC 5280 §4.2.1.12).</summary>
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
}

/// <summary>
/// What the SDK signs in with: a password, a source of bearer tokens or a client certificate, kept in memory only; and, for a
/// delegate acting for an organisational mailbox, that mailbox as SASL authorization identity (RFC 4422 §3.4.1).
/// </summary>
internal sealed class MailCredential
{
    private MailCredential(string userName, string? password, BearerTokenSource? accessToken, X509Certificate2? certificate, string? authorizationId = null)
    {
        UserName = userName;
        Password = password;
        AccessToken = accessToken;
        Certificate = certificate;
        AuthorizationId = authorizationId;
    }

    /// <summary>The person (the authentication identity).</summary>
    public string UserName { get; }

    /// <summary>The account acted for when it is not the person's own (PLAIN's and EXTERNAL's authzid), else null.</summary>
    public string? AuthorizationId { get; }

    /// <summary>The name a bearer-token mechanism sends (XOAUTH2's user=, OAUTHBEARER's a=): the account acted for.</summary>
    public string SaslName => AuthorizationId ?? UserName;

    /// <summary>The same person's credential, acting for <paramref name="mailbox"/>.</summary>
    public MailCredential ActingFor(string mailbox) => new(UserName, Password, AccessToken, Certificate, mailbox);

    public string? Password { get; }

    public BearerTokenSource? AccessToken { get; }

    public X509Certificate2? Certificate { get; }

    public static MailCredential FromPassword(string userName, string password) => new(userName, password, null, null);

    public static MailCredential FromToken(string userName, BearerTokenSource token) => new(userName, null, token, null);

    public static MailCredential FromCertificate(string userName, X509Certificate2 certificate) => new(userName, null, null, certificate);

    public override string ToString() => $"MailCredential {{ UserName = {UserName}, secret = REDACTED }}";
}
