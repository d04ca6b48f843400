using Esante.MsSante.Operators;

namespace Esante.MsSante.Tests.Mailbox;

/// <summary>How a batch classifies what each send ends with, and what stops it (the contract suite sends real batches).</summary>
public sealed class BatchSendingTests
{
    private static readonly MssanteAddress Doctor = MssanteAddress.Parse("medecin@hopital.mssante.fr");

    [Fact]
    public async Task Each_outcome_is_classified_and_a_connection_that_cannot_be_made_stops_the_batch()
    {
        var mailbox = new ScriptedMailbox(
            _ => new SubmissionResult("<1@test>", [Doctor.Value], null),
            _ => throw new DeliveryUncertainException("<2@test>", "the server did not answer in time"),
            _ => throw new RecipientsRejectedException([new RejectedRecipient(Doctor.Value, "550 unknown")]),
            _ => throw new MessageRejectedException([new PolicyViolation(PolicyViolationCodes.NoRecipient, "No recipient.")]),
            _ => throw new IOException("The attachment's file is gone."),
            _ => throw new MssanteException("The server refused the message: 554 content rejected"),
            _ => throw new MssanteConnectionException("The connection to the SMTP server dropped before the message was handed over."),
            _ => throw new InvalidOperationException("never reached"));

        var report = await mailbox.SendBatchAsync(Letters(8), new BatchSendOptions { MaxParallelSends = 1 });

        Assert.Equal(
            [BatchSendStatus.Sent, BatchSendStatus.Uncertain, BatchSendStatus.Refused, BatchSendStatus.Refused, BatchSendStatus.NotSent, BatchSendStatus.Refused, BatchSendStatus.NotSent],
            report.Outcomes.Select(o => o.Status));
        Assert.IsType<MssanteConnectionException>(report.StoppedBy);
        Assert.Equal((1, 3, 2, 1), (report.Sent, report.Refused, report.NotSent, report.Uncertain));
        Assert.Equal(7, mailbox.Calls);
        Assert.Equal("<1@test>", report.Outcomes[0].Result!.MessageId);
        Assert.All(report.Outcomes.Skip(1), o => Assert.NotNull(o.Error));
    }

    [Theory]
    [InlineData(typeof(MssanteAuthenticationException), BatchSendStatus.NotSent)]
    [InlineData(typeof(ObjectDisposedException), BatchSendStatus.NotSent)]
    [InlineData(typeof(QuotaExceededException), BatchSendStatus.Refused)]
    [InlineData(typeof(MailboxAccessDeniedException), BatchSendStatus.Refused)]
    public async Task An_error_that_would_refuse_every_letter_stops_the_batch(Type error, BatchSendStatus status)
    {
        Exception Make() => error == typeof(MssanteAuthenticationException) ? new MssanteAuthenticationException(AuthenticationFailure.TokenExpired, "The session ended.")
            : error == typeof(ObjectDisposedException) ? new ObjectDisposedException("mailbox")
            : error == typeof(QuotaExceededException) ? new QuotaExceededException("The mailbox is full.", null)
            : new MailboxAccessDeniedException("The delegation was withdrawn.");
        var mailbox = new ScriptedMailbox(_ => new SubmissionResult("<1@test>", [Doctor.Value], null), _ => throw Make());

        var report = await mailbox.SendBatchAsync(Letters(5), new BatchSendOptions { MaxParallelSends = 1 });

        Assert.Equal([BatchSendStatus.Sent, status], report.Outcomes.Select(o => o.Status));
        Assert.IsType(error, report.StoppedBy);
        Assert.Equal(2, mailbox.Calls);
    }

    [Fact]
    public async Task A_batch_cancelled_before_it_starts_takes_no_letter()
    {
        var mailbox = new ScriptedMailbox(_ => new SubmissionResult("<1@test>", [Doctor.Value], null));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var report = await mailbox.SendBatchAsync(Letters(3), cancellationToken: cancelled.Token);

        Assert.Empty(report.Outcomes);
        Assert.IsAssignableFrom<OperationCanceledException>(report.StoppedBy);
        Assert.Equal(0, mailbox.Calls);
    }

    [Fact]
    public async Task A_callback_that_throws_ends_the_batch_with_its_exception()
    {
        var mailbox = new ScriptedMailbox(_ => new SubmissionResult("<1@test>", [Doctor.Value], null));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => mailbox.SendBatchAsync(Letters(5), new BatchSendOptions
        {
            MaxParallelSends = 1,
            OutcomeReported = _ => throw new InvalidOperationException("the application's database is down"),
        }));
        Assert.Equal("the application's database is down", e.Message);
        Assert.Equal(1, mailbox.Calls);
    }

    private static List<OutgoingMessage> Letters(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new OutgoingMessage { Subject = $"Lettre {i}", TextBody = "Bonjour.", To = { Doctor } })];

    /// <summary>A mailbox whose sends end as the script says, one step per call (the last step repeats).</summary>
    private sealed class ScriptedMailbox(params Func<OutgoingMessage, SubmissionResult>[] script) : IMailboxClient
    {
        private int _calls;

        public int Calls => _calls;

        public MailboxDescriptor Mailbox => new(MssanteAddress.Parse("labo@hopital.mssante.fr"), MailboxKind.Applicative, "Laboratoire", IsOwn: true);

        public MailboxCapabilities Capabilities => throw new NotSupportedException();

        public IMailboxFolders Folders => throw new NotSupportedException();

        public IMailboxMessages Messages => throw new NotSupportedException();

        public IMailboxDrafts Drafts => throw new NotSupportedException();

        public IMailboxTags Tags => throw new NotSupportedException();

        public IMailboxContacts Contacts => throw new NotSupportedException();

        public IMailboxSettings Settings => throw new NotSupportedException();

        public Task<SubmissionResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var call = Interlocked.Increment(ref _calls);
            return Task.FromResult(script[Math.Min(call, script.Length) - 1](message));
        }

        public Task<QuotaReport> GetQuotaAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
