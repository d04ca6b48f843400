using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Esante.MsSante.MailStackSupport;
using Esante.MsSante.Operators.Imap;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Esante.MsSante.Benchmarks.Infrastructure;

/// <summary>
/// The real Dovecot + Postfix stack of <c>tests/mailstack</c>, as the benchmarks use it. <see cref="Program"/> starts one into a
/// fresh <c>/tmp/esante-bench-XXXXXX</c> folder before BenchmarkDotNet runs, hands its env file to the benchmark processes
/// through <see cref="EnvVariable"/>, and stops it at the end. Each benchmark process attaches with <see cref="Attach"/>.
/// </summary>
public sealed class BenchmarkMailStack : IDisposable
{
    /// <summary>The env file of the running stack (DIR/mailstack.env), inherited by BenchmarkDotNet's child processes.</summary>
    public const string EnvVariable = "ESANTE_BENCH_MAILSTACK_ENV";

    /// <summary>Every account is created in this domain (any *.mssante.fr is accepted by the stack).</summary>
    public const string Domain = "chu-test.mssante.fr";

    /// <summary>The password of every benchmark account.</summary>
    public const string Password = "Motdepasse-Bench-1";

    private readonly Dictionary<string, string> _env;

    private BenchmarkMailStack(string envFile, string? ownedDirectory)
    {
        OwnedDirectory = ownedDirectory;
        _env = MailStackScripts.ReadEnv(envFile);
        Directory = _env["MAILSTACK_DIR"];
        Host = _env.GetValueOrDefault("MAILSTACK_HOST", "127.0.0.1");
        ImapPort = Port("IMAP_PORT");
        SubmissionPort = Port("SMTP_SUBMISSION_PORT");
        CaCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(_env["CA_CERT"]));
    }

    public string Directory { get; }

    /// <summary>The folder this instance started the stack in (and stops it in), or null when it only attached.</summary>
    public string? OwnedDirectory { get; }

    /// <summary>127.0.0.1: the server certificate names it, so host-name validation stays on.</summary>
    public string Host { get; }

    public int ImapPort { get; }

    public int SubmissionPort { get; }

    /// <summary>The stack's own test CA: the only extra authority trusted.</summary>
    public X509Certificate2 CaCertificate { get; }

    /// <summary>
    /// Starts a new stack in a fresh <c>esante-bench-XXXXXX</c> folder (root, Debian 12), in memory (<c>/dev/shm</c>) when
    /// the machine has it: Postfix fsyncs every queued message, and on a disk that wait would drown what the client does,
    /// which is what these benchmarks compare.
    /// </summary>
    public static BenchmarkMailStack Start()
    {
        var parent = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : "/tmp";
        var directory = MailStackScripts.Run("mktemp", "-d", parent + "/esante-bench-XXXXXX").Trim();
        try
        {
            MailStackScripts.RunScript("start.sh", directory);
        }
        catch
        {
            TryRunScript("stop.sh", directory);
            throw;
        }
        return new BenchmarkMailStack(Path.Combine(directory, "mailstack.env"), directory);
    }

    /// <summary>Attaches to the stack named by <see cref="EnvVariable"/> (set by <see cref="Program"/>).</summary>
    public static BenchmarkMailStack Attach()
    {
        var envFile = Environment.GetEnvironmentVariable(EnvVariable);
        if (string.IsNullOrEmpty(envFile) || !File.Exists(envFile))
        {
            throw new InvalidOperationException(
                $"No mail stack: {EnvVariable} is not set. Run the benchmarks through their program (dotnet run -c Release --project benchmarks/Esante.MsSante.Benchmarks), which starts one.");
        }
        return new BenchmarkMailStack(envFile, null);
    }

    public string EnvFile => Path.Combine(Directory, "mailstack.env");

    /// <summary>A new account with its mailbox; the prefix says which benchmark owns it, the suffix makes it this process's own.</summary>
    public string NewUser(string prefix)
    {
        var address = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}@{Domain}";
        AddUser(address);
        return address;
    }

    /// <summary>Adds (or updates) an account: add-user.sh is idempotent.</summary>
    public void AddUser(string address) => MailStackScripts.RunScript("add-user.sh", Directory, address, Password);

    /// <summary>
    /// Waits until Postfix has delivered everything it queued (postqueue -j prints nothing). Sends leave a backlog of LMTP
    /// deliveries that keeps both cores busy for seconds: a benchmark measured during another one's backlog is skewed.
    /// </summary>
    public void WaitForEmptyQueue()
    {
        var waited = Stopwatch.StartNew();
        while (!string.IsNullOrWhiteSpace(MailStackScripts.Run("postqueue", "-c", _env["POSTFIX_CONFIG_DIR"], "-j")))
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new InvalidOperationException("Postfix's queue did not empty in 2 minutes: see the POSTFIX_LOG of the stack.");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>SDK options reaching the stack over STARTTLS on IMAP and submission, trusting the stack's CA (validation on).</summary>
    public ImapOperatorOptions Configure(ImapOperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ImapHost = Host;
        options.ImapPort = ImapPort;
        options.SmtpPort = SubmissionPort;
        options.Timeout = TimeSpan.FromSeconds(30);
        options.TrustedCertificateAuthorities.Add(CaCertificate);
        return options;
    }

    /// <summary>A raw MailKit IMAP client, connected with STARTTLS and authenticated, as an application would without the SDK.</summary>
    public async Task<ImapClient> ConnectImapAsync(string user, CancellationToken cancellationToken = default)
    {
        var imap = new ImapClient();
        try
        {
            Secure(imap);
            await imap.ConnectAsync(Host, ImapPort, SecureSocketOptions.StartTls, cancellationToken);
            await imap.AuthenticateAsync(Encoding.UTF8, new System.Net.NetworkCredential(user, Password), cancellationToken);
            return imap;
        }
        catch
        {
            imap.Dispose();
            throw;
        }
    }

    /// <summary>A raw MailKit submission client, connected with STARTTLS and authenticated.</summary>
    /// <param name="user">The account.</param>
    /// <param name="port">Another port than the stack's submission port (a relay in front of it), or null.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    public async Task<SmtpClient> ConnectSmtpAsync(string user, int? port = null, CancellationToken cancellationToken = default)
    {
        var smtp = new SmtpClient();
        try
        {
            Secure(smtp);
            await smtp.ConnectAsync(Host, port ?? SubmissionPort, SecureSocketOptions.StartTls, cancellationToken);
            await smtp.AuthenticateAsync(Encoding.UTF8, new System.Net.NetworkCredential(user, Password), cancellationToken);
            return smtp;
        }
        catch
        {
            smtp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same TLS rules as the SDK: TLS 1.2+, revocation checked, and a server certificate that either validates against
    /// the system's roots, or fails only because its root is unknown and then chains to the stack's CA (through the
    /// intermediates the server sent, for server use, not revoked). A wrong host name is never accepted.
    /// </summary>
    public void Secure(MailService client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.Timeout = 30_000;
        client.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        client.CheckCertificateRevocation = true;
        client.ServerCertificateValidationCallback = (_, certificate, sent, errors) => ChainsToCa(certificate, sent, errors);
    }

    private bool ChainsToCa(X509Certificate? certificate, X509Chain? sent, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        if (sent is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
        }
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.Online;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    /// <summary>Stops the stack if this instance started it, and removes its folder.</summary>
    public void Dispose()
    {
        if (OwnedDirectory is not null)
        {
            TryRunScript("stop.sh", OwnedDirectory);
            try
            {
                System.IO.Directory.Delete(OwnedDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the next clean-up of /tmp.
            }
            catch (UnauthorizedAccessException)
            {
                // Idem.
            }
        }
        CaCertificate.Dispose();
    }

    private int Port(string key) => int.Parse(_env[key], CultureInfo.InvariantCulture);

    private static void TryRunScript(string script, params string[] arguments)
    {
        try
        {
            MailStackScripts.RunScript(script, arguments);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
        }
    }
}
