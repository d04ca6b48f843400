using BenchmarkDotNet.Attributes;
using Esante.MsSante.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Benchmarks;

/// <summary>
/// B. What reusing the connection is worth (ARCHITECTURE.md, "Performance shape": sending many messages does not pay a TLS
/// handshake and authentication per message). Goal: the SDK ≥ 5× faster than connecting per message, i.e. Ratio ≤ 0.20.
/// <para>
/// Apples to apples: the baseline only submits by SMTP, so the SDK side disables its Sent copy
/// (<c>ImapOperatorOptions.SaveSentCopy = false</c>); both sides then do exactly 100 SMTP submissions. The SDK side is measured
/// from cold, sign-in (one IMAP connection), opening the mailbox and signing out included, which only counts against it.
/// </para>
/// <para>
/// <see cref="RoundTripMs"/> 0 is loopback, where a connection costs only the server's own work (TLS, SASL with a
/// SHA512-CRYPT check, a new smtpd session). 10 puts a <see cref="LatencyRelay"/> in front of IMAP and submission, so
/// both sides meet the round trips of an operator reached over the internet (≈ 10 ms from a hospital): what reusing the
/// connection saves there is round trips (connect, EHLO, STARTTLS, TLS, EHLO, AUTH, QUIT) rather than CPU.
/// </para>
/// </summary>
[ShortRunConfig]
public class ConnectionReuse
{
    private const int Messages = 100;

    private BenchmarkMailStack _stack = null!;
    private ServiceProvider? _provider;
    private LatencyRelay? _imapRelay;
    private LatencyRelay? _smtpRelay;
    private string _sender = null!;
    private string _recipient = null!;

    /// <summary>The simulated round-trip time to the server, in milliseconds (0: loopback, no relay).</summary>
    [Params(0, 10)]
    public int RoundTripMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _stack = BenchmarkMailStack.Attach();
        _sender = _stack.NewUser("b-from");
        _recipient = _stack.NewUser("b-to");
        if (RoundTripMs > 0)
        {
            var oneWay = TimeSpan.FromMilliseconds(RoundTripMs / 2.0);
            _imapRelay = new LatencyRelay(_stack.ImapPort, oneWay);
            _smtpRelay = new LatencyRelay(_stack.SubmissionPort, oneWay);
        }
        _provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = Letters.ProductReference)
            .AddImapOperator(o =>
            {
                _stack.Configure(o);
                o.ImapPort = _imapRelay?.Port ?? o.ImapPort;
                o.SmtpPort = _smtpRelay?.Port ?? o.SmtpPort;
                // No Sent copy: the baseline below does SMTP only, so the SDK does SMTP only too.
                o.SaveSentCopy = false;
            })
            .Services.BuildServiceProvider();
    }

    /// <summary>Every call starts on a quiet server: Postfix has delivered the previous call's 100 messages.</summary>
    [IterationSetup]
    public void DrainQueue() => _stack.WaitForEmptyQueue();

    [Benchmark(Baseline = true, Description = "100 × (connect + STARTTLS + AUTH + send + QUIT): raw MailKit")]
    public Task<int> ConnectPerMessage() => ConnectingEachTimeAsync(_stack, _sender, _recipient, _smtpRelay?.Port, Messages);

    /// <summary>The baseline of connection reuse: raw MailKit connecting, authenticating, sending and quitting for each message.</summary>
    public static async Task<int> ConnectingEachTimeAsync(BenchmarkMailStack stack, string sender, string recipient, int? port, int messages)
    {
        ArgumentNullException.ThrowIfNull(stack);
        for (var i = 0; i < messages; i++)
        {
            using var smtp = await stack.ConnectSmtpAsync(sender, port);
            using var message = Letters.Raw(sender, recipient, i);
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(quit: true);
        }
        return messages;
    }

    [Benchmark(Description = "Sign in + 100 SendAsync on one IMailboxClient (no Sent copy): SDK")]
    public async Task<int> SdkReusedConnection()
    {
        await using var session = _provider!.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInAsync(_sender, BenchmarkMailStack.Password);
        await using var mailbox = await session.OpenMailboxAsync(MssanteAddress.Parse(_sender));
        for (var i = 0; i < Messages; i++)
        {
            await mailbox.SendAsync(Letters.Sdk(_recipient, i));
        }
        return Messages;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
        _imapRelay?.Dispose();
        _smtpRelay?.Dispose();
        _stack?.Dispose();
    }
}
