using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Esante.MsSante.Operators.Imap;

/// <summary>
/// A real MSSanté operator over IMAP4rev1 and SMTP submission, with MailKit: sign-in by password (PLAIN/LOGIN) or bearer token
/// (OAUTHBEARER/XOAUTH2), TLS 1.2+ with certificate validation, personal mailboxes and organisational ones shared by ACL
/// (RFC 4314) in the shared namespace (RFC 2342).
/// </summary>
/// <remarks>
/// The account journeys of an operator's web portal (first connection, forgotten password, one-time-code settings) have no
/// standard protocol: this operator refuses them with <see cref="NotSupportedException"/>, and never asks for a one-time code
/// itself (operators require Pro Santé Connect or client certificates for software instead).
/// </remarks>
internal sealed class ImapOperator : IMssanteOperator, IOperatorProbe
{
    /// <inheritdoc/>
    /// <remarks>Null: there is no standard protocol for a portal; it is the operator's web site.</remarks>
    public IOperatorPortal? Portal => null;

    /// <inheritdoc/>
    public Uri? PasswordResetPage => _options.PasswordResetPage;


    private readonly ImapOperatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Task<ImapOperatorOptions>? _servers;

    /// <summary>Creates the operator.</summary>
    /// <param name="options">Where the servers are and how to reach them.</param>
    /// <param name="timeProvider">The clock; the system's when null.</param>
    /// <param name="loggerFactory">Where the operator logs its connections, reconnections and refusals; nowhere when null.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <remarks>
    /// With <see cref="ImapOperatorOptions.AutoconfigureDomain"/>, the servers are looked up in DNS at the first sign-in:
    /// the sign-in methods then also throw <see cref="MssanteConnectionException"/> when the lookup fails or names a server
    /// outside the allowed domains.
    /// </remarks>
    public ImapOperator(ImapOperatorOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ImapOperator>();
    }

    /// <inheritdoc/>
    public async Task<SignInStep> SignInAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentNullException.ThrowIfNull(password);
        return SignInStep.Completed(await SignInAsync(MailCredential.FromPassword(userName, password), cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public Task<OperatorGrant> SignInWithTokenAsync(string userName, BearerTokenSource accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentNullException.ThrowIfNull(accessToken);
        return SignInAsync(MailCredential.FromToken(userName, accessToken), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<OperatorGrant> SignInWithCertificateAsync(X509Certificate2 certificate, string? userName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SignInAsync(MailCredential.FromCertificate(userName ?? ClientCertificates.Identity(certificate), certificate), cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Always: this operator never asks for a one-time code.</exception>
    public Task<OperatorGrant> CompleteSecondFactorAsync(SecondFactorChallenge challenge, string code, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("This operator never asks for a one-time code.");

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MailboxDescriptor>> ListMailboxesAsync(OperatorGrant grant, CancellationToken cancellationToken = default)
    {
        var imapGrant = Check(grant);
        var options = await ServersAsync(cancellationToken).ConfigureAwait(false);
        var imap = imapGrant.TakeConnection() ?? await ConnectImapAsync(options, imapGrant.Credential, _time, _logger, cancellationToken).ConfigureAwait(false);
        try
        {
            var mailboxes = new List<MailboxDescriptor>();
            if (grant.Address is not null)
            {
                mailboxes.Add(new MailboxDescriptor(grant.Address, MailboxKind.Personal, grant.Address.Value, IsOwn: true));
            }
            foreach (var (owner, kind, listed) in await SharedOwnersAsync(imap, cancellationToken).ConfigureAwait(false))
            {
                var node = listed;
                if (!imap.IsConnected)
                {
                    // The last name asked for was never set, and MailKit dropped the connection on the answer (see NameAsync).
                    imap.Dispose();
                    imap = await ConnectImapAsync(options, imapGrant.Credential, _time, _logger, cancellationToken).ConfigureAwait(false);
                    node = await imap.GetFolderAsync(node.FullName, cancellationToken).ConfigureAwait(false);
                }
                var name = kind == MailboxKind.Organisational ? await NameAsync(imap, node, cancellationToken).ConfigureAwait(false) : null;
                mailboxes.Add(new MailboxDescriptor(owner, kind, name ?? owner.Value, IsOwn: false));
            }
            imapGrant.ReturnConnection(imap);
            return mailboxes;
        }
        catch
        {
            imap.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<IOperatorMailbox> OpenMailboxAsync(OperatorGrant grant, MssanteAddress mailbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var imapGrant = Check(grant);
        var options = await ServersAsync(cancellationToken).ConfigureAwait(false);
        var imap = imapGrant.TakeConnection() ?? await ConnectImapAsync(options, imapGrant.Credential, _time, _logger, cancellationToken).ConfigureAwait(false);
        try
        {
            if (mailbox == grant.Address)
            {
                return new ImapOperatorMailbox(options, imapGrant.Credential, _time, _logger, new MailboxDescriptor(mailbox, MailboxKind.Personal, mailbox.Value, IsOwn: true), string.Empty, imap);
            }
            if ((await SharedOwnersAsync(imap, cancellationToken).ConfigureAwait(false)).FirstOrDefault(o => o.Owner == mailbox) is not { Owner: not null } found)
            {
                throw new MailboxAccessDeniedException($"The account {grant.UserName} may not open the mailbox {mailbox}: it is neither theirs nor shared with them.");
            }
            var name = found.Kind == MailboxKind.Organisational ? await NameAsync(imap, found.Node, cancellationToken).ConfigureAwait(false) : null;
            if (!imap.IsConnected)
            {
                imap.Dispose();
                imap = await ConnectImapAsync(options, imapGrant.Credential, _time, _logger, cancellationToken).ConfigureAwait(false);
            }
            var descriptor = new MailboxDescriptor(mailbox, found.Kind, name ?? mailbox.Value, IsOwn: false);
            if (found.Kind == MailboxKind.Organisational && await ActAsync(options, imapGrant, mailbox.Value, cancellationToken).ConfigureAwait(false) is { } acting)
            {
                // The delegate signed in for the mailbox: everything (rules, quota, sending under its address) is the mailbox's own.
                imapGrant.ReturnConnection(imap);
                return new ImapOperatorMailbox(options, acting.Credential, _time, _logger, descriptor, string.Empty, acting.Connection);
            }
            var shared = OtherUsersNamespace(imap)!;
            var prefix = shared.Path.TrimEnd(shared.DirectorySeparator) + shared.DirectorySeparator + mailbox.Value + shared.DirectorySeparator;
            return new ImapOperatorMailbox(options, imapGrant.Credential, _time, _logger, descriptor, prefix, imap);
        }
        catch
        {
            imap.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public Task SignOutAsync(OperatorGrant grant, CancellationToken cancellationToken = default)
    {
        (grant as ImapGrant)?.End();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<string> ProbeAsync(CancellationToken cancellationToken)
    {
        var options = await ServersAsync(cancellationToken).ConfigureAwait(false);
        using (var imap = new ImapClient(ProtocolLogs.Create(options, MailProtocol.Imap, _time, _logger)))
        {
            await GreetAsync(imap, options, options.ImapHost, options.ImapPort, options.ImapSecurity, "IMAP", cancellationToken).ConfigureAwait(false);
        }
        using (var smtp = new MssanteSmtpClient(ProtocolLogs.Create(options, MailProtocol.Smtp, _time, _logger)))
        {
            await GreetAsync(smtp, options, options.SubmissionHost, options.SmtpPort, options.SmtpSecurity, "SMTP", cancellationToken).ConfigureAwait(false);
        }
        return $"IMAP {options.ImapHost}:{options.ImapPort} and SMTP {options.SubmissionHost}:{options.SmtpPort} answered, their certificates trusted.";
    }

    /// <summary>Connects (TLS checked as for a sign-in) and says goodbye, without signing in.</summary>
    private static async Task GreetAsync(MailService client, ImapOperatorOptions options, string host, int port, ConnectionSecurity security, string protocol, CancellationToken cancellationToken)
    {
        MailConnections.Configure(client, options, credential: null);
        await MailConnections.ConnectAsync(client, host, port, security, protocol, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens an authenticated IMAP connection.</summary>
    internal static async Task<ImapClient> ConnectImapAsync(ImapOperatorOptions options, MailCredential credential, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var imap = new ImapClient(ProtocolLogs.Create(options, MailProtocol.Imap, time, logger));
        try
        {
            MailConnections.Configure(imap, options, credential);
            await MailConnections.OpenAsync(imap, options.ImapHost, options.ImapPort, options.ImapSecurity, "IMAP", credential, time, logger, cancellationToken).ConfigureAwait(false);
            return imap;
        }
        catch
        {
            imap.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Signs in for an organisational mailbox the person is a delegate of, with their own credential and the mailbox as
    /// SASL authorization identity (PLAIN's and EXTERNAL's authzid, XOAUTH2's user=, OAUTHBEARER's a=), as operators let
    /// delegates act for the structure. Null when the operator refuses it (it only shares the mailbox's folders by ACL, or
    /// the mailbox's owner shared its INBOX without making the person a delegate): the mailbox is then used through the
    /// shared namespace, and this sign-in does not ask again for it.
    /// </summary>
    private async Task<(MailCredential Credential, ImapClient Connection)?> ActAsync(ImapOperatorOptions options, ImapGrant grant, string mailbox, CancellationToken cancellationToken)
    {
        if (grant.ActingRefused(mailbox))
        {
            return null;
        }
        var acting = grant.Credential.ActingFor(mailbox);
        try
        {
            return (acting, await ConnectImapAsync(options, acting, _time, _logger, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is MssanteAuthenticationException or NotSupportedException)
        {
            _logger.ActingForRefused(grant.UserName, Redaction.Address(mailbox));
            grant.RefuseActing(mailbox);
            return null;
        }
    }

    private async Task<OperatorGrant> SignInAsync(MailCredential credential, CancellationToken cancellationToken)
    {
        var options = await ServersAsync(cancellationToken).ConfigureAwait(false);
        var imap = await ConnectImapAsync(options, credential, _time, _logger, cancellationToken).ConfigureAwait(false);
        return new ImapGrant(credential.UserName, PersonalAddress(credential.UserName), _time.GetUtcNow(), credential, imap);
    }

    /// <summary>
    /// The options with the servers' host names: the application's, or the ones the SRV records name, looked up once (a
    /// failed lookup is tried again at the next call).
    /// </summary>
    private Task<ImapOperatorOptions> ServersAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.AutoconfigureDomain))
        {
            return Task.FromResult(_options);
        }
        var servers = Volatile.Read(ref _servers);
        if (servers is null || servers.IsFaulted || servers.IsCanceled)
        {
            // Shared by concurrent sign-ins, so no caller's token stops it for the others; the options' timeout bounds it.
            var lookup = SrvAutoconfiguration.ResolveAsync(_options, CancellationToken.None);
            servers = Interlocked.CompareExchange(ref _servers, lookup, servers) == servers ? lookup : Volatile.Read(ref _servers)!;
        }
        return servers.WaitAsync(cancellationToken);
    }

    private MssanteAddress? PersonalAddress(string userName)
    {
        var address = userName.Contains('@', StringComparison.Ordinal) || string.IsNullOrEmpty(_options.MailDomain) ? userName : $"{userName}@{_options.MailDomain}";
        return MssanteAddress.TryParse(address, out var parsed) ? parsed : null;
    }

    /// <summary>The owners whose mailboxes are shared with this user (the first level of the shared namespace).</summary>
    /// <summary>
    /// The accounts that share something with this one, from the other users' namespace: an organisational mailbox when
    /// its INBOX is shared (the account is a delegate), a colleague's personal mailbox when only some folders are.
    /// </summary>
    private static async Task<List<(MssanteAddress Owner, MailboxKind Kind, MailKit.IMailFolder Node)>> SharedOwnersAsync(ImapClient imap, CancellationToken cancellationToken)
    {
        if (OtherUsersNamespace(imap) is not { } shared)
        {
            return [];
        }
        var root = imap.GetFolder(shared);
        var owners = await root.GetSubfoldersAsync(subscribedOnly: false, cancellationToken).ConfigureAwait(false);
        return owners
            .Select(o => (Owner: MssanteAddress.TryParse(o.Name, out var address) ? address : null, Node: o,
                Kind: o.Attributes.HasFlag(MailKit.FolderAttributes.NoSelect) || o.Attributes.HasFlag(MailKit.FolderAttributes.NonExistent) ? MailboxKind.Personal : MailboxKind.Organisational))
            .Where(o => o.Owner is not null)
            .Select(o => (o.Owner!, o.Kind, o.Node))
            .ToList();
    }

    /// <summary>The entry where an operator keeps an organisational mailbox's name: its INBOX's comment (RFC 5464 §3.2.1.2).</summary>
    internal static readonly MailKit.MetadataTag NameTag = new("/shared/comment");

    /// <summary>
    /// The name the operator gives a shared mailbox (the comment of its INBOX, read through the shared namespace), or null
    /// when it gives none or has no METADATA. A name never set leaves MailKit unable to read the answer (NIL, see
    /// ImapOperatorMailbox.GetSettingAsync): the connection is then closed, and the caller opens another.
    /// </summary>
    private static async Task<string?> NameAsync(ImapClient imap, MailKit.IMailFolder node, CancellationToken cancellationToken)
    {
        if (!imap.Capabilities.HasFlag(ImapCapabilities.Metadata))
        {
            return null;
        }
        try
        {
            var name = await node.GetMetadataAsync(NameTag, cancellationToken).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        }
        catch (MailKit.Net.Imap.ImapCommandException)
        {
            return null;
        }
        catch (MailKit.Net.Imap.ImapProtocolException) when (!imap.IsConnected)
        {
            return null;
        }
    }

    /// <summary>
    /// Where mailboxes other people shared with this user appear: the "other users" namespace of RFC 2342 (Dovecot's
    /// <c>shared/</c>), else the shared one.
    /// </summary>
    internal static MailKit.FolderNamespace? OtherUsersNamespace(ImapClient imap) =>
        imap.OtherNamespaces.Count > 0 ? imap.OtherNamespaces[0] : imap.SharedNamespaces.Count > 0 ? imap.SharedNamespaces[0] : null;

    private static ImapGrant Check(OperatorGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant is not ImapGrant imapGrant || imapGrant.Ended)
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.SessionEnded, "The session has ended: sign in again.");
        }
        return imapGrant;
    }
}
