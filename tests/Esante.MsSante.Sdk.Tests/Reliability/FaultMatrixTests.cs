using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;
using Esante.MsSante.Tests.RealStack;

namespace Esante.MsSante.Tests.Reliability;

/// <summary>
/// The fault matrix (issue 9, suite 1): each operation, with the connection dropped, stalled or the caller cancelling at
/// each phase the relay can see, ends in one of three truthful outcomes — done once and reported so, not done and
/// reported so (<see cref="MssanteConnectionException"/>, <see cref="OperationCanceledException"/>), or, for a send,
/// <see cref="DeliveryUncertainException"/> — never two copies, never a silent loss. The stack's ports without TLS are used,
/// so the relay sees the commands; on the submission port, where TLS is required, the cells are at STARTTLS, just before
/// the handshake (inside TLS the relay sees only records, so no later phase is told apart there).
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class FaultMatrixTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// Operation, phase (the relay's trigger), fault: every cell runs in CI (a few minutes of the test command at most);
    /// FAULT_MATRIX_REPORT=path writes what each cell observed (the table in benchmarks/RELIABILITY.md).
    /// </summary>
    public static TheoryData<string, string, RelayFault> Cells()
    {
        var cells = new TheoryData<string, string, RelayFault>();
        void Add(string operation, string phase, params RelayFault[] faults)
        {
            foreach (var fault in faults)
            {
                cells.Add(operation, phase, fault);
            }
        }
        Add("send", TcpRelay.OnConnect, RelayFault.Drop, RelayFault.Stall);
        Add("send", TcpRelay.OnGreeting, RelayFault.Drop, RelayFault.Stall);
        Add("send", "AUTH ", RelayFault.Drop, RelayFault.Cancel);
        Add("send", "MAIL FROM", RelayFault.Drop, RelayFault.Stall, RelayFault.Cancel);
        Add("send", "RCPT TO", RelayFault.Drop, RelayFault.Cancel);
        Add("send", "DATA\r\n", RelayFault.Drop, RelayFault.Stall, RelayFault.Cancel);
        Add("send", BodyMarker, RelayFault.Drop, RelayFault.Cancel);
        Add("send", FinalDot, RelayFault.Drop, RelayFault.DropAfter, RelayFault.Stall, RelayFault.Cancel);
        Add("send", "APPEND", RelayFault.Drop, RelayFault.DropAfter, RelayFault.Stall, RelayFault.Cancel);
        Add(SendOverTls, "STARTTLS", RelayFault.Drop, RelayFault.DropAfter, RelayFault.Stall, RelayFault.Cancel);
        Add("send draft", "DATA\r\n", RelayFault.Drop);
        Add("send draft", FinalDot, RelayFault.DropAfter, RelayFault.Stall, RelayFault.Cancel);
        Add("send draft", "EXPUNGE", RelayFault.Drop, RelayFault.Cancel);
        Add("read receipt", "MAIL FROM", RelayFault.Drop);
        Add("read receipt", FinalDot, RelayFault.DropAfter, RelayFault.Stall, RelayFault.Cancel);
        Add("read receipt", "STORE", RelayFault.Drop, RelayFault.Cancel);
        Add("list", "FETCH", RelayFault.Drop, RelayFault.Stall, RelayFault.Cancel);
        Add("move", "MOVE", RelayFault.Drop, RelayFault.DropAfter, RelayFault.Stall, RelayFault.Cancel);
        Add("delete", "MOVE", RelayFault.DropAfter, RelayFault.Cancel);
        Add("settings", "SETMETADATA", RelayFault.Drop, RelayFault.DropAfter, RelayFault.Stall, RelayFault.Cancel);
        // Stall: IDLE's continuation never comes (the timeout finds it); MuteAfterReply: the connection goes mute once
        // idling, where only the watch's refresh (DONE unanswered within the timeout) can find it.
        Add("watch", "IDLE", RelayFault.Drop, RelayFault.DropAfter, RelayFault.Stall, RelayFault.MuteAfterReply, RelayFault.Cancel, RelayFault.Slow);
        // A slow link loses nothing and fails nothing within the timeout.
        Add("send", TcpRelay.OnGreeting, RelayFault.Slow);
        Add("send", "DATA\r\n", RelayFault.Slow);
        Add("send", "APPEND", RelayFault.Slow);
        Add("list", "FETCH", RelayFault.Slow);
        return cells;
    }

    private const string BodyMarker = "MATRIX-BODY";

    /// <summary>A send on the submission port, where STARTTLS is required: the relay sees the command, then only the TLS handshake and records.</summary>
    private const string SendOverTls = "send (STARTTLS)";
    private const string FinalDot = "\r\n.\r\n";

    private static bool IsSmtp(string phase) =>
        phase is TcpRelay.OnConnect or "STARTTLS" or TcpRelay.OnGreeting or "AUTH " or "MAIL FROM" or "RCPT TO" or "DATA\r\n" or BodyMarker or FinalDot;

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_cell_ends_done_once_or_not_done_or_uncertain_and_says_which(string operation, string phase, RelayFault fault)
    {
        await using var pair = await OpenPairAsync(tls: operation == SendOverTls);
        var (sender, recipient, imapRelay, smtpRelay, box, other) = pair;
        using var cancel = new CancellationTokenSource();
        var relay = IsSmtp(phase) ? smtpRelay : imapRelay;
        void Arm() => relay.Arm(phase, fault, cancel.Cancel);
        var subject = $"Cellule {Guid.NewGuid():N}";

        string outcome;
        switch (operation)
        {
            case "send":
            case SendOverTls:
            case "send draft":
            {
                var letter = Letter(recipient, subject);
                MessageRef? draft = operation == "send draft" ? await box.Drafts.SaveAsync(letter) : null;
                Arm();
                outcome = await OutcomeAsync(cancel, () => draft is { } d ? box.Drafts.SendAsync(d, cancel.Token) : box.SendAsync(letter, cancel.Token));
                var copies = await DeliveredAsync(box, other, recipient, subject, outcome);
                var sentCopies = await CountAsync(box, FolderRole.Sent, subject);
                AssertTruthful(outcome, copies);
                Assert.Equal(outcome == "success" ? 1 : 0, sentCopies);
                if (draft is not null)
                {
                    // Sent: the draft goes (unless removing it failed, which is logged); not sent or uncertain: it stays.
                    var drafts = await CountAsync(box, FolderRole.Drafts, subject);
                    Assert.True(outcome == "success" ? drafts <= 1 && (phase != FinalDot || drafts == 0) : drafts == 1, $"{drafts} draft(s) after {outcome}");
                }
                Record(operation, phase, fault, $"{outcome}, {copies} delivered, {sentCopies} in Sent");
                break;
            }
            case "read receipt":
            {
                var asking = Letter(sender, subject);
                asking.RequestReadReceipt = true;
                await other.SendAsync(asking);
                var original = await WaitForAsync(box, subject);
                Arm();
                outcome = await OutcomeAsync(cancel, () => box.Messages.SendReadReceiptAsync(original.Ref, ReadReceipt.Displayed, cancel.Token));
                var receipts = await DeliveredAsync(box, other, recipient, subject, outcome);
                var marked = (await box.Messages.ListAsync().ToListAsync()).Single(s => s.Ref == original.Ref).Keywords.Contains("$MDNSent");
                AssertTruthful(outcome, receipts);
                // Handed over (sent or maybe sent): marked, so no second receipt ever goes.
                Assert.Equal(outcome is "success" or "uncertain", marked);
                Record(operation, phase, fault, $"{outcome}, {receipts} delivered, $MDNSent {(marked ? "set" : "not set")}");
                break;
            }
            case "list":
            {
                for (var i = 0; i < 3; i++)
                {
                    await other.SendAsync(Letter(sender, $"{subject} {i}"));
                }
                await WaitForAsync(box, $"{subject} 2", count: 3);
                Arm();
                var listed = new List<MessageInfo>();
                outcome = await OutcomeAsync(cancel, async () => listed = await box.Messages.ListAsync(cancellationToken: cancel.Token).ToListAsync());
                Assert.True(outcome != "uncertain");
                if (outcome == "success")
                {
                    Assert.Equal(3, listed.Count(s => s.Subject?.StartsWith(subject, StringComparison.Ordinal) == true));
                    Assert.Equal(listed.Count, listed.Select(s => s.Ref).Distinct().Count());
                }
                Assert.Equal(3, (await box.Messages.ListAsync().ToListAsync()).Count);
                Record(operation, phase, fault, outcome == "success" ? "success, 3 of 3 listed once" : $"{outcome}, nothing listed");
                break;
            }
            case "move":
            case "delete":
            {
                await other.SendAsync(Letter(sender, subject));
                var message = await WaitForAsync(box, subject);
                var archive = operation == "move" ? await box.Folders.CreateAsync($"Archive{Guid.NewGuid():N}"[..12]) : null;
                Arm();
                outcome = await OutcomeAsync(cancel, () => archive is null ? box.Messages.DeleteAsync(message.Ref, cancel.Token) : box.Messages.MoveAsync(message.Ref, archive.Path, cancel.Token));
                Assert.True(outcome != "uncertain");
                var target = archive?.Path ?? (await box.Folders.GetAsync(FolderRole.Trash)).Path;
                var inTarget = (await box.Messages.ListAsync(target).ToListAsync()).Count(s => s.Subject == subject);
                var inInbox = (await box.Messages.ListAsync().ToListAsync()).Count(s => s.Subject == subject);
                // One copy, wherever it is; where the call said, when it said it was done.
                Assert.Equal(1, inTarget + inInbox);
                if (outcome == "success")
                {
                    Assert.Equal(1, inTarget);
                }
                Record(operation, phase, fault, $"{outcome}, {(inTarget == 1 ? "moved" : "not moved")}, one copy");
                break;
            }
            case "settings":
            {
                var inbox = await box.Folders.GetAsync(FolderRole.Inbox);
                await box.Folders.SetRetentionAsync(inbox.Path, new RetentionPeriod(1, RetentionUnit.Months));
                Arm();
                outcome = await OutcomeAsync(cancel, () => box.Folders.SetRetentionAsync(inbox.Path, new RetentionPeriod(2, RetentionUnit.Weeks), cancel.Token));
                Assert.True(outcome != "uncertain");
                var now = (await box.Folders.GetRetentionAsync())[inbox.Path];
                if (outcome == "success")
                {
                    Assert.Equal(new RetentionPeriod(2, RetentionUnit.Weeks), now);
                }
                else
                {
                    Assert.True(now == new RetentionPeriod(1, RetentionUnit.Months) || now == new RetentionPeriod(2, RetentionUnit.Weeks), $"{now} read back");
                }
                Record(operation, phase, fault, $"{outcome}, {(now.Count == 2 ? "new" : "old")} value read back");
                break;
            }
            case "watch":
            {
                // New mail pushed by IDLE: after a drop the watch reconnects and resumes after the last UID it gave, so
                // each letter comes once, none lost; a cancel ends the watch and the letters stay in the inbox.
                var seen = new List<MessageInfo>();
                var watching = Task.Run(async () =>
                {
                    await foreach (var summary in box.Messages.WatchAsync(cancellationToken: cancel.Token))
                    {
                        lock (seen)
                        {
                            seen.Add(summary);
                        }
                    }
                });
                Arm();
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (!relay.Triggered && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20);
                }
                for (var i = 0; i < 2; i++)
                {
                    await other.SendAsync(Letter(sender, $"{subject} {i}"));
                }
                int Seen()
                {
                    lock (seen)
                    {
                        return seen.Count(m => m.Subject?.StartsWith(subject, StringComparison.Ordinal) == true);
                    }
                }
                while (fault != RelayFault.Cancel && Seen() < 2 && DateTime.UtcNow < deadline && !watching.IsCompleted)
                {
                    await Task.Delay(50);
                }
                await cancel.CancelAsync();
                outcome = await OutcomeAsync(cancel, () => watching);
                // Cancelled by the caller: ended by the cancel (or quietly, as a finished enumeration may).
                Assert.True(outcome is "cancelled" or "success", $"The watch ended {outcome}.");
                lock (seen)
                {
                    Assert.Equal(seen.Count, seen.Select(m => m.Ref).Distinct().Count());
                }
                if (fault != RelayFault.Cancel)
                {
                    Assert.Equal(2, Seen());
                }
                await WaitForAsync(box, $"{subject} 1", count: 2);
                Record(operation, phase, fault, fault == RelayFault.Cancel ? "watch ended, 2 of 2 in the inbox" : "2 of 2 seen once, 2 in the inbox");
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(operation));
        }
        if (fault == RelayFault.Slow && operation != "watch")
        {
            Assert.Equal("success", outcome);
        }
        Assert.True(relay.Triggered, $"The fault at « {Printable(phase)} » never happened: the cell tested nothing.");
    }

    // Issue 9: a cancel that comes once the message is handed over changes nothing: sent once, reported sent, copy in Sent,
    // draft removed, $MDNSent set. Before, the send threw TaskCanceledException with the letter delivered (a retry sent it twice).

    [Fact]
    public async Task A_send_cancelled_after_the_final_dot_reports_success_with_one_copy_delivered_and_one_in_Sent()
    {
        await using var pair = await OpenPairAsync();
        var (sender, recipient, imapRelay, smtpRelay, box, other) = pair;
        using var cancel = new CancellationTokenSource();
        smtpRelay.Arm(FinalDot, RelayFault.Cancel, cancel.Cancel);

        var result = await box.SendAsync(Letter(recipient, "Annulé trop tard"), cancel.Token);

        Assert.True(cancel.IsCancellationRequested);
        Assert.NotNull(result.SentCopy);
        Assert.Equal(1, await DeliveredAsync(box, other, recipient, "Annulé trop tard", "success"));
        Assert.Equal(1, await CountAsync(box, FolderRole.Sent, "Annulé trop tard"));
    }

    [Fact]
    public async Task A_send_cancelled_during_its_Sent_copy_still_saves_the_copy()
    {
        await using var pair = await OpenPairAsync();
        var (sender, recipient, imapRelay, smtpRelay, box, other) = pair;
        using var cancel = new CancellationTokenSource();
        imapRelay.Arm("APPEND", RelayFault.Cancel, cancel.Cancel);

        var result = await box.SendAsync(Letter(recipient, "Copie annulée"), cancel.Token);

        Assert.True(cancel.IsCancellationRequested);
        Assert.Null(result.SentCopyError);
        Assert.Equal(1, await CountAsync(box, FolderRole.Sent, "Copie annulée"));
    }

    [Fact]
    public async Task A_draft_sent_and_cancelled_after_the_final_dot_is_reported_sent_and_removed_from_Drafts()
    {
        await using var pair = await OpenPairAsync();
        var (sender, recipient, imapRelay, smtpRelay, box, other) = pair;
        var draft = await box.Drafts.SaveAsync(Letter(recipient, "Brouillon annulé trop tard"));
        using var cancel = new CancellationTokenSource();
        smtpRelay.Arm(FinalDot, RelayFault.Cancel, cancel.Cancel);

        await box.Drafts.SendAsync(draft, cancel.Token);

        Assert.Equal(0, await CountAsync(box, FolderRole.Drafts, "Brouillon annulé trop tard"));
        Assert.Equal(1, await CountAsync(box, FolderRole.Sent, "Brouillon annulé trop tard"));
        Assert.Equal(1, await DeliveredAsync(box, other, recipient, "Brouillon annulé trop tard", "success"));
    }

    [Fact]
    public async Task A_read_receipt_cancelled_after_the_final_dot_is_reported_sent_and_the_original_marked()
    {
        await using var pair = await OpenPairAsync();
        var (sender, recipient, imapRelay, smtpRelay, box, other) = pair;
        var asking = Letter(sender, "Accusé annulé trop tard");
        asking.RequestReadReceipt = true;
        await other.SendAsync(asking);
        var original = await WaitForAsync(box, "Accusé annulé trop tard");
        using var cancel = new CancellationTokenSource();
        smtpRelay.Arm(FinalDot, RelayFault.Cancel, cancel.Cancel);

        await box.Messages.SendReadReceiptAsync(original.Ref, ReadReceipt.Displayed, cancel.Token);

        Assert.Contains("$MDNSent", (await box.Messages.ListAsync().ToListAsync()).Single(s => s.Ref == original.Ref).Keywords);
        Assert.Equal(1, await DeliveredAsync(box, other, recipient, "Accusé annulé trop tard", "success"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => box.Messages.SendReadReceiptAsync(original.Ref, ReadReceipt.Displayed));
    }

    [Fact]
    public async Task A_mailbox_closed_while_a_delivered_letter_is_copied_to_Sent_reports_it_sent()
    {
        await using var pair = await OpenPairAsync();
        var (sender, recipient, imapRelay, smtpRelay, box, other) = pair;
        imapRelay.Arm("APPEND", RelayFault.Stall);

        var sending = box.SendAsync(Letter(recipient, "Fermée pendant la copie"));
        while (!imapRelay.Triggered)
        {
            await Task.Delay(20);
        }
        await box.DisposeAsync();

        // Before, the closing surfaced as ObjectDisposedException although the letter had gone: a retry sent it twice.
        var result = await sending;
        Assert.NotNull(result.SentCopyError);
        Assert.Equal(1, await DeliveredAsync(other, other, recipient, "Fermée pendant la copie", "success"));
    }

    [Fact]
    public async Task A_kept_SMTP_connection_that_died_while_idle_is_replaced_and_the_send_goes_once()
    {
        await using var pair = await OpenPairAsync();
        var (sender, recipient, imapRelay, smtpRelay, box, other) = pair;
        await box.SendAsync(Letter(recipient, "Premier"));
        smtpRelay.DropAll();

        // Before, this threw: the dead connection was reused for MAIL FROM.
        await box.SendAsync(Letter(recipient, "Après la coupure"));

        Assert.Equal(1, await DeliveredAsync(box, other, recipient, "Après la coupure", "success"));
        Assert.Equal(2, smtpRelay.Connections);
    }

    /// <summary>A sender and a recipient; the sender's mailbox goes through the relays, in clear so they see the commands, with a short timeout.</summary>
    private sealed record Pair(string Sender, string Recipient, TcpRelay ImapRelay, TcpRelay SmtpRelay, IMailboxClient Box, IMailboxClient Other) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Box.DisposeAsync();
            await Other.DisposeAsync();
            ImapRelay.Dispose();
            SmtpRelay.Dispose();
        }
    }

    private async Task<Pair> OpenPairAsync(bool tls = false)
    {
        var (sender, recipient) = (NewUser(), NewUser());
        var imapRelay = new TcpRelay(stack.Port("IMAP_PLAIN_PORT"), stack.PlainImapHost);
        var smtpRelay = new TcpRelay(stack.Port(tls ? "SMTP_SUBMISSION_PORT" : "SMTP_PLAIN_PORT"));
        var box = await MailStack.OpenAsync(stack.Options(o =>
        {
            o.ImapHost = "127.0.0.1";
            o.ImapPort = imapRelay.Port;
            o.ImapSecurity = ConnectionSecurity.InsecurePlaintext;
            o.SmtpHost = "127.0.0.1";
            o.SmtpPort = smtpRelay.Port;
            o.SmtpSecurity = tls ? ConnectionSecurity.StartTls : ConnectionSecurity.InsecurePlaintext;
            o.Timeout = Timeout;
            o.WatchRefresh = TimeSpan.FromSeconds(2);
        }), sender, Password);
        return new Pair(sender, recipient, imapRelay, smtpRelay, box, await MailStack.OpenAsync(stack.Options(), recipient, Password));
    }

    private string NewUser()
    {
        var address = stack.NewAddress();
        stack.AddUser(address, Password);
        return address;
    }

    private static OutgoingMessage Letter(string to, string subject)
    {
        var letter = new OutgoingMessage { Subject = subject, TextBody = $"Compte rendu {BodyMarker} à suivre." };
        letter.To.Add(MssanteAddress.Parse(to));
        return letter;
    }

    /// <summary>success, cancelled, failed or uncertain; anything else escapes and fails the cell.</summary>
    private static async Task<string> OutcomeAsync(CancellationTokenSource cancel, Func<Task> operation)
    {
        try
        {
            await operation();
            return "success";
        }
        catch (DeliveryUncertainException e)
        {
            Assert.Contains("may or may not have been delivered", e.Message, StringComparison.Ordinal);
            return "uncertain";
        }
        catch (OperationCanceledException e)
        {
            // A timeout or a drop reported as a cancel would make the application think its user cancelled.
            Assert.True(cancel.IsCancellationRequested, $"Reported cancelled though the caller did not cancel: {e}");
            return "cancelled";
        }
        catch (MssanteConnectionException)
        {
            return "failed";
        }
    }

    private static void AssertTruthful(string outcome, int copies)
    {
        switch (outcome)
        {
            case "success":
                Assert.Equal(1, copies);
                break;
            case "uncertain":
                Assert.InRange(copies, 0, 1);
                break;
            default:
                Assert.Equal(0, copies);
                break;
        }
    }

    /// <summary>
    /// How many copies with this subject reached <paramref name="to"/>: the sender's box sends a marker after the cell (it
    /// must recover to do so), and once the marker is in, the count is taken (waiting for the copy too when one is due).
    /// </summary>
    private static async Task<int> DeliveredAsync(IMailboxClient from, IMailboxClient to, string toAddress, string subject, string outcome)
    {
        var marker = $"Témoin {Guid.NewGuid():N}";
        await from.SendAsync(Letter(toAddress, marker));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var inbox = await to.Messages.ListAsync().ToListAsync();
            var copies = inbox.Count(s => s.Subject?.Contains(subject, StringComparison.Ordinal) == true);
            if ((inbox.Any(s => s.Subject == marker) && (outcome != "success" || copies > 0)) || DateTime.UtcNow > deadline)
            {
                return copies;
            }
            await Task.Delay(50);
        }
    }

    private static async Task<MessageInfo> WaitForAsync(IMailboxClient box, string subject, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var inbox = await box.Messages.ListAsync().ToListAsync();
            if (inbox.Count >= count && inbox.FirstOrDefault(s => s.Subject == subject) is { } found)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, $"« {subject} » never arrived.");
            await Task.Delay(50);
        }
    }

    private static async Task<int> CountAsync(IMailboxClient box, FolderRole role, string subject) =>
        (await box.Messages.ListAsync((await box.Folders.GetAsync(role)).Path).ToListAsync()).Count(s => s.Subject == subject);

    private static string Printable(string phase) => phase.Replace("\r\n", "␍␊", StringComparison.Ordinal).Trim();

    /// <summary>Appends the cell's outcome to the file FAULT_MATRIX_REPORT names, when it does (for benchmarks/RELIABILITY.md).</summary>
    private static void Record(string operation, string phase, RelayFault fault, string observed)
    {
        if (Environment.GetEnvironmentVariable("FAULT_MATRIX_REPORT") is { Length: > 0 } path)
        {
            lock (typeof(FaultMatrixTests))
            {
                File.AppendAllText(path, $"| {operation} | {Printable(phase)} | {fault} | {observed} |\n");
            }
        }
    }
}
