using System.Diagnostics;
using Esante.MsSante.Tests.Diagnostics;

namespace Esante.MsSante.Tests.Contract;

/// <summary>Batches of letters (<see cref="MailboxBatchExtensions.SendBatchAsync"/>) on every operator.</summary>
public abstract partial class MailboxContract
{
    [Fact]
    public async Task A_batch_sends_each_letter_once_reports_each_outcome_in_order_and_keeps_one_copy_each_in_Sent()
    {
        await using var lab = await OpenNewUserAsync();
        await using var doctor = await OpenNewUserAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var unknown = MssanteAddress.Parse($"personne-{Guid.NewGuid():N}@{HostedDomain}");
        var letters = Enumerable.Range(0, 12).Select(i => Letter(doctor.Address, $"Résultat {tag} {i}")).ToList();
        letters[4].To.Add(unknown);            // the operator refuses a recipient: nothing of this one goes
        letters[7].To.Clear();                 // a policy refuses it: no recipient
        var reported = new List<int>();

        var report = await lab.Box.SendBatchAsync(letters, new BatchSendOptions { MaxParallelSends = 3, OutcomeReported = o => reported.Add(o.Index) });

        Assert.Null(report.StoppedBy);
        Assert.Equal(Enumerable.Range(0, 12), report.Outcomes.Select(o => o.Index));
        Assert.Equal(Enumerable.Range(0, 12), reported.Order());
        Assert.All(report.Outcomes, o => Assert.Same(letters[o.Index], o.Message));
        Assert.Equal((10, 2, 0, 0), (report.Sent, report.Refused, report.NotSent, report.Uncertain));
        Assert.IsType<RecipientsRejectedException>(report.Outcomes[4].Error);
        Assert.IsType<MessageRejectedException>(report.Outcomes[7].Error);
        Assert.All(report.Outcomes.Where(o => o.Status == BatchSendStatus.Sent), o => Assert.NotNull(o.Result!.SentCopy));

        var expected = report.Outcomes.Where(o => o.Status == BatchSendStatus.Sent).Select(o => o.Message.Subject).Order().ToList();
        await WaitForMessageAsync(doctor.Box, s => s.Subject == expected[^1]);
        await WaitUntilAsync(async () => (await ListAsync(doctor.Box)).Count(s => s.Subject!.Contains(tag, StringComparison.Ordinal)) >= expected.Count);
        await Task.Delay(300);
        Assert.Equal(expected, (await ListAsync(doctor.Box)).Select(s => s.Subject).Where(s => s!.Contains(tag, StringComparison.Ordinal)).Order());
        var sent = await lab.Box.Folders.GetAsync(FolderRole.Sent);
        Assert.Equal(expected, (await ListAsync(lab.Box, sent.Path)).Select(s => s.Subject).Where(s => s!.Contains(tag, StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task A_cancelled_batch_reports_every_letter_taken_as_sent_or_not_sent_and_only_the_sent_ones_arrive()
    {
        await using var lab = await OpenNewUserAsync();
        await using var doctor = await OpenNewUserAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var letters = Enumerable.Range(0, 40).Select(i => Letter(doctor.Address, $"Nuit {tag} {i}")).ToList();
        using var cancel = new CancellationTokenSource();

        var report = await lab.Box.SendBatchAsync(letters, new BatchSendOptions
        {
            MaxParallelSends = 4,
            OutcomeReported = o =>
            {
                if (o.Index == 5)
                {
                    cancel.Cancel();
                }
            },
        }, cancel.Token);

        Assert.IsAssignableFrom<OperationCanceledException>(report.StoppedBy);
        Assert.InRange(report.Outcomes.Count, 6, 39);
        Assert.All(report.Outcomes, o => Assert.Contains(o.Status, new[] { BatchSendStatus.Sent, BatchSendStatus.NotSent }));
        Assert.Equal(report.Outcomes.Count, report.Sent + report.NotSent);
        var expected = report.Outcomes.Where(o => o.Status == BatchSendStatus.Sent).Select(o => o.Message.Subject).Order().ToList();
        await WaitUntilAsync(async () => (await ListAsync(doctor.Box)).Count(s => s.Subject!.Contains(tag, StringComparison.Ordinal)) >= expected.Count);
        await Task.Delay(500);
        Assert.Equal(expected, (await ListAsync(doctor.Box)).Select(s => s.Subject).Where(s => s!.Contains(tag, StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task A_batch_takes_letters_from_a_lazy_sequence_only_as_it_sends_them()
    {
        await using var lab = await OpenNewUserAsync();
        var doctor = await CreateUserAsync();
        var taken = 0;
        var reported = 0;
        var mostAhead = 0;
        IEnumerable<OutgoingMessage> Night()
        {
            for (var i = 0; i < 10; i++)
            {
                mostAhead = Math.Max(mostAhead, ++taken - Volatile.Read(ref reported));
                yield return Letter(doctor.Address, $"Paresseux {i}");
            }
        }

        var report = await lab.Box.SendBatchAsync(Night(), new BatchSendOptions { MaxParallelSends = 2, OutcomeReported = _ => Interlocked.Increment(ref reported) });

        Assert.Equal(10, report.Sent);
        Assert.InRange(mostAhead, 1, 2);
    }

    [Fact]
    public async Task A_batch_refuses_a_null_letter_and_a_parallelism_out_of_range()
    {
        await using var lab = await OpenNewUserAsync();
        var doctor = await CreateUserAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lab.Box.SendBatchAsync([], new BatchSendOptions { MaxParallelSends = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lab.Box.SendBatchAsync([], new BatchSendOptions { MaxParallelSends = 17 }));
        var e = await Assert.ThrowsAsync<ArgumentNullException>(() => lab.Box.SendBatchAsync([Letter(doctor.Address, "Premier"), null!], new BatchSendOptions { MaxParallelSends = 1 }));
        Assert.Contains("index 1", e.Message, StringComparison.Ordinal);
        Assert.Empty((await lab.Box.SendBatchAsync([])).Outcomes);
    }

    [Fact]
    public async Task A_batch_is_one_span_with_its_sends_under_it()
    {
        using var telemetry = new TelemetryCollector();
        await using var lab = await OpenNewUserAsync();
        var doctor = await CreateUserAsync();
        ActivityTraceId trace;
        using (var root = TelemetryCollector.Root("night"))
        {
            trace = root.TraceId;
            await lab.Box.SendBatchAsync([Letter(doctor.Address, "Un"), Letter(doctor.Address, "Deux"), new OutgoingMessage { Subject = "Sans destinataire" }]);
        }

        var spans = telemetry.Trace(trace);
        var batch = Assert.Single(spans, s => s.OperationName == "esante.mssante.batch.send");
        Assert.Equal(3, batch.GetTagItem("esante.mssante.result_count"));
        Assert.Equal(2, batch.GetTagItem("esante.mssante.batch.sent_count"));
        Assert.Equal(3, spans.Count(s => s.OperationName == "esante.mssante.message.send" && s.ParentSpanId == batch.SpanId));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold within 20 s.");
            }
            await Task.Delay(100);
        }
    }
}
