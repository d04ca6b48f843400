using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.MailStackSupport;
using Esante.MsSante.Operators.Imap;
using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>
/// The real Dovecot + Postfix stack of <c>tests/mailstack</c>: the one <c>./test.sh</c> started (MAILSTACK_ENV), or one this
/// fixture starts and stops itself. It never skips: when the stack cannot start, the tests fail with the reason.
/// </summary>
public sealed class MailStack : IDisposable
{
    private readonly Dictionary<string, string> _env;
    private readonly string? _ownedDirectory;
    private int _next;

    public MailStack()
    {
        var envFile = Environment.GetEnvironmentVariable("MAILSTACK_ENV");
        if (string.IsNullOrEmpty(envFile))
        {
            _ownedDirectory = Path.Combine(Path.GetTempPath(), "esante-mailstack-" + Guid.NewGuid().ToString("N")[..8]);
            MailStackScripts.RunScript("start.sh", _ownedDirectory);
            envFile = Path.Combine(_ownedDirectory, "mailstack.env");
        }
        _env = MailStackScripts.ReadEnv(envFile);
        Directory = _env["MAILSTACK_DIR"];
        CaCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(_env["CA_CERT"]));
    }

    public string Directory { get; }

    public X509Certificate2 CaCertificate { get; }

    /// <summary>The test domain every account is created in.</summary>
    public string Domain { get; } = "chu-test.mssante.fr";

    /// <summary>The loopback address of the IMAP listener that offers no TLS.</summary>
    public string PlainImapHost => _env["IMAP_PLAIN_HOST"];

    public int Port(string key) => int.Parse(_env[key], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Options that reach the stack over STARTTLS on IMAP and submission, trusting only the stack's test CA.</summary>
    public ImapOperatorOptions Options(Action<ImapOperatorOptions>? change = null)
    {
        var options = new ImapOperatorOptions
        {
            ImapHost = "127.0.0.1",
            ImapPort = Port("IMAP_PORT"),
            SmtpPort = Port("SMTP_SUBMISSION_PORT"),
            ManageSievePort = Port("MANAGESIEVE_PORT"),
            Timeout = TimeSpan.FromSeconds(20),
        };
        options.TrustedCertificateAuthorities.Add(CaCertificate);
        change?.Invoke(options);
        return options;
    }

    /// <summary>
    /// One of the stack's test server certificates with its key (<c>SERVER_CERT</c>, <c>REVOKED_CERT</c>,
    /// <c>NO_SERVER_AUTH_CERT</c>, <c>UNKNOWN_STATUS_CERT</c>), all signed by the intermediate CA.
    /// </summary>
    public X509Certificate2 ServerCertificate(string key) =>
        X509Certificate2.CreateFromPemFile(_env[key], Path.ChangeExtension(_env[key], ".key"));

    /// <summary>The intermediate CA between the stack's root and its servers' certificates.</summary>
    public X509Certificate2 IntermediateCertificate() => X509Certificate2.CreateFromPem(File.ReadAllText(_env["INTERMEDIATE_CERT"]));

    /// <summary>A session on the real operator with these options, outside any container.</summary>
    internal static MssanteSession Session(ImapOperatorOptions options) =>
        new(new ImapOperator(options), Microsoft.Extensions.Options.Options.Create(new MssanteOptions { ProductReference = "DEV935997" }));

    /// <summary>Signs in with a password and opens the person's own mailbox.</summary>
    public static async Task<Esante.MsSante.IMailboxClient> OpenAsync(ImapOperatorOptions options, string address, string password)
    {
        var session = Session(options);
        await session.SignInAsync(address, password);
        return await session.OpenMailboxAsync(Esante.MsSante.MssanteAddress.Parse(address));
    }

    /// <summary>A new unique address in the test domain.</summary>
    public string NewAddress(string prefix = "user") => $"{prefix}{Interlocked.Increment(ref _next)}-{Guid.NewGuid().ToString("N")[..6]}@{Domain}";
    public void AddUser(string address, string password, long? quotaBytes = null) =>
        MailStackScripts.RunScript("add-user.sh", quotaBytes is null ? [Directory, address, password] : [Directory, address, password, $"{Math.Max(1, quotaBytes.Value / 1024)}k"]);

    public void AddOrganisation(string address, params string[] delegates) => MailStackScripts.RunScript("add-org.sh", [Directory, address, .. delegates]);

    /// <summary>Delivers raw bytes to a user through Dovecot's LMTP, as Postfix does, so nothing normalises them first.</summary>
    public async Task DeliverRawAsync(string recipient, byte[] raw)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", Port("LMTP_PORT"));
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        async Task<string> ReplyAsync()
        {
            string? line;
            do
            {
                line = await reader.ReadLineAsync() ?? throw new IOException("LMTP closed the connection.");
            }
            while (line.Length > 3 && line[3] == '-');
            return line[0] is '2' or '3' ? line : throw new InvalidOperationException("LMTP refused: " + line);
        }
        async Task CommandAsync(string command)
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(command + "\r\n"));
            await ReplyAsync();
        }
        await ReplyAsync();
        await CommandAsync("LHLO tests.local");
        await CommandAsync("MAIL FROM:<>");
        await CommandAsync($"RCPT TO:<{recipient}>");
        await CommandAsync("DATA");
        await stream.WriteAsync(raw);
        await CommandAsync(".");
        await CommandAsync("QUIT");
    }

    /// <summary>A client certificate for the user, signed by the stack's CA (tests/mailstack/add-client-cert.sh).</summary>
    public X509Certificate2 IssueClientCertificate(string address)
    {
        MailStackScripts.RunScript("add-client-cert.sh", Directory, address);
        var folder = Path.Combine(Directory, "tls", "clients");
        return X509Certificate2.CreateFromPemFile(Path.Combine(folder, address + ".pem"), Path.Combine(folder, address + ".key"));
    }

    /// <summary>A JWT as Pro Santé Connect would issue, signed with the stack's HS256 key.</summary>
    public string IssueToken(string address, TimeSpan lifetime, bool validSignature = true)
    {
        var secret = Convert.FromBase64String(File.ReadAllText(_env["JWT_HS256_KEY_FILE"]).Trim());
        if (!validSignature)
        {
            secret = [.. secret.Select(b => (byte)(b ^ 0xFF))];
        }
        var now = DateTime.UtcNow;
        // Dovecot compares nbf with time(NULL), which reads the coarse clock and lags the real second for up to a
        // kernel tick (about 0.4 % of calls here): a token valid « from now » is then refused as not valid yet.
        // An identity provider leaves the same margin for clock skew.
        var token = new JwtSecurityToken(
            issuer: _env["JWT_ISSUER"],
            claims: [new Claim("sub", address), new Claim("email", address)],
            notBefore: lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(1) : now - TimeSpan.FromSeconds(30),
            expires: now + lifetime,
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    public void Dispose()
    {
        if (_ownedDirectory is not null)
        {
            MailStackScripts.RunScript("stop.sh", _ownedDirectory);
            // The stack this run started leaves nothing behind (its mail, keys and logs).
            System.IO.Directory.Delete(_ownedDirectory, recursive: true);
        }
        CaCertificate.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class MailStackCollection : ICollectionFixture<MailStack>
{
    public const string Name = "Real mail stack";
}
