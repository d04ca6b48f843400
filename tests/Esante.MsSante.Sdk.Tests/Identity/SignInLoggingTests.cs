using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Esante.MsSante.Tests.Identity;

/// <summary>Every failed sign-in is logged, whether the operator refuses at once or later, without the secret tried.</summary>
public sealed class SignInLoggingTests : IAsyncDisposable
{
    private readonly FakeLogCollector _logs = new();
    private readonly FakeMssanteOperator _server = new();
    private readonly ServiceProvider _provider;

    public SignInLoggingTests() =>
        _provider = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(new LoggerFactory([new FakeLoggerProvider(_logs)]))
            .AddMssante(o => o.ProductReference = "DEV935997")
            .AddFakeOperator(_server)
            .Services.BuildServiceProvider();

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    private List<string> Messages() => _logs.GetSnapshot().Select(r => r.Message).ToList();

    [Fact]
    public async Task A_wrong_password_is_logged_as_a_failed_sign_in()
    {
        _server.CreateAccount("claire.roux", "Secret-Pass-1");
        var session = _provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();

        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync("claire.roux", "Wrong-Secret-9"));

        Assert.Contains($"Sign-in failed: {e.Failure}", Messages());
        Assert.DoesNotContain(Messages(), m => m.Contains("Wrong-Secret-9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_one_time_code_is_logged_as_a_failed_sign_in()
    {
        _server.CreateAccount("claire.roux", "Secret-Pass-1");
        var session = _provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInAsync("claire.roux", "Secret-Pass-1");

        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.CompleteSignInAsync("000000"));

        Assert.Equal(AuthenticationFailure.InvalidOneTimeCode, e.Failure);
        Assert.Contains("Sign-in failed: InvalidOneTimeCode", Messages());
        Assert.DoesNotContain(Messages(), m => m.Contains("000000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_token_is_logged_as_a_failed_sign_in()
    {
        var account = _server.CreateAccount("claire.roux", "Secret-Pass-1");
        var token = _server.IssueAccessToken(account, TimeSpan.FromMinutes(-5));
        var session = _provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();

        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInWithTokenAsync("claire.roux", _ => ValueTask.FromResult(token)));

        Assert.Contains($"Sign-in failed: {e.Failure}", Messages());
        Assert.DoesNotContain(Messages(), m => m.Contains(token, StringComparison.Ordinal));
    }
}
