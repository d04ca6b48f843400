using System.Collections.Concurrent;
using Esante.MsSante.Operators;
using Esante.MsSante.Tests.Reliability;

namespace Esante.MsSante.Tests.Contract;

/// <summary>
/// Standing suite 2 of issue 9, « Concurrency », on every operator: one mailbox client used from many tasks at once
/// sends nothing twice, loses nothing, and closes without hanging or throwing.
/// </summary>
public abstract partial class MailboxContract
{
    /// <summary>
    /// While the returned handle lives, the operator answers slowly enough that concurrent calls interleave (a real
    /// operator does so by itself: nothing to do).
    /// </summary>
    protected virtual IDisposable Interleaved() => NoChange.Instance;

    /// <summary>A name for the operator in the figures (fake, real).</summary>
    protected virtual string OperatorName => GetType().Name;

    [Fact]
    public async Task One_draft_sent_from_three_tasks_at_once_goes_out_once()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var draft = await alice.Box.Drafts.SaveAsync(Letter(bob.Address, "Brouillon concurrent"));

        Task<SubmissionResult>[] sends;
        using (Interleaved())
        {
            sends = [.. Enumerable.Range(0, 3).Select(_ => Task.Run(() => alice.Box.Drafts.SendAsync(draft)))];
            await Task.WhenAll(sends.Select(Settled));
        }

        var sent = Assert.Single(sends, s => s.IsCompletedSuccessfully);
        Assert.All(sends.Where(s => s != sent), s => Assert.IsType<MssanteMessageNotFoundException>(s.Exception!.InnerException));
        var sentFolder = await alice.Box.Folders.GetAsync(FolderRole.Sent);
        Assert.Single(await ListAsync(alice.Box, sentFolder.Path), s => s.Subject == "Brouillon concurrent");
        var arrived = await WaitForMessageAsync(bob.Box, s => s.Subject == "Brouillon concurrent");
        Assert.Equal((await sent).MessageId, (await bob.Box.Messages.ReadAsync(arrived.Ref)).MessageId);
    }

    [Fact]
    public async Task One_message_receipted_from_three_tasks_at_once_gets_one_receipt()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var letter = Letter(bob.Address, "Accusé concurrent");
        letter.RequestReadReceipt = true;
        await alice.Box.SendAsync(letter);
        var received = await WaitForMessageAsync(bob.Box, s => s.Subject == "Accusé concurrent");

        Task<SubmissionResult>[] receipts;
        using (Interleaved())
        {
            receipts = [.. Enumerable.Range(0, 3).Select(_ => Task.Run(() => bob.Box.Messages.SendReadReceiptAsync(received.Ref, ReadReceipt.Processed)))];
            await Task.WhenAll(receipts.Select(Settled));
        }

        _ = Assert.Single(receipts, r => r.IsCompletedSuccessfully);
        Assert.All(receipts.Where(r => !r.IsCompletedSuccessfully), r => Assert.IsType<InvalidOperationException>(r.Exception!.InnerException));
        var sentFolder = await bob.Box.Folders.GetAsync(FolderRole.Sent);
        Assert.Single(await ListAsync(bob.Box, sentFolder.Path));
    }

    [Fact]
    public async Task Tags_and_retention_limits_changed_from_many_tasks_at_once_are_all_kept()
    {
        await using var alice = await OpenNewUserAsync();
        var folders = Enumerable.Range(0, 4).Select(i => $"Conservation{i}").ToList();
        foreach (var folder in folders)
        {
            await alice.Box.Folders.CreateAsync(folder);
        }

        using (Interleaved())
        {
            var changes = Enumerable.Range(0, 8).Select(i => Task.Run(() => alice.Box.Tags.CreateAsync($"Étiquette {i}", "#D93025")))
                .Concat(folders.Select((f, i) => Task.Run(() => alice.Box.Folders.SetRetentionAsync(f, new RetentionPeriod(i + 1, RetentionUnit.Months)))));
            await Task.WhenAll(changes);
        }

        var tags = await alice.Box.Tags.ListAsync();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"Étiquette {i}").Order(), tags.Select(t => t.Name).Order());
        var retention = await alice.Box.Folders.GetRetentionAsync();
        Assert.Equal(folders, retention.Keys.Order());
        Assert.All(folders.Select((f, i) => (f, i)), x => Assert.Equal(new RetentionPeriod(x.i + 1, RetentionUnit.Months), retention[x.f]));
    }

    [Fact]
    public async Task A_tag_deleted_while_other_tasks_tag_messages_with_it_leaves_no_message_tagged()
    {
        await using var alice = await OpenNewUserAsync();
        for (var i = 0; i < 3; i++)
        {
            await alice.Box.SendAsync(Letter(alice.Address, $"À étiqueter {i}"));
        }
        var messages = await WaitForCountAsync(alice.Box, s => s.Subject?.StartsWith("À étiqueter", StringComparison.Ordinal) == true, 3);
        var tag = await alice.Box.Tags.CreateAsync("Urgent", "#D93025");

        using (Interleaved())
        {
            var tagging = messages.Select(m => Task.Run(async () =>
            {
                for (var n = 0; n < 5; n++)
                {
                    try
                    {
                        await alice.Box.Messages.TagAsync(m.Ref, "Urgent");
                    }
                    catch (ArgumentException)
                    {
                        // Deleted already: nothing to tag with.
                    }
                }
            }));
            await Task.WhenAll([.. tagging, Task.Run(() => alice.Box.Tags.DeleteAsync("Urgent"))]);
        }

        Assert.DoesNotContain(await alice.Box.Tags.ListAsync(), t => t.Name == "Urgent");
        Assert.All(await ListAsync(alice.Box), s => Assert.DoesNotContain(tag.Keyword, s.Keywords));
    }

    [Fact]
    public async Task Disposing_while_sends_lists_a_watch_and_setting_writes_run_returns_throws_nothing_and_ends_them()
    {
        await using var bob = await OpenNewUserAsync();
        var user = await CreateUserAsync();
        var session = await SignInAsync(user);
        var box = await session.OpenMailboxAsync(user.Address);
        await box.Tags.CreateAsync("Avant", "#112233");
        using var slow = Interleaved();
        using var running = new CancellationTokenSource();
        var n = 0;
        async Task Loop(Func<int, Task> operation)
        {
            while (!running.IsCancellationRequested)
            {
                await operation(Interlocked.Increment(ref n));
            }
        }
        var watchStarted = new TaskCompletionSource();
        async Task Watch()
        {
            var enumerator = box.Messages.WatchAsync().GetAsyncEnumerator();
            await using (enumerator)
            {
                var next = enumerator.MoveNextAsync().AsTask();
                watchStarted.TrySetResult();
                while (await next)
                {
                    next = enumerator.MoveNextAsync().AsTask();
                }
            }
        }
        var work = new List<Task>
        {
            Task.Run(() => Loop(i => box.SendAsync(Letter(bob.Address, $"Fermeture {i}")))),
            Task.Run(() => Loop(async _ => await ListAsync(box))),
            Task.Run(() => Loop(i => box.Folders.SetRetentionAsync("INBOX", new RetentionPeriod(i % 12 + 1, RetentionUnit.Months)))),
            Task.Run(() => Loop(async i => await box.Tags.CreateAsync($"Pendant {i}", "#445566"))),
            Task.Run(Watch),
        };
        await watchStarted.Task;
        await Task.Delay(300);

        var dispose = box.DisposeAsync().AsTask();
        Assert.Same(dispose, await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(30))));
        await dispose;
        await running.CancelAsync();

        // Every caller is answered: a result, or the mailbox closed (a send cut off under way is uncertain, not lost).
        var all = Task.WhenAll(work.Select(Settled));
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))));
        foreach (var task in work.Where(t => t.IsFaulted))
        {
            Assert.True(task.Exception!.InnerException is ObjectDisposedException or OperationCanceledException or DeliveryUncertainException,
                task.Exception.InnerException!.ToString());
        }
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ListAsync(box));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => box.SendAsync(Letter(bob.Address, "Après fermeture")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => box.Tags.CreateAsync("Après", "#778899"));
        await box.DisposeAsync();
        await session.DisposeAsync();
    }

    [Fact]
    public async Task Disposing_the_session_closes_every_mailbox_it_opened_even_while_they_work()
    {
        await using var bob = await OpenNewUserAsync();
        var user = await CreateUserAsync();
        var session = await SignInAsync(user);
        var first = await session.OpenMailboxAsync(user.Address);
        var second = await session.OpenMailboxAsync(user.Address);
        using var slow = Interleaved();
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            await foreach (var _ in first.Messages.WatchAsync(cancellationToken: CancellationToken.None))
            {
            }
        });
        var sends = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await second.SendAsync(Letter(bob.Address, $"Session {i}"));
            }
        });
        await Task.Delay(300);

        var dispose = session.DisposeAsync().AsTask();
        Assert.Same(dispose, await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(30))));
        await dispose;
        await stop.CancelAsync();

        await watch;
        var ended = await Record.ExceptionAsync(() => sends);
        Assert.True(ended is ObjectDisposedException or DeliveryUncertainException, ended?.ToString());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.Folders.ListAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => second.Folders.ListAsync());
    }

    /// <summary>
    /// 16 tasks × mixed operations on one mailbox client for a bounded time (RELIABILITY_SECONDS, default 3 s), then every
    /// message counted: no error, nothing delivered twice (by Message-ID at the recipient), nothing lost, every tag there.
    /// </summary>
    [Fact]
    public async Task Sixteen_tasks_of_mixed_operations_on_one_mailbox_lose_nothing_and_send_nothing_twice()
    {
        const int Tasks = 16;
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var box = alice.Box;
        // Messages for receipts (several tasks answer the same ones) and for moves (each task moves its own).
        for (var i = 0; i < 4; i++)
        {
            var asking = Letter(alice.Address, $"Demande d'accusé {i}");
            asking.RequestReadReceipt = true;
            await bob.Box.SendAsync(asking);
        }
        for (var i = 0; i < Tasks; i++)
        {
            await bob.Box.SendAsync(Letter(alice.Address, $"À classer {i}"));
            await box.Folders.CreateAsync($"Conservation{i}");
        }
        await box.Folders.CreateAsync("Classés");
        var inbox = await WaitForCountAsync(box, s => s.Subject?.StartsWith("Demande d'accusé", StringComparison.Ordinal) == true || s.Subject?.StartsWith("À classer", StringComparison.Ordinal) == true, 4 + Tasks);
        var asked = inbox.Where(s => s.Subject!.StartsWith("Demande", StringComparison.Ordinal)).Select(s => s.Ref).ToList();
        var toMove = inbox.Where(s => s.Subject!.StartsWith("À classer", StringComparison.Ordinal)).OrderBy(s => s.Subject, StringComparer.Ordinal).Select(s => s.Ref).ToArray();

        var seconds = ReliabilitySettings.Seconds(3);
        var letters = new ConcurrentDictionary<string, string>(); // Message-ID → subject, for every letter reported sent
        var receipts = new ConcurrentDictionary<MessageRef, string>();
        var tags = new ConcurrentBag<string>();
        var retention = new RetentionPeriod?[Tasks];
        var errors = new ConcurrentBag<Exception>();
        var operations = 0;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);

        async Task Worker(int t)
        {
            for (var n = 0; DateTime.UtcNow < deadline; n++)
            {
                try
                {
                    switch ((n + t) % 8)
                    {
                        case 0:
                            var sent = await box.SendAsync(Letter(bob.Address, $"Lettre {t}-{n}"));
                            Assert.True(letters.TryAdd(sent.MessageId, $"Lettre {t}-{n}"));
                            break;
                        case 1:
                            // The same draft from three calls at once: one sends it, the others find it gone.
                            var draft = await box.Drafts.SaveAsync(Letter(bob.Address, $"Brouillon {t}-{n}"));
                            var sends = Enumerable.Range(0, 3).Select(_ => box.Drafts.SendAsync(draft)).ToList();
                            await Task.WhenAll(sends.Select(Settled));
                            var ok = Assert.Single(sends, s => s.IsCompletedSuccessfully);
                            Assert.All(sends.Where(s => s != ok), s => Assert.IsType<MssanteMessageNotFoundException>(s.Exception!.InnerException));
                            Assert.True(letters.TryAdd((await ok).MessageId, $"Brouillon {t}-{n}"));
                            break;
                        case 2:
                            var original = asked[(n / 8 + t) % asked.Count];
                            try
                            {
                                var receipt = await box.Messages.SendReadReceiptAsync(original, ReadReceipt.Processed);
                                Assert.True(receipts.TryAdd(original, receipt.MessageId), "A second receipt was sent for one message.");
                            }
                            catch (InvalidOperationException)
                            {
                                // Already answered: refused, as RFC 8098 wants (a second receipt would show at bob's, counted below).
                            }
                            break;
                        case 3:
                            await box.Tags.CreateAsync($"T{t}-{n}", "#0A0B0C");
                            tags.Add($"T{t}-{n}");
                            break;
                        case 4:
                            var period = new RetentionPeriod(n % 12 + 1, RetentionUnit.Months);
                            await box.Folders.SetRetentionAsync($"Conservation{t}", period);
                            retention[t] = period;
                            break;
                        case 5:
                            toMove[t] = await box.Messages.MoveAsync(toMove[t], toMove[t].FolderPath == "INBOX" ? "Classés" : "INBOX");
                            break;
                        case 6:
                            await ListAsync(box);
                            await box.Folders.ListAsync();
                            break;
                        default:
                            await box.Tags.ListAsync();
                            await box.Folders.GetRetentionAsync();
                            break;
                    }
                    Interlocked.Increment(ref operations);
                }
                catch (Exception e)
                {
                    errors.Add(e);
                }
            }
        }

        using (Interleaved())
        {
            await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(() => Worker(t))));
        }

        // Counted at the recipient: each letter once, by Message-ID; each receipt once.
        var expected = letters.Count + receipts.Count;
        var atBob = await WaitForCountAsync(bob.Box, _ => true, expected);
        var ids = new List<string?>();
        foreach (var summary in atBob)
        {
            ids.Add((await bob.Box.Messages.ReadAsync(summary.Ref)).MessageId);
        }
        var duplicates = ids.GroupBy(id => id).Sum(g => g.Count() - 1);
        var lost = letters.Keys.Concat(receipts.Values).Count(id => !ids.Contains(id));
        var tagsKept = (await box.Tags.ListAsync()).Select(t => t.Name).ToHashSet();
        var tagsLost = tags.Count(t => !tagsKept.Contains(t));
        var limits = await box.Folders.GetRetentionAsync();
        var limitsLost = Enumerable.Range(0, Tasks).Count(t => retention[t] is { } p && limits.GetValueOrDefault($"Conservation{t}") != p);
        var placed = (await ListAsync(box)).Concat(await ListAsync(box, "Classés")).Count(s => s.Subject?.StartsWith("À classer", StringComparison.Ordinal) == true);

        ReliabilitySettings.Report(
            $"concurrency operator={OperatorName} seconds={seconds} tasks={Tasks} operations={operations} letters={letters.Count} receipts={receipts.Count} " +
            $"tags={tags.Count} errors={errors.Count} duplicates={duplicates} lost={lost + tagsLost + limitsLost + (Tasks - placed)}");
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(3)));
        Assert.Equal(0, duplicates);
        Assert.Equal(0, lost);
        Assert.Equal(atBob.Count, expected);
        Assert.Equal(0, tagsLost);
        Assert.Equal(0, limitsLost);
        Assert.Equal(Tasks, placed);
        Assert.True(operations > Tasks, $"Only {operations} operations ran.");
    }

    /// <summary>Waits (in real time, up to 30 s) until a folder holds at least <paramref name="count"/> messages that match; returns them.</summary>
    protected static async Task<List<MessageInfo>> WaitForCountAsync(IMailboxClient mailbox, Func<MessageInfo, bool> predicate, int count, string? folder = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = (await ListAsync(mailbox, folder)).Where(predicate).ToList();
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                // A little longer, so a duplicate still on its way is counted too.
                await Task.Delay(found.Count >= count ? 200 : 0);
                return (await ListAsync(mailbox, folder)).Where(predicate).ToList();
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A task that completes when the given one does, whatever its outcome.</summary>
    protected static Task Settled(Task task) => task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private sealed class NoChange : IDisposable
    {
        public static readonly NoChange Instance = new();

        public void Dispose()
        {
        }
    }
}
