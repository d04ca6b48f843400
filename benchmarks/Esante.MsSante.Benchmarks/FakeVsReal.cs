using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Esante.MsSante.Benchmarks.Infrastructure;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Benchmarks;

/// <summary>
/// C. One journey through the SDK's public services, on the in-memory fake operator and on the real stack: the sender signs in
/// (on the fake, with the e-mailed one-time code), opens their mailbox, sends one message and signs out; the recipient's inbox,
/// open in a long-lived session, is polled until the message is there. The Ratio (fake / real) says how much faster a
/// consumer's test of a journey runs on the fake (ARCHITECTURE.md: "well under a millisecond of operator time").
/// </summary>
// A journey takes tens of milliseconds on the real stack, a few on the fake: 20 iterations cost little and narrow the error.
[ShortRunConfig(iterationCount: 20)]
public class FakeVsReal
{
    private const string Password = "Motdepasse-1";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    private BenchmarkMailStack? _stack;
    private FakeMssanteOperator? _server;
    private ServiceProvider _provider = null!;
    private IMssanteSession _recipientSession = null!;
    private IMailboxClient _recipientInbox = null!;
    private string _senderUser = null!;
    private string _senderPassword = null!;
    private MssanteAddress _senderAddress = null!;
    private string _recipient = null!;
    private string? _senderOtpEmail;
    private int _journey;

    [GlobalSetup(Target = nameof(RealStack))]
    public async Task SetupReal()
    {
        _stack = BenchmarkMailStack.Attach();
        _senderUser = _stack.NewUser("c-from");
        _senderPassword = BenchmarkMailStack.Password;
        _senderAddress = MssanteAddress.Parse(_senderUser);
        _recipient = _stack.NewUser("c-to");
        _provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = Letters.ProductReference)
            .AddImapOperator(o => _stack.Configure(o))
            .Services.BuildServiceProvider();
        await OpenRecipientAsync(_recipient, BenchmarkMailStack.Password, code: null);
        _stack.WaitForEmptyQueue(); // no backlog left by an earlier benchmark
    }

    [GlobalSetup(Target = nameof(FakeOperator))]
    public async Task SetupFake()
    {
        _server = new FakeMssanteOperator();
        var sender = _server.CreateAccount("claire.expeditrice", Password);
        var recipient = _server.CreateAccount("paul.destinataire", Password);
        _senderUser = sender.UserName;
        _senderPassword = Password;
        _senderAddress = sender.Address;
        _senderOtpEmail = sender.OtpEmail;
        _recipient = recipient.Address.Value;
        _provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = Letters.ProductReference)
            .AddFakeOperator(_server)
            .Services.BuildServiceProvider();
        await OpenRecipientAsync(recipient.UserName, Password, () => _server.LastCodeSentTo(recipient.OtpEmail!));
    }

    [Benchmark(Baseline = true, Description = "Sign in + send 1 + receive it: real Dovecot/Postfix")]
    public Task<int> RealStack() => JourneyAsync();

    [Benchmark(Description = "Sign in + send 1 + receive it: FakeMssanteOperator")]
    public Task<int> FakeOperator() => JourneyAsync();

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _recipientSession.DisposeAsync();
        await _provider.DisposeAsync();
        _stack?.Dispose();
    }

    private async Task<int> JourneyAsync()
    {
        var subject = $"Parcours {++_journey} {Guid.NewGuid():N}";
        await using (var session = _provider.GetRequiredService<IMssanteSessionFactory>().CreateSession())
        {
            var signIn = await session.SignInAsync(_senderUser, _senderPassword);
            if (!signIn.IsSignedIn)
            {
                await session.CompleteSignInAsync(_server!.LastCodeSentTo(_senderOtpEmail!));
            }
            var mailbox = await session.OpenMailboxAsync(_senderAddress);
            var letter = Letters.Sdk(_recipient, _journey);
            letter.Subject = subject;
            await mailbox.SendAsync(letter);
        } // signs out, closing the sender's mailbox

        var waited = Stopwatch.StartNew();
        for (var polls = 1; ; polls++)
        {
            await foreach (var summary in _recipientInbox.Messages.ListAsync())
            {
                if (summary.Subject == subject)
                {
                    return polls;
                }
            }
            if (waited.Elapsed > DeliveryTimeout)
            {
                throw new TimeoutException($"The message did not reach the recipient's inbox in {DeliveryTimeout.TotalSeconds} s.");
            }
            await Task.Delay(PollInterval);
        }
    }

    private async Task OpenRecipientAsync(string user, string password, Func<string>? code)
    {
        _recipientSession = _provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        var signIn = await _recipientSession.SignInAsync(user, password);
        if (!signIn.IsSignedIn)
        {
            await _recipientSession.CompleteSignInAsync(code!());
        }
        _recipientInbox = await _recipientSession.OpenMailboxAsync(MssanteAddress.Parse(_recipient));
    }
}
