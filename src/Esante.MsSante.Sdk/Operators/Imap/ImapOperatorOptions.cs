using System.Security.Cryptography.X509Certificates;

namespace Esante.MsSante.Operators.Imap;

/// <summary>Where the operator's IMAP and SMTP servers are and how to reach them safely.</summary>
public sealed class ImapOperatorOptions
{
    /// <summary>The IMAP server's host name.</summary>
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

    /// <summary>The ManageSieve port: 4190 (STARTTLS) by default.</summary>
    public int ManageSievePort { get; set; } = 4190;

    /// <summary>How ManageSieve is secured. Default <see cref="ConnectionSecurity.StartTls"/>.</summary>
    public ConnectionSecurity ManageSieveSecurity { get; set; } = ConnectionSecurity.StartTls;

    /// <summary>
    /// Certificate authorities to trust besides the system's (e.g. the IGC Santé roots, or a test CA). A server certificate
    /// must chain to one of them or to a system root, and match the host name.
    /// </summary>
    public X509Certificate2Collection TrustedCertificateAuthorities { get; } = [];

    /// <summary>Whether to check that the server's certificate is not revoked (CONF.22). Default false.</summary>
    public bool CheckCertificateRevocation { get; set; }

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

    /// <summary>How long one network operation may take. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the SDK saves the copy in Sent (most operators expect it from the client). Default true.</summary>
    public bool SaveSentCopy { get; set; } = true;

    /// <summary>
    /// Checks the options.
    /// </summary>
    /// <exception cref="ArgumentException">The IMAP host is missing, a port is out of range, or the timeout is not positive.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ImapHost))
        {
            throw new ArgumentException($"{nameof(ImapHost)} is required.");
        }
        if (ImapPort is < 1 or > 65535 || SmtpPort is < 1 or > 65535 || ManageSievePort is < 1 or > 65535)
        {
            throw new ArgumentException("Ports are between 1 and 65535.");
        }
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(Timeout)} must be positive.");
        }
    }
}
