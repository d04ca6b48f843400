using System.Net;
using System.Security.Cryptography.X509Certificates;

using Esante.MsSante.Operators.Imap;

namespace Esante.MsSante;

/// <summary>
/// Where the operator's IMAP and SMTP servers are and how to reach them safely: either their host names
/// (<see cref="ImapHost"/>, <see cref="SmtpHost"/>, <see cref="ManageSieveHost"/>) or the mail domain whose DNS SRV records
/// name them (<see cref="AutoconfigureDomain"/>).
/// </summary>
public sealed class ImapOperatorOptions
{
    /// <summary>The IMAP server's host name. Required unless <see cref="AutoconfigureDomain"/> is set.</summary>
    public string ImapHost { get; set; } = string.Empty;

    /// <summary>The IMAP port: 143 (STARTTLS) by default.</summary>
    public int ImapPort { get; set; } = 143;

    /// <summary>How IMAP is secured. Default <see cref="ConnectionSecurity.StartTls"/>.</summary>
    public ConnectionSecurity ImapSecurity { get; set; } = ConnectionSecurity.StartTls;

    /// <summary>The SMTP submission server's host name; <see cref="ImapHost"/> when empty.</summary>
    public string SmtpHost { get; set; } = string.Empty;

    /// <summary>The submission port: 587 (STARTTLS) by default.</summary>
    public int SmtpPort { get; set; } = 587;

    /// <summary>How submission is secured. Default <see cref="ConnectionSecurity.StartTls"/>.</summary>
    public ConnectionSecurity SmtpSecurity { get; set; } = ConnectionSecurity.StartTls;

    /// <summary>The ManageSieve server's host name (RFC 5804, for the out-of-office and notification rules); <see cref="ImapHost"/> when empty.</summary>
    public string ManageSieveHost { get; set; } = string.Empty;

    /// <summary>
    /// The operator's web page for « Mot de passe oublié / Première connexion » (its portal), shown to the person by
    /// <see cref="IMssanteSession.PasswordResetPage"/>: there is no standard protocol for resetting a password.
    /// </summary>
    public Uri? PasswordResetPage { get; set; }

    /// <summary>The ManageSieve port: 4190 (STARTTLS) by default.</summary>
    public int ManageSievePort { get; set; } = 4190;

    /// <summary>How ManageSieve is secured. Default <see cref="ConnectionSecurity.StartTls"/>.</summary>
    public ConnectionSecurity ManageSieveSecurity { get; set; } = ConnectionSecurity.StartTls;

    /// <summary>
    /// Certificate authorities to trust besides the system's (e.g. the IGC Santé roots, or a test CA). A server certificate
    /// must chain to one of them or to a system root (through the intermediates the server sends), match the host name,
    /// be for server use (its extended key usage, when it has one, includes serverAuth) and not be revoked.
    /// </summary>
    public X509Certificate2Collection TrustedCertificateAuthorities { get; } = [];

    /// <summary>
    /// Do not check whether the server's certificate, or an authority above it, is revoked. Off by default: the SDK fetches
    /// the authorities' revocation lists (IGC Santé publishes CRLs) and refuses a certificate that is revoked or whose
    /// status cannot be learnt (CONF.22). Turning it on accepts a stolen, revoked certificate: only for tests against a
    /// server whose authority publishes no list, never in production. Set in code only, not from configuration.
    /// </summary>
    public bool InsecureSkipRevocationCheck { get; set; }

    /// <summary>Client certificates to present (IGC Santé « Organisation » certificates for applicative mailboxes, CONF.27).</summary>
    public X509Certificate2Collection ClientCertificates { get; } = [];

    /// <summary>
    /// Accept any server certificate. Never in production: anyone on the path could read the mail. Only for tests against
    /// a server whose certificate cannot be trusted otherwise.
    /// </summary>
    public bool InsecureSkipCertificateValidation { get; set; }

    /// <summary>
    /// The operator's mail domain (e.g. <c>esantepdl.mssante.fr</c>): a user name without '@' (« prénom.nom ») has its personal
    /// mailbox at <c>prénom.nom@MailDomain</c>. Leave empty when people sign in with their full address.
    /// </summary>
    public string MailDomain { get; set; } = string.Empty;

    /// <summary>
    /// The mailboxes' e-mail domain (e.g. <c>chu-nantes.mssante.fr</c>) whose DNS SRV records name the servers, instead of
    /// host names (CONF.04, RFC 6186): IMAP from <c>_imaps._tcp</c> (implicit TLS, preferred per RFC 8314) else
    /// <c>_imap._tcp</c> (STARTTLS); submission from <c>_submissions._tcp</c> else <c>_submission._tcp</c>; ManageSieve from
    /// <c>_sieve._tcp</c> (RFC 5804), else the IMAP host on port 4190. Hosts, ports and security all come from the records,
    /// so the host options must stay empty. The lookup happens once, at the first sign-in, and its result is kept.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Among a service's records the lowest priority wins, then a choice weighted by the records' weights (RFC 2782). A
    /// record whose target is "." says the service is not offered.
    /// </para>
    /// <para>
    /// Security (RFC 6186 §6, RFC 7817): DNS answers are not authenticated, and TLS only proves that a server is the host the
    /// records named. So a record is followed only when its target is this domain or one of its subdomains, or is in
    /// <see cref="TrustedServerDomains"/>; otherwise signing in fails with a <see cref="MssanteConnectionException"/> naming
    /// the target, before any connection. The server's certificate is then checked against the target's host name.
    /// </para>
    /// </remarks>
    public string AutoconfigureDomain { get; set; } = string.Empty;

    /// <summary>
    /// Domains where the servers named by <see cref="AutoconfigureDomain"/>'s SRV records may also be: the operator's own
    /// (e.g. <c>operateur.fr</c> accepts <c>imap.operateur.fr</c>). A domain accepts itself and its subdomains.
    /// </summary>
    public IList<string> TrustedServerDomains { get; } = new List<string>();

    /// <summary>
    /// The DNS servers asked for <see cref="AutoconfigureDomain"/>'s SRV records, as IP addresses with an optional port
    /// (<c>10.0.0.53</c>, <c>127.0.0.1:5353</c>, <c>[::1]:53</c>); the system's when empty.
    /// </summary>
    public IList<string> NameServers { get; } = new List<string>();

    /// <summary>How long one network operation may take, a DNS lookup included. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a watch (<c>WatchAsync</c>) ends its IMAP IDLE and starts it again, so that a connection that died
    /// silently (a NAT or firewall forgetting it, a server gone mute) is found within this plus <see cref="Timeout"/>, and
    /// replaced: the watch resumes after the last message it gave. Default 5 minutes; between 1 second and 29 minutes
    /// (RFC 2177 asks for at most 29).
    /// </summary>
    public TimeSpan WatchRefresh { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether the SDK saves the copy in Sent (most operators expect it from the client). Default true.</summary>
    public bool SaveSentCopy { get; set; } = true;

    /// <summary>
    /// How many SMTP connections one open mailbox may use at once for sends running in parallel (a batch, see
    /// <c>SendBatchAsync</c>, or several threads calling <c>SendAsync</c>). Default 4, between 1 and 16: operators limit
    /// the connections of a client, so keep it modest. Sends one after the other use one connection, kept between them.
    /// </summary>
    public int MaxSmtpConnections { get; set; } = 4;

    /// <summary>
    /// A directory for a protocol log to hand to the operator's support desk: when set, every IMAP, SMTP and ManageSieve
    /// connection the operator opens writes its exchanges to a file of its own there, named after the protocol, the time it
    /// opened (UTC) and a sequence number, e.g. <c>imap-20261207-023644.123-0001-4242.log</c> (the last number is the
    /// process), as timestamped lines, <c>C:</c> for what the SDK sent and <c>S:</c> for what the server answered. Off
    /// (empty) by default; it can be set from configuration (<c>"ProtocolLogDirectory": "/var/log/mssante/protocol"</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The log is safe to attach to a ticket: it keeps tags, command names, status lines with their response codes,
    /// capability lists, numbers (UIDs, sizes, counts) and timing, and writes <c>[redacted N bytes]</c> for the rest:
    /// sign-in exchanges (passwords, tokens, SASL data), every e-mail address, message content (APPEND, DATA and FETCH
    /// literals, envelopes, body structures with file names), METADATA values, Sieve scripts (forwarding addresses,
    /// out-of-office texts), search criteria, and the names of folders a person made (they may name a patient; INBOX,
    /// Sent, Drafts, Trash, Junk, Archive and the like are kept). Server text goes through <see cref="Redaction.ServerText"/>
    /// with every address removed.
    /// </para>
    /// <para>
    /// Files are never rotated or removed by the SDK: turn the log on for a support case, then off. The directory is made if
    /// missing; when a file cannot be written, the connection goes on without its log and a warning is logged.
    /// </para>
    /// </remarks>
    public string ProtocolLogDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Checks the options.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Neither the IMAP host nor <see cref="AutoconfigureDomain"/> is set, or both are; the domain or a name server is not
    /// valid; a port is out of range; the timeout is not positive; or <see cref="WatchRefresh"/> or <see cref="MaxSmtpConnections"/> is out of its range.
    /// </exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(AutoconfigureDomain))
        {
            if (string.IsNullOrWhiteSpace(ImapHost))
            {
                throw new ArgumentException($"{nameof(ImapHost)} (or {nameof(AutoconfigureDomain)}) is required.");
            }
        }
        else
        {
            ValidateAutoconfiguration();
        }
        if (ImapPort is < 1 or > 65535 || SmtpPort is < 1 or > 65535 || ManageSievePort is < 1 or > 65535)
        {
            throw new ArgumentException("Ports are between 1 and 65535.");
        }
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(Timeout)} must be positive.");
        }
        if (WatchRefresh < TimeSpan.FromSeconds(1) || WatchRefresh > TimeSpan.FromMinutes(29))
        {
            throw new ArgumentException($"{nameof(WatchRefresh)} is between 1 second and 29 minutes.");
        }
        if (MaxSmtpConnections is < 1 or > 16)
        {
            throw new ArgumentException($"{nameof(MaxSmtpConnections)} is between 1 and 16.");
        }
    }

    /// <summary>The submission host used: <see cref="SmtpHost"/>, else <see cref="ImapHost"/>.</summary>
    internal string SubmissionHost => string.IsNullOrEmpty(SmtpHost) ? ImapHost : SmtpHost;

    /// <summary>The ManageSieve host used: <see cref="ManageSieveHost"/>, else <see cref="ImapHost"/>.</summary>
    internal string RulesHost => string.IsNullOrEmpty(ManageSieveHost) ? ImapHost : ManageSieveHost;

    /// <summary>These options with the servers found in DNS in place of <see cref="AutoconfigureDomain"/>.</summary>
    internal ImapOperatorOptions WithServers(MailServer imap, MailServer submission, MailServer manageSieve)
    {
        // A shallow copy: the certificate collections and every other setting stay the application's.
        var resolved = (ImapOperatorOptions)MemberwiseClone();
        resolved.AutoconfigureDomain = string.Empty;
        (resolved.ImapHost, resolved.ImapPort, resolved.ImapSecurity) = (imap.Host, imap.Port, imap.Security);
        (resolved.SmtpHost, resolved.SmtpPort, resolved.SmtpSecurity) = (submission.Host, submission.Port, submission.Security);
        (resolved.ManageSieveHost, resolved.ManageSievePort, resolved.ManageSieveSecurity) = (manageSieve.Host, manageSieve.Port, manageSieve.Security);
        return resolved;
    }

    /// <summary>The name servers as end points, port 53 when none is given.</summary>
    internal IPEndPoint[] NameServerEndPoints() =>
        [.. NameServers.Select(s => IPEndPoint.TryParse(s.Trim(), out var endPoint)
            ? endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint
            : throw new ArgumentException($"{nameof(NameServers)} holds an entry that is not an IP address with an optional port."))];

    private void ValidateAutoconfiguration()
    {
        if (!string.IsNullOrWhiteSpace(ImapHost) || !string.IsNullOrWhiteSpace(SmtpHost) || !string.IsNullOrWhiteSpace(ManageSieveHost))
        {
            throw new ArgumentException($"Set either the host names or {nameof(AutoconfigureDomain)}, not both: the SRV records name every server.");
        }
        // The value is not echoed: a mistake here is often a person's address.
        if (AutoconfigureDomain.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{nameof(AutoconfigureDomain)} is a domain, the part after '@', not an address.");
        }
        if (SrvAutoconfiguration.TryNormalize(AutoconfigureDomain) is null || TrustedServerDomains.Any(d => SrvAutoconfiguration.TryNormalize(d) is null))
        {
            throw new ArgumentException($"{nameof(AutoconfigureDomain)} or an entry of {nameof(TrustedServerDomains)} is not a valid domain name.");
        }
        _ = NameServerEndPoints();
    }
}
