using Esante.MsSante.Diagnostics;
using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>How a batch of messages is sent (<see cref="MailboxBatchExtensions.SendBatchAsync"/>).</summary>
public sealed class BatchSendOptions
{
    /// <summary>
    /// How many messages are sent at once. Default 4, between 1 and 16. The real operator opens at most
    /// <see cref="ImapOperatorOptions.MaxSmtpConnections"/> SMTP connections per mailbox (default 4): sends beyond it wait
    /// for a free connection.
    /// </summary>
    public int MaxParallelSends { get; set; } = 4;

    /// <summary>
    /// Called with each message's outcome as soon as it is known, one call at a time, before
    /// <see cref="MailboxBatchExtensions.SendBatchAsync"/> returns: where an application records each letter sent, so that
    /// a crash in the middle of a night's batch loses nothing. An exception thrown here is not caught: it ends the batch
    /// (the messages already handed over are sent all the same).
    /// </summary>
    public Action<BatchSendOutcome>? OutcomeReported { get; set; }
}

/// <summary>What became of one message of a batch.</summary>
public enum BatchSendStatus
{
    /// <summary>Sent: the operator accepted it for all its recipients (<see cref="BatchSendOutcome.Result"/>).</summary>
    Sent,

    /// <summary>
    /// Refused and not sent: by a policy (<see cref="MessageRejectedException"/>), by the operator for its recipients
    /// (<see cref="RecipientsRejectedException"/>), for the mailbox (<see cref="MailboxAccessDeniedException"/>,
    /// <see cref="QuotaExceededException"/>) or as a message (<see cref="MssanteException"/>). Sending it again as it is
    /// would be refused again; <see cref="BatchSendOutcome.Error"/> says why.
    /// </summary>
    Refused,

    /// <summary>
    /// Not sent, and safe to send again: the batch was cancelled or stopped before it was handed over, the connection
    /// failed first, or the mailbox was closed. <see cref="BatchSendOutcome.Error"/> says why.
    /// </summary>
    NotSent,

    /// <summary>
    /// Handed over, but the operator's answer never came (<see cref="DeliveryUncertainException"/>): it may have been
    /// delivered. Do not send it again without checking (the recipient, or the delivery status reports).
    /// </summary>
    Uncertain,
}

/// <summary>The outcome of one message of a batch.</summary>
/// <param name="Index">The message's position in the batch, from 0.</param>
/// <param name="Message">The message.</param>
/// <param name="Status">Sent, refused, not sent or uncertain.</param>
/// <param name="Result">The send's result when <see cref="BatchSendStatus.Sent"/>: Message-ID, recipients, copy in Sent, warnings.</param>
/// <param name="Error">Why it was not sent, or why its delivery is uncertain; null when sent.</param>
public sealed record BatchSendOutcome(int Index, OutgoingMessage Message, BatchSendStatus Status, SubmissionResult? Result, Exception? Error);

/// <summary>The outcome of a batch: one <see cref="BatchSendOutcome"/> per message, in the batch's order.</summary>
public sealed class BatchSendReport
{
    internal BatchSendReport(IReadOnlyList<BatchSendOutcome> outcomes, Exception? stoppedBy)
    {
        Outcomes = outcomes;
        StoppedBy = stoppedBy;
        Sent = outcomes.Count(o => o.Status == BatchSendStatus.Sent);
        Refused = outcomes.Count(o => o.Status == BatchSendStatus.Refused);
        NotSent = outcomes.Count(o => o.Status == BatchSendStatus.NotSent);
        Uncertain = outcomes.Count(o => o.Status == BatchSendStatus.Uncertain);
    }

    /// <summary>Every message's outcome, in the batch's order.</summary>
    public IReadOnlyList<BatchSendOutcome> Outcomes { get; }

    /// <summary>How many were sent.</summary>
    public int Sent { get; }

    /// <summary>How many were refused.</summary>
    public int Refused { get; }

    /// <summary>How many were not sent (safe to send again).</summary>
    public int NotSent { get; }

    /// <summary>How many were handed over without an answer.</summary>
    public int Uncertain { get; }

    /// <summary>
    /// What ended the batch before every message was tried, or null: the cancellation (<see cref="OperationCanceledException"/>),
    /// a connection that could not be made (<see cref="MssanteConnectionException"/>), a session that ended
    /// (<see cref="MssanteAuthenticationException"/>), the mailbox closed (<see cref="ObjectDisposedException"/>), or one
    /// refusing every message (<see cref="MailboxAccessDeniedException"/>, <see cref="QuotaExceededException"/>). The messages
    /// of the sequence after the last of <see cref="Outcomes"/> were not taken from it: not sent.
    /// </summary>
    public Exception? StoppedBy { get; }
}

/// <summary>Sending many messages at once from a mailbox.</summary>
public static class MailboxBatchExtensions
{
    /// <summary>
    /// Sends a batch of messages (a laboratory's night of results, say) from this mailbox, several at once, each as
    /// <see cref="IMailboxClient.SendAsync"/> would: every policy checked, to all its recipients or to none, a copy in Sent.
    /// Returns each message's outcome rather than stopping at the first refusal.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The messages are taken from <paramref name="messages"/> as they are sent, so a lazy sequence keeps only the messages
    /// in flight in memory. On the real operator, parallel sends use up to <see cref="ImapOperatorOptions.MaxSmtpConnections"/>
    /// SMTP connections of the mailbox, kept between messages, with SMTP pipelining where the server offers it, and their
    /// copies in Sent go to the server together (IMAP MULTIAPPEND).
    /// </para>
    /// <para>
    /// Cancelling stops taking messages; a message being sent is either handed over (then sent and reported
    /// <see cref="BatchSendStatus.Sent"/>, or <see cref="BatchSendStatus.Uncertain"/> if the operator's answer never comes)
    /// or not sent at all (<see cref="BatchSendStatus.NotSent"/>). The method then returns the report rather than throwing,
    /// with <see cref="BatchSendReport.StoppedBy"/> set: no message is left unaccounted for.
    /// </para>
    /// </remarks>
    /// <param name="mailbox">The mailbox to send from.</param>
    /// <param name="messages">The messages, in order.</param>
    /// <param name="options">Parallelism and the outcome callback; the defaults when null.</param>
    /// <param name="cancellationToken">Stops the batch (see remarks).</param>
    /// <returns>
    /// One outcome per message taken from <paramref name="messages"/>, in order: all of them, unless the batch was stopped
    /// (<see cref="BatchSendReport.StoppedBy"/>), when the messages after the last outcome were not taken, and not sent.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="mailbox"/> or <paramref name="messages"/> is null, or the sequence holds a null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BatchSendOptions.MaxParallelSends"/> is not between 1 and 16.</exception>
    public static async Task<BatchSendReport> SendBatchAsync(this IMailboxClient mailbox, IEnumerable<OutgoingMessage> messages, BatchSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(messages);
        options ??= new BatchSendOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxParallelSends, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxParallelSends, 16, nameof(options));
        using var traced = SdkTelemetry.Start(SdkTelemetry.SendBatch);
        var batch = new Batch(mailbox, messages, options, cancellationToken);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.MaxParallelSends).Select(_ => batch.SendAsync())).ConfigureAwait(false);
        }
        finally
        {
            batch.Dispose();
        }
        var report = batch.Report();
        traced?.Tag(SdkTelemetry.ResultCount, report.Outcomes.Count).Tag(SdkTelemetry.SentCount, report.Sent);
        return report;
    }

    /// <summary>The state the parallel senders of one batch share: the sequence, the outcomes, what stopped it.</summary>
    private sealed class Batch(IMailboxClient mailbox, IEnumerable<OutgoingMessage> messages, BatchSendOptions options, CancellationToken cancellationToken) : IDisposable
    {
        private readonly IEnumerator<OutgoingMessage> _source = messages.GetEnumerator();
        private readonly List<BatchSendOutcome?> _outcomes = [];
        private readonly object _lock = new();
        private Exception? _stoppedBy;
        private bool _exhausted;

        /// <summary>One sender: takes the next message until none is left or the batch stops.</summary>
        public async Task SendAsync()
        {
            while (Next() is var (index, message) && message is not null)
            {
                BatchSendOutcome outcome;
                try
                {
                    var result = await mailbox.SendAsync(message, cancellationToken).ConfigureAwait(false);
                    outcome = new BatchSendOutcome(index, message, BatchSendStatus.Sent, result, null);
                }
                catch (DeliveryUncertainException e)
                {
                    outcome = new BatchSendOutcome(index, message, BatchSendStatus.Uncertain, null, e);
                }
                catch (Exception e) when (e is OperationCanceledException or MssanteConnectionException or MssanteAuthenticationException or ObjectDisposedException)
                {
                    Stop(e);
                    outcome = new BatchSendOutcome(index, message, BatchSendStatus.NotSent, null, e);
                }
                catch (Exception e) when (e is MailboxAccessDeniedException or QuotaExceededException)
                {
                    Stop(e);
                    outcome = new BatchSendOutcome(index, message, BatchSendStatus.Refused, null, e);
                }
                catch (MssanteException e)
                {
                    outcome = new BatchSendOutcome(index, message, BatchSendStatus.Refused, null, e);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // An attachment's file could not be read: this message only.
                    outcome = new BatchSendOutcome(index, message, BatchSendStatus.NotSent, null, e);
                }
                Record(outcome);
            }
        }

        /// <summary>The next message and its index, or a null message when the batch is done or stopped.</summary>
        private (int Index, OutgoingMessage? Message) Next()
        {
            lock (_lock)
            {
                if (_exhausted)
                {
                    return (-1, null);
                }
                if (_stoppedBy is null && cancellationToken.IsCancellationRequested)
                {
                    _stoppedBy = new OperationCanceledException("The batch was cancelled: the messages not yet taken were not sent.", cancellationToken);
                }
                // A sequence that throws, or holds a null, ends the batch: the senders finish what they hold, and the
                // exception reaches the caller.
                _exhausted = true;
                if (_stoppedBy is not null || !_source.MoveNext())
                {
                    return (-1, null);
                }
                var message = _source.Current ?? throw new ArgumentNullException(nameof(messages), $"The batch's message at index {_outcomes.Count} is null.");
                _exhausted = false;
                _outcomes.Add(null);
                return (_outcomes.Count - 1, message);
            }
        }

        private void Stop(Exception e)
        {
            lock (_lock)
            {
                _stoppedBy ??= e;
            }
        }

        private void Record(BatchSendOutcome outcome)
        {
            lock (_lock)
            {
                _outcomes[outcome.Index] = outcome;
                options.OutcomeReported?.Invoke(outcome);
            }
        }

        public BatchSendReport Report()
        {
            lock (_lock)
            {
                return new BatchSendReport([.. _outcomes.Select(o => o!)], _stoppedBy);
            }
        }

        public void Dispose() => _source.Dispose();
    }
}
