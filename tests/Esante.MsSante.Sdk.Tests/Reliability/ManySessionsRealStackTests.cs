using System.Collections.Concurrent;
using Esante.MsSante.Tests.RealStack;

namespace Esante.MsSante.Tests.Reliability;

/// <summary>
/// Standing suite 2 of issue 9 on the real stack: 50 signed-in sessions (10 accounts, 5 sessions each) working at once
/// for a bounded time (RELIABILITY_SECONDS, default 5 s) and count (at most 2 letters a second a session, 12 in the short form), then every letter
/// counted at its recipient: no error, none twice, none lost.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class ManySessionsRealStackTests(MailStack stack)
{
    private const int Accounts = 10;
    private const int SessionsPerAccount = 5;
    private const string Password = "Motdepasse-1";

    [Fact]
    public async Task Fifty_sessions_working_at_once_lose_nothing_and_deliver_nothing_twice()
    {
        var addresses = Enumerable.Range(0, Accounts).Select(_ => stack.NewAddress("charge")).ToList();
        foreach (var address in addresses)
        {
            stack.AddUser(address, Password);
        }
        // Correctness, not speed, is measured: on a loaded machine 50 sessions' TLS handshakes at once can take longer than
        // the usual 20 s, which is not what this counts.
        var options = stack.Options(o => o.Timeout = TimeSpan.FromSeconds(120));
        var sessions = new List<(MssanteSession Session, IMailboxClient Box, int Account)>();
        try
        {
            var opening = Enumerable.Range(0, Accounts * SessionsPerAccount).Select(async s =>
            {
                var session = MailStack.Session(options);
                await session.SignInAsync(addresses[s % Accounts], Password);
                return (session, await session.OpenMailboxAsync(MssanteAddress.Parse(addresses[s % Accounts])), s % Accounts);
            });
            sessions.AddRange(await Task.WhenAll(opening));

            var seconds = ReliabilitySettings.Seconds(5);
            var maxLettersPerSession = 2 * seconds + 2;
            var deadline = DateTime.UtcNow.AddSeconds(seconds);
            var sent = new ConcurrentDictionary<string, int>(); // subject → recipient account
            var errors = new ConcurrentBag<Exception>();
            var operations = 0;
            async Task Work(int s, IMailboxClient box, int account)
            {
                var to = (account + 1) % Accounts;
                for (var n = 0; n < maxLettersPerSession && DateTime.UtcNow < deadline; n++)
                {
                    try
                    {
                        var subject = $"Charge {s}-{n}";
                        var letter = new OutgoingMessage { Subject = subject, TextBody = "Bonjour" };
                        letter.To.Add(MssanteAddress.Parse(addresses[to]));
                        await box.SendAsync(letter);
                        sent[subject] = to;
                        var listed = new List<MessageInfo>();
                        await foreach (var summary in box.Messages.ListAsync())
                        {
                            listed.Add(summary);
                        }
                        if (listed.Count > 0)
                        {
                            await box.Messages.ReadAsync(listed[n % listed.Count].Ref);
                            await box.Messages.MarkAsReadAsync(listed[n % listed.Count].Ref);
                        }
                        Interlocked.Add(ref operations, 4);
                    }
                    catch (Exception e)
                    {
                        errors.Add(e);
                    }
                }
            }
            await Task.WhenAll(sessions.Select((x, s) => Task.Run(() => Work(s, x.Box, x.Account))));

            // Counted at each recipient, by subject (one per letter): waits until all arrived, up to 60 s.
            var duplicates = 0;
            var lost = 0;
            for (var account = 0; account < Accounts; account++)
            {
                var expected = sent.Where(x => x.Value == account).Select(x => x.Key).ToHashSet();
                var box = sessions.First(x => x.Account == account).Box;
                var received = await ArrivedAsync(box, expected);
                duplicates += received.GroupBy(s => s).Sum(g => g.Count() - 1);
                lost += expected.Count(s => !received.Contains(s));
            }

            ReliabilitySettings.Report($"sessions operator=real seconds={seconds} sessions={sessions.Count} accounts={Accounts} operations={operations} letters={sent.Count} errors={errors.Count} duplicates={duplicates} lost={lost}");
            Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(3)));
            Assert.Equal(0, duplicates);
            Assert.Equal(0, lost);
            Assert.True(sent.Count >= sessions.Count, $"Only {sent.Count} letters were sent.");
        }
        finally
        {
            await Task.WhenAll(sessions.Select(x => x.Session.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The subjects of the « Charge » letters in an inbox, once all those expected are there (or 60 s passed), a moment more for any duplicate.</summary>
    private static async Task<List<string>> ArrivedAsync(IMailboxClient box, HashSet<string> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var subjects = new List<string>();
            await foreach (var summary in box.Messages.ListAsync())
            {
                if (summary.Subject?.StartsWith("Charge ", StringComparison.Ordinal) == true)
                {
                    subjects.Add(summary.Subject);
                }
            }
            if (expected.IsSubsetOf(subjects) || DateTime.UtcNow > deadline)
            {
                return subjects;
            }
            await Task.Delay(250);
        }
    }
}
