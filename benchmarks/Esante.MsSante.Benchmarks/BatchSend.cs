using BenchmarkDotNet.Attributes;
using Esante.MsSante.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Benchmarks;

/// <summary>
/// A laboratory's night of results: 1,000 letters from one mailbox, at a 10 ms round trip to the operator (a
/// <see cref="LatencyRelay"/> in front of IMAP and submission). Goals (issue 14): <c>SendBatchAsync</c> ≥ 10× faster than
/// a connect-authenticate-send-disconnect loop (Ratio ≤ 0.10), and ≥ 3× faster than one kept connection sending one
/// after the other (the two sequential rows).
/// <para>
/// The baseline submits by SMTP only, so the rows compared with it (« no Sent copy ») turn the SDK's copy in Sent off, as
/// <see cref="ConnectionReuse"/> does; the « with Sent copy » pair is what an application gets by default (each letter's
/// copy appended to Sent over IMAP). The SDK rows are measured from cold: sign-in, opening the mailbox and signing out
/// included. Minutes per call, so two measured iterations and no warm-up.
/// </para>
/// </summary>
[ShortRunConfig(iterationCount: 2, warmupCount: 0)]
public class BatchSend
{
    private const int Messages = 1000;
    private const int RoundTripMs = 10;

    private BenchmarkMailStack _stack = null!;
    private ServiceProvider _withCopy = null!;
    private ServiceProvider _withoutCopy = null!;
    private LatencyRelay _imapRelay = null!;
    private LatencyRelay _smtpRelay = null!;
    private string _sender = null!;
    private string _recipient = null!;

    [GlobalSetup]
    public void Setup()
    {
        _stack = BenchmarkMailStack.Attach();
        _sender = _stack.NewUser("lab");
        _recipient = _stack.NewUser("doctor");
        var oneWay = TimeSpan.FromMilliseconds(RoundTripMs / 2.0);
        _imapRelay = new LatencyRelay(_stack.ImapPort, oneWay);
        _smtpRelay = new LatencyRelay(_stack.SubmissionPort, oneWay);
        _withCopy = Provider(saveSentCopy: true);
        _withoutCopy = Provider(saveSentCopy: false);
    }

    private ServiceProvider Provider(bool saveSentCopy) =>
        new ServiceCollection()
            .AddMssante(o => o.ProductReference = Letters.ProductReference)
            .AddImapOperator(o =>
            {
                _stack.Configure(o);
                o.ImapPort = _imapRelay.Port;
                o.SmtpPort = _smtpRelay.Port;
                o.SaveSentCopy = saveSentCopy;
            })
            .Services.BuildServiceProvider();

    /// <summary>Every call starts on a quiet server: Postfix has delivered the previous call's letters.</summary>
    [IterationSetup]
    public void DrainQueue() => _stack.WaitForEmptyQueue();

    [Benchmark(Baseline = true, Description = "1,000 × (connect + STARTTLS + AUTH + send + QUIT): raw MailKit")]
    public Task<int> ConnectPerMessage() => ConnectionReuse.ConnectingEachTimeAsync(_stack, _sender, _recipient, _smtpRelay.Port, Messages);

    [Benchmark(Description = "1,000 SendAsync one after the other, no Sent copy: SDK")]
    public Task<int> SequentialWithoutCopy() => SequentialAsync(_withoutCopy);

    [Benchmark(Description = "SendBatchAsync of 1,000, no Sent copy: SDK")]
    public Task<int> BatchWithoutCopy() => BatchAsync(_withoutCopy);

    [Benchmark(Description = "1,000 SendAsync one after the other, Sent copy: SDK")]
    public Task<int> SequentialWithCopy() => SequentialAsync(_withCopy);

    [Benchmark(Description = "SendBatchAsync of 1,000, Sent copy: SDK")]
    public Task<int> BatchWithCopy() => BatchAsync(_withCopy);

    private async Task<int> SequentialAsync(ServiceProvider provider)
    {
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInAsync(_sender, BenchmarkMailStack.Password);
        await using var mailbox = await session.OpenMailboxAsync(MssanteAddress.Parse(_sender));
        for (var i = 0; i < Messages; i++)
        {
            await mailbox.SendAsync(Letters.Sdk(_recipient, i));
        }
        return Messages;
    }

    private async Task<int> BatchAsync(ServiceProvider provider)
    {
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInAsync(_sender, BenchmarkMailStack.Password);
        await using var mailbox = await session.OpenMailboxAsync(MssanteAddress.Parse(_sender));
        var report = await mailbox.SendBatchAsync(Enumerable.Range(0, Messages).Select(i => Letters.Sdk(_recipient, i)));
        return report.Sent == Messages ? Messages : throw new InvalidOperationException($"{report.Sent} of {Messages} sent; stopped by {report.StoppedBy?.GetType().Name}.");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _withCopy.DisposeAsync();
        await _withoutCopy.DisposeAsync();
        _imapRelay.Dispose();
        _smtpRelay.Dispose();
        _stack.Dispose();
    }
}
