using System.Reflection;
using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Esante.MsSante.Tests.Reliability;

/// <summary>Disposing a session closes every mailbox it opened and throws nothing; what could not close is logged (event 30).</summary>
public sealed class SessionDisposalTests
{
    private readonly FakeMssanteOperator _server = new();
    private readonly FakeLogCollector _logs = new();

    private async Task<(MssanteSession Session, FakeAccount Account)> SignInAsync(IMssanteOperator @operator)
    {
        var account = _server.CreateAccount("claire.roux", "Motdepasse-1");
        var session = new MssanteSession(@operator, Microsoft.Extensions.Options.Options.Create(new MssanteOptions { ProductReference = "DEV935997" }),
            loggerFactory: new LoggerFactory([new FakeLoggerProvider(_logs)]));
        var step = await session.SignInAsync(account.UserName, "Motdepasse-1");
        if (!step.IsSignedIn)
        {
            await session.CompleteSignInAsync(_server.LastCodeSentTo(account.OtpEmail!));
        }
        return (session, account);
    }

    private List<FakeLogRecord> Warnings() => [.. _logs.GetSnapshot().Where(r => r.Id.Id == 30)];

    [Fact]
    public async Task A_mailbox_that_fails_to_close_is_logged_and_the_others_are_closed_all_the_same()
    {
        var @operator = FaultyOperator.Over(_server, failingCloses: 1);
        var (session, account) = await SignInAsync(@operator);
        var failing = await session.OpenMailboxAsync(account.Address);
        var other = await session.OpenMailboxAsync(account.Address);

        await session.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => other.Folders.ListAsync());
        var warning = Assert.Single(Warnings());
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("Sign-out did not complete: MssanteConnectionException", warning.Message);
        Assert.Equal(SessionState.SignedOut, session.State);
        _ = failing;
    }

    [Fact]
    public async Task An_operator_sign_out_that_fails_is_logged_not_thrown_by_dispose()
    {
        var @operator = FaultyOperator.Over(_server, failSignOut: true);
        var (session, account) = await SignInAsync(@operator);
        var box = await session.OpenMailboxAsync(account.Address);

        await session.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => box.Folders.ListAsync());
        Assert.Equal("Sign-out did not complete: MssanteConnectionException", Assert.Single(Warnings()).Message);
    }

    [Fact]
    public async Task A_mailbox_the_application_closed_is_not_closed_again_by_the_session()
    {
        var @operator = FaultyOperator.Over(_server, failingCloses: 1);
        var (session, account) = await SignInAsync(@operator);
        var box = await session.OpenMailboxAsync(account.Address);
        await Assert.ThrowsAsync<MssanteConnectionException>(async () => await box.DisposeAsync());

        await session.DisposeAsync();

        // Forgotten once closed: the session does not keep (nor close again) every mailbox ever opened.
        Assert.Empty(Warnings());
    }

    /// <summary>An operator over the fake whose first mailboxes fail to close, or whose sign-out fails.</summary>
    public class FaultyOperator : DispatchProxy
    {
        private IMssanteOperator _target = null!;
        private int _failingCloses;
        private bool _failSignOut;

        public static IMssanteOperator Over(IMssanteOperator target, int failingCloses = 0, bool failSignOut = false)
        {
            var proxy = Create<IMssanteOperator, FaultyOperator>();
            var faulty = (FaultyOperator)(object)proxy;
            faulty._target = target;
            faulty._failingCloses = failingCloses;
            faulty._failSignOut = failSignOut;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IMssanteOperator.SignOutAsync) && _failSignOut)
            {
                return Task.FromException(new MssanteConnectionException("The connection dropped during the sign-out."));
            }
            var result = targetMethod.Invoke(_target, args);
            return targetMethod.Name == nameof(IMssanteOperator.OpenMailboxAsync) ? WrapAsync((Task<IOperatorMailbox>)result!) : result;
        }

        private async Task<IOperatorMailbox> WrapAsync(Task<IOperatorMailbox> opening)
        {
            var mailbox = await opening;
            return Interlocked.Decrement(ref _failingCloses) >= 0 ? FailingClose.Over(mailbox) : mailbox;
        }
    }

    /// <summary>A mailbox whose DisposeAsync closes it, then throws, as a careless operator implementation might.</summary>
    public class FailingClose : DispatchProxy
    {
        private IOperatorMailbox _target = null!;

        public static IOperatorMailbox Over(IOperatorMailbox target)
        {
            var proxy = Create<IOperatorMailbox, FailingClose>();
            ((FailingClose)(object)proxy)._target = target;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            return targetMethod!.Name == nameof(IAsyncDisposable.DisposeAsync) ? new ValueTask(ThrowAfterClosingAsync()) : targetMethod.Invoke(_target, args);
        }

        private async Task ThrowAfterClosingAsync()
        {
            await _target.DisposeAsync();
            throw new MssanteConnectionException("The connection could not be closed.");
        }
    }
}
