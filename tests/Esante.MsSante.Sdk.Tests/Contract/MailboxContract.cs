using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.Operators;

namespace Esante.MsSante.Tests.Contract;

/// <summary>
/// The observable behaviour every operator must show through the SDK's public services. Run against the fake operator,
/// and against a real Dovecot/Postfix stack, by subclasses that say how to create accounts and sign in.
/// </summary>
public abstract partial class MailboxContract
{
    /// <summary>Creates an account with a personal mailbox, unique to the calling test.</summary>
    protected abstract Task<TestUser> CreateUserAsync(long? quotaBytes = null);

    /// <summary>Signs in completely (second factor included where the operator asks for one).</summary>
    protected abstract Task<IMssanteSession> SignInAsync(TestUser user);

    /// <summary>A new session, not signed in.</summary>
    protected abstract IMssanteSession NewSession();

    /// <summary>An access token for the user, as Pro Santé Connect would issue (negative lifetime: already expired).</summary>
    protected abstract string IssueToken(TestUser user, TimeSpan lifetime, bool validSignature = true);

    /// <summary>A client certificate the operator accepts for the user (with its private key).</summary>
    protected abstract X509Certificate2 IssueClientCertificate(TestUser user);

    /// <summary>Delivers raw bytes to the user as a server receiving them from outside would store them.</summary>
    protected abstract Task DeliverRawAsync(TestUser recipient, byte[] raw);

    /// <summary>A domain this operator hosts, for an unknown recipient.</summary>
    protected abstract string HostedDomain { get; }

    protected async Task<IMailboxClient> OpenOwnAsync(TestUser user) => await (await SignInAsync(user)).OpenMailboxAsync(user.Address);

    /// <summary>Creates an account and opens its mailbox, for the test to dispose.</summary>
    protected async Task<OpenUser> OpenNewUserAsync(long? quotaBytes = null)
    {
        var user = await CreateUserAsync(quotaBytes);
        return new OpenUser(user, await OpenOwnAsync(user));
    }

    /// <summary>
    /// Waits (in real time) for a message to appear in a folder: real operators deliver asynchronously, and a rule filing
    /// the message may create the folder as it does.
    /// </summary>
    protected static async Task<MessageInfo> WaitForMessageAsync(IMailboxClient mailbox, Func<MessageInfo, bool> predicate, string? folder = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await foreach (var summary in mailbox.Messages.ListAsync(folder))
                {
                    if (predicate(summary))
                    {
                        return summary;
                    }
                }
            }
            catch (MssanteFolderNotFoundException) when (folder is not null)
            {
                // Not created yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The message did not arrive within 15 s.");
            }
            await Task.Delay(50);
        }
    }

    protected static OutgoingMessage Letter(MssanteAddress to, string subject, string body = "Bonjour, voici le compte rendu.")
    {
        var message = new OutgoingMessage { Subject = subject, TextBody = body };
        message.To.Add(to);
        return message;
    }

    protected static async Task<List<MessageInfo>> ListAsync(IMailboxClient mailbox, string? folder = null)
    {
        var list = new List<MessageInfo>();
        await foreach (var summary in mailbox.Messages.ListAsync(folder))
        {
            list.Add(summary);
        }
        return list;
    }

    [Fact]
    public async Task A_message_sent_from_one_mailbox_arrives_in_the_other_with_its_summary()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();

        var letter = Letter(bob.Address, "Compte rendu opératoire");
        letter.Attachments.Add(OutgoingAttachment.FromBytes("cr.pdf", [37, 80, 68, 70], "application/pdf"));
        var sent = await alice.Box.SendAsync(letter);

        var summary = await WaitForMessageAsync(bob.Box, s => s.Subject == "Compte rendu opératoire");
        Assert.Equal(alice.Address.Value, summary.From!.Address, ignoreCase: true);
        Assert.True(summary.IsMssante);
        Assert.False(summary.IsRead);
        Assert.True(summary.Size > 0);
        var message = await bob.Box.Messages.ReadAsync(summary.Ref);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Contains("compte rendu", message.TextBody, StringComparison.Ordinal);
        Assert.Equal("DEV935997", message.ProductReference);
        var attachment = Assert.Single(message.Attachments);
        Assert.Equal("cr.pdf", attachment.FileName);
        Assert.Equal(new byte[] { 37, 80, 68, 70 }, await attachment.ReadAllBytesAsync());
    }

    [Fact]
    public async Task A_body_with_lines_that_look_like_protocol_arrives_unchanged()
    {
        // A lone "." ends DATA unless dot-stuffed; BDAT sends the bytes as they are. Either way nothing may change.
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var body = string.Join("\n", "Ligne 1", ".", "..deux points", ".", "From le service", "QUIT", "Fin");
        await alice.Box.SendAsync(Letter(bob.Address, "Lignes piégées", body));

        var summary = await WaitForMessageAsync(bob.Box, s => s.Subject == "Lignes piégées");
        var message = await bob.Box.Messages.ReadAsync(summary.Ref);
        Assert.Equal(body, message.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n'));
    }

    [Fact]
    public async Task A_folder_listed_empty_shows_the_messages_that_arrive_afterwards()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        Assert.Empty(await ListAsync(bob.Box));

        await alice.Box.SendAsync(Letter(bob.Address, "Arrivé après la liste"));

        await WaitForMessageAsync(bob.Box, s => s.Subject == "Arrivé après la liste");
    }

    [Fact]
    public async Task Watching_the_inbox_yields_messages_as_they_arrive()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await alice.Box.SendAsync(Letter(bob.Address, "Avant"));
        var seen = await WaitForMessageAsync(bob.Box, s => s.Subject == "Avant");

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watched = new List<string?>();
        var watching = Task.Run(async () =>
        {
            // Watching after the last message seen: what arrives in between is not missed.
            await foreach (var summary in bob.Box.Messages.WatchAsync(after: seen.Ref, cancellationToken: stop.Token))
            {
                watched.Add(summary.Subject);
                if (watched.Count == 2)
                {
                    return;
                }
            }
        });
        await alice.Box.SendAsync(Letter(bob.Address, "Nouveau 1"));
        await alice.Box.SendAsync(Letter(bob.Address, "Nouveau 2"));
        await watching;
        // Each once; in the order they arrived, which a real operator need not keep for two messages sent back to back.
        Assert.Equal(["Nouveau 1", "Nouveau 2"], watched.Order());
        Assert.False(stop.IsCancellationRequested, "The new messages should arrive well before the timeout.");
    }

    [Fact]
    public async Task The_summary_decodes_the_sender_name_the_subject_and_the_date()
    {
        var bob = await CreateUserAsync();
        var raw = string.Join("\r\n",
            "Received: from relais.chu-angers.mssante.fr by mx; Tue, 3 Nov 2026 09:00:00 +0100",
            "From: =?utf-8?Q?Dr_H=C3=A9l=C3=A8ne_B=C3=A9rthelot?= <helene.berthelot@chu-angers.mssante.fr>",
            "To: " + bob.Address.Value + ", autre@chu-angers.mssante.fr",
            "Cc: \"Secr\u00e9tariat, cardiologie\" <secretariat@chu-angers.mssante.fr>",
            "Subject: =?utf-8?B?Q29tcHRlIHJlbmR1IGQnaG9zcGl0YWxpc2F0aW9u?=",
            " =?utf-8?Q?_=E2=80=93_s=C3=A9jour_du_2_novembre?=",
            "Date: Tue, 3 Nov 2026 08:59:12 +0100",
            "Message-ID: <resume-decode@chu-angers.mssante.fr>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Corps",
            "");
        await DeliverRawAsync(bob, System.Text.Encoding.UTF8.GetBytes(raw));
        var bare = string.Join("\r\n", "To: " + bob.Address.Value, "Message-ID: <sans-entete@chu-angers.mssante.fr>", "", "Sans expéditeur ni objet", "");
        await DeliverRawAsync(bob, System.Text.Encoding.UTF8.GetBytes(bare));
        await using var box = await OpenOwnAsync(bob);

        var summary = await WaitForMessageAsync(box, s => s.Subject?.StartsWith("Compte rendu", StringComparison.Ordinal) == true);
        Assert.Equal("Compte rendu d'hospitalisation – séjour du 2 novembre", summary.Subject);
        Assert.Equal("Dr Hélène Bérthelot", summary.From!.Name);
        Assert.Equal("helene.berthelot@chu-angers.mssante.fr", summary.From.Address);
        Assert.True(summary.IsMssante);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 8, 59, 12, TimeSpan.FromHours(1)), summary.Date);

        var unnamed = await WaitForMessageAsync(box, s => s.Subject is null);
        Assert.Null(unnamed.From);
        Assert.False(unnamed.IsMssante);
        Assert.Equal(unnamed.ReceivedAt, unnamed.Date);
    }

    [Fact]
    public async Task A_malformed_message_is_listed_and_read_without_error_and_loses_nothing_readable()
    {
        var bob = await CreateUserAsync();
        var raw = string.Join("\r\n",
            "From: \"Cassé <jean.dupont@chu-angers.mssante.fr",
            "To: " + bob.Address.Value,
            "Subject: =?utf-8?B?!!pas-du-base64?= Message abîmé",
            "Date: pas une date",
            "Message-ID: <malforme@chu-angers.mssante.fr>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain; charset=charset-inconnu",
            "",
            "Corps lisible",
            "--b1",
            "Content-Type: application/pdf; name=\"cr.pdf\"",
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=\"cr.pdf\"",
            "",
            "JVBERi0x!!!pas du base64 @@@",
            "") + "\r\n";
        await DeliverRawAsync(bob, System.Text.Encoding.UTF8.GetBytes(raw));
        await using var box = await OpenOwnAsync(bob);
        var summary = await WaitForMessageAsync(box, s => s.Subject?.Contains("abîmé", StringComparison.Ordinal) == true);
        Assert.NotEqual(default, summary.Date);
        var message = await box.Messages.ReadAsync(summary.Ref);
        Assert.Contains("Corps lisible", message.TextBody, StringComparison.Ordinal);
        var attachment = Assert.Single(message.Attachments);
        Assert.Equal("cr.pdf", attachment.FileName);
        Assert.NotNull(await attachment.ReadAllBytesAsync());
    }

    [Fact]
    public async Task An_applicative_mailbox_directs_replies_with_Reply_To()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var secretariat = await CreateUserAsync();
        var letter = Letter(bob.Address, "Résultats disponibles");
        letter.ReplyTo.Add(new Recipient(secretariat.Address.Value, "Secrétariat de biologie"));
        await alice.Box.SendAsync(letter);

        var received = await bob.Box.Messages.ReadAsync((await WaitForMessageAsync(bob.Box, s => s.Subject == "Résultats disponibles")).Ref);
        var replyTo = Assert.Single(received.ReplyTo);
        Assert.Equal(secretariat.Address.Value, replyTo.Address, ignoreCase: true);
        Assert.Equal("Secrétariat de biologie", replyTo.Name);

        var outside = Letter(bob.Address, "Hors espace de confiance");
        outside.ReplyTo.Add(new Recipient("secretariat@gmail.com"));
        var refused = await Assert.ThrowsAsync<MessageRejectedException>(() => alice.Box.SendAsync(outside));
        Assert.Equal("Reply-To recipient 1", Assert.Single(refused.Violations).Target);
    }

    [Fact]
    public async Task The_sender_keeps_exactly_one_copy_in_Sent()
    {
        await using var alice = await OpenNewUserAsync();
        var bob = await CreateUserAsync();
        await alice.Box.SendAsync(Letter(bob.Address, "Copie unique"));
        var sent = await alice.Box.Folders.GetAsync(FolderRole.Sent);
        var copies = (await ListAsync(alice.Box, sent.Path)).Where(s => s.Subject == "Copie unique").ToList();
        var copy = Assert.Single(copies);
        Assert.True(copy.IsRead);
    }

    [Fact]
    public async Task Messages_are_marked_read_and_unread()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await alice.Box.SendAsync(Letter(bob.Address, "À lire"));
        var summary = await WaitForMessageAsync(bob.Box, s => s.Subject == "À lire");

        await bob.Box.Messages.MarkAsReadAsync(summary.Ref);
        Assert.True((await ListAsync(bob.Box)).Single(s => s.Ref == summary.Ref).IsRead);
        Assert.Equal(0, (await bob.Box.Folders.GetAsync(FolderRole.Inbox)).UnreadCount);
        await bob.Box.Messages.MarkAsUnreadAsync(summary.Ref);
        Assert.False((await ListAsync(bob.Box)).Single(s => s.Ref == summary.Ref).IsRead);
    }

    [Fact]
    public async Task Deleting_moves_to_the_Trash_and_deleting_from_the_Trash_removes_for_good()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await alice.Box.SendAsync(Letter(bob.Address, "À supprimer"));
        var summary = await WaitForMessageAsync(bob.Box, s => s.Subject == "À supprimer");

        var inTrash = await bob.Box.Messages.DeleteAsync(summary.Ref);
        var trash = await bob.Box.Folders.GetAsync(FolderRole.Trash);
        Assert.Equal(trash.Path, inTrash!.Value.FolderPath);
        Assert.DoesNotContain(await ListAsync(bob.Box), s => s.Subject == "À supprimer");
        Assert.Contains(await ListAsync(bob.Box, trash.Path), s => s.Subject == "À supprimer");

        Assert.Null(await bob.Box.Messages.DeleteAsync(inTrash.Value));
        Assert.DoesNotContain(await ListAsync(bob.Box, trash.Path), s => s.Subject == "À supprimer");
        await Assert.ThrowsAsync<MssanteMessageNotFoundException>(() => bob.Box.Messages.ReadAsync(inTrash.Value));
    }

    [Fact]
    public async Task A_draft_is_saved_replaced_read_back_and_sent_with_its_Bcc_kept_out_of_the_headers()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await using var carol = await OpenNewUserAsync();
        var drafts = await alice.Box.Folders.GetAsync(FolderRole.Drafts);

        // A first save may have no recipient yet.
        var first = await alice.Box.Drafts.SaveAsync(new OutgoingMessage { Subject = "Compte rendu opératoire", TextBody = "Début" });
        Assert.Equal(drafts.Path, first.FolderPath);
        var letter = Letter(bob.Address, "Compte rendu opératoire", "Début\nSuite");
        letter.Bcc.Add(carol.Address);
        letter.RequestReadReceipt = true;
        letter.Attachments.Add(OutgoingAttachment.FromBytes("cro.pdf", [37, 80, 68, 70, 0, 255], "application/pdf"));
        var forwarded = "From: labo@chu-angers.mssante.fr\r\nSubject: Bilan joint\r\nMessage-ID: <joint@chu-angers.mssante.fr>\r\n\r\nKaliémie 4,1\r\n"u8.ToArray();
        letter.Attachments.Add(OutgoingAttachment.FromBytes("bilan.eml", forwarded, "message/rfc822"));
        letter.IncludeSignature = false;
        var second = await alice.Box.Drafts.SaveAsync(letter, replacing: first);

        var listed = Assert.Single(await ListAsync(alice.Box, drafts.Path));
        Assert.Equal(second, listed.Ref);
        Assert.True(listed.Marks.HasFlag(MessageMarks.Draft));
        var back = await alice.Box.Drafts.ReadAsync(second);
        Assert.Equal("Compte rendu opératoire", back.Subject);
        Assert.Equal(bob.Address.Value, Assert.Single(back.To).Address, ignoreCase: true);
        Assert.Equal(carol.Address.Value, Assert.Single(back.Bcc).Address, ignoreCase: true);
        Assert.Equal("Début\nSuite", back.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n'));
        Assert.True(back.RequestReadReceipt);
        Assert.False(back.IncludeSignature);
        Assert.Equal(["cro.pdf", "bilan.eml"], back.Attachments.Select(a => a.FileName));
        Assert.Equal(6, back.Attachments[0].Length);
        Assert.Equal("message/rfc822", back.Attachments[1].ContentType);

        var result = await alice.Box.Drafts.SendAsync(second);
        Assert.Equal(2, result.AcceptedRecipients.Count);
        Assert.Empty(await ListAsync(alice.Box, drafts.Path));
        var received = await bob.Box.Messages.ReadAsync((await WaitForMessageAsync(bob.Box, s => s.Subject == "Compte rendu opératoire")).Ref);
        Assert.True(received.ReadReceiptRequested);
        Assert.Equal(["cro.pdf", "bilan.eml"], received.Attachments.Select(a => a.FileName));
        Assert.DoesNotContain("X-Esante", received.Mime.Headers.Select(h => h.Field).Aggregate("", string.Concat), StringComparison.OrdinalIgnoreCase);
        var copy = await carol.Box.Messages.ReadAsync((await WaitForMessageAsync(carol.Box, s => s.Subject == "Compte rendu opératoire")).Ref);
        Assert.Empty(copy.Mime.Bcc);
        Assert.Empty(received.Mime.Bcc);
        Assert.Contains(await ListAsync(alice.Box, (await alice.Box.Folders.GetAsync(FolderRole.Sent)).Path), s => s.Subject == "Compte rendu opératoire");
    }

    [Fact]
    public async Task A_draft_without_recipient_is_kept_when_sending_it_is_refused()
    {
        await using var alice = await OpenNewUserAsync();
        var draft = await alice.Box.Drafts.SaveAsync(new OutgoingMessage { Subject = "Sans destinataire", TextBody = "…" });

        var refused = await Assert.ThrowsAsync<MessageRejectedException>(() => alice.Box.Drafts.SendAsync(draft));
        Assert.Contains(refused.Violations, v => v.Code == PolicyViolationCodes.NoRecipient);
        Assert.Single(await ListAsync(alice.Box, draft.FolderPath));
        var inbox = await alice.Box.Folders.GetAsync(FolderRole.Inbox);
        await Assert.ThrowsAsync<ArgumentException>(() => alice.Box.Drafts.SendAsync(new MessageRef(inbox.Path, draft.UidValidity, draft.Uid)));
        await Assert.ThrowsAsync<ArgumentException>(() => alice.Box.Drafts.SaveAsync(Letter(alice.Address, "Ailleurs"), replacing: new MessageRef(inbox.Path, 1, 1)));
    }

    [Fact]
    public async Task Emptying_the_Trash_deletes_its_messages_for_good_and_nothing_else()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        foreach (var subject in new[] { "Ancien 1", "Ancien 2", "À garder" })
        {
            await alice.Box.SendAsync(Letter(bob.Address, subject));
            await WaitForMessageAsync(bob.Box, s => s.Subject == subject);
        }
        foreach (var summary in (await ListAsync(bob.Box)).Where(s => s.Subject!.StartsWith("Ancien", StringComparison.Ordinal)))
        {
            await bob.Box.Messages.DeleteAsync(summary.Ref);
        }

        Assert.Equal(2, await bob.Box.Folders.EmptyTrashAsync());
        Assert.Empty(await ListAsync(bob.Box, (await bob.Box.Folders.GetAsync(FolderRole.Trash)).Path));
        Assert.Equal("À garder", Assert.Single(await ListAsync(bob.Box)).Subject);
        Assert.Equal(0, await bob.Box.Folders.EmptyTrashAsync());
    }

    [Fact]
    public async Task Folders_are_created_renamed_and_deleted_and_messages_move_between_them()
    {
        var alice = await CreateUserAsync();
        await using var box = await OpenOwnAsync(alice);
        await box.SendAsync(Letter(alice.Address, "À classer"));
        var summary = await WaitForMessageAsync(box, s => s.Subject == "À classer");

        var created = await box.Folders.CreateAsync("Cardiologie");
        Assert.Equal(FolderRole.None, created.Role);
        var moved = await box.Messages.MoveAsync(summary.Ref, "Cardiologie");
        Assert.Equal("Cardiologie", moved.FolderPath);
        Assert.Contains(await ListAsync(box, "Cardiologie"), s => s.Subject == "À classer");

        var renamed = await box.Folders.RenameAsync("Cardiologie", "Cardio 2025");
        Assert.Equal("Cardio 2025", renamed.Name);
        Assert.Contains(await ListAsync(box, "Cardio 2025"), s => s.Subject == "À classer");
        Assert.DoesNotContain(await box.Folders.ListAsync(), f => f.Path == "Cardiologie");

        await box.Folders.DeleteAsync("Cardio 2025");
        Assert.DoesNotContain(await box.Folders.ListAsync(), f => f.Path == "Cardio 2025");
        await Assert.ThrowsAsync<MssanteFolderNotFoundException>(async () => await ListAsync(box, "Cardio 2025"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => box.Folders.DeleteAsync((box.Folders.GetAsync(FolderRole.Trash).Result).Path));
    }

    [Fact]
    public async Task The_mailbox_has_the_special_folders_and_reports_a_500_MB_quota()
    {
        var alice = await CreateUserAsync();
        await using var box = await OpenOwnAsync(alice);
        var roles = (await box.Folders.ListAsync()).Select(f => f.Role).ToList();
        Assert.Contains(FolderRole.Inbox, roles);
        Assert.Contains(FolderRole.Sent, roles);
        Assert.Contains(FolderRole.Trash, roles);
        Assert.Contains(FolderRole.Drafts, roles);
        var quota = await box.GetQuotaAsync();
        Assert.Equal(500L * 1024 * 1024, quota.LimitBytes);
        Assert.InRange(quota.UsedBytes, 0, 1024 * 1024);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_clear_error()
    {
        var alice = await CreateUserAsync();
        await using var session = NewSession();
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync(alice.UserName, alice.Password + "x"));
        Assert.Equal(AuthenticationFailure.InvalidCredentials, e.Failure);
        Assert.DoesNotContain(alice.Password, e.Message, StringComparison.Ordinal);
        Assert.Equal(SessionState.SignedOut, session.State);
    }

    [Fact]
    public async Task Signing_in_with_a_bearer_token_opens_the_mailbox()
    {
        var alice = await CreateUserAsync();
        await using var session = NewSession();
        var calls = 0;
        await session.SignInWithTokenAsync(alice.Address.Value, _ =>
        {
            calls++;
            return ValueTask.FromResult(IssueToken(alice, TimeSpan.FromMinutes(2)));
        });
        Assert.Equal(SessionState.SignedIn, session.State);
        await using var box = await session.OpenMailboxAsync(alice.Address);
        Assert.Contains(await box.Folders.ListAsync(), f => f.Role == FolderRole.Inbox);
        Assert.True(calls >= 1);
    }

    [Fact]
    public async Task An_expired_token_is_refused_as_expired_and_a_forged_one_as_refused()
    {
        var alice = await CreateUserAsync();
        await using var session = NewSession();
        var expired = await Assert.ThrowsAsync<MssanteAuthenticationException>(
            () => session.SignInWithTokenAsync(alice.Address.Value, _ => ValueTask.FromResult(IssueToken(alice, TimeSpan.FromMinutes(-5)))));
        Assert.Equal(AuthenticationFailure.TokenExpired, expired.Failure);
        var forged = await Assert.ThrowsAsync<MssanteAuthenticationException>(
            () => session.SignInWithTokenAsync(alice.Address.Value, _ => ValueTask.FromResult(IssueToken(alice, TimeSpan.FromMinutes(2), validSignature: false))));
        Assert.Equal(AuthenticationFailure.InvalidCredentials, forged.Failure);
        Assert.Equal(SessionState.SignedOut, session.State);
    }

    [Fact]
    public async Task Signing_in_with_a_client_certificate_opens_the_mailbox_and_sends()
    {
        var robot = await CreateUserAsync();
        await using var bob = await OpenNewUserAsync();
        using var certificate = IssueClientCertificate(robot);
        await using var session = NewSession();
        await session.SignInWithCertificateAsync(certificate);
        Assert.Equal(SessionState.SignedIn, session.State);
        await using var box = await session.OpenMailboxAsync(robot.Address);
        await box.SendAsync(Letter(bob.Address, "Résultats automatiques"));
        var received = await WaitForMessageAsync(bob.Box, s => s.Subject == "Résultats automatiques");
        Assert.Equal(robot.Address.Value, received.From!.Address, ignoreCase: true);
    }

    [Fact]
    public async Task A_certificate_the_operator_does_not_know_is_refused()
    {
        var robot = await CreateUserAsync();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={robot.Address.Value}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var stranger = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await using var session = NewSession();
        // Refused during the TLS handshake or at SASL EXTERNAL, depending on the server: never signed in.
        var e = await Assert.ThrowsAnyAsync<MssanteException>(() => session.SignInWithCertificateAsync(stranger));
        Assert.True(e is MssanteAuthenticationException or MssanteConnectionException, e.ToString());
        Assert.Equal(SessionState.SignedOut, session.State);
    }

    [Fact]
    public async Task A_delegate_opens_the_organisational_mailbox_and_sends_under_the_structures_address()
    {
        var delegated = await CreateUserAsync();
        await using var colleague = await OpenNewUserAsync();
        var org = await CreateOrganisationalMailboxAsync(delegated);
        await using var session = await SignInAsync(delegated);

        var mailboxes = await session.ListMailboxesAsync();
        Assert.Contains(mailboxes, m => m.Address == org && m.Kind == MailboxKind.Organisational && !m.IsOwn);
        await using var orgBox = await session.OpenMailboxAsync(org);
        var sent = await orgBox.SendAsync(Letter(colleague.Address, "Depuis la structure"));
        Assert.Null(sent.SentCopyError);
        var orgSent = await orgBox.Folders.GetAsync(FolderRole.Sent);
        Assert.Contains(await ListAsync(orgBox, orgSent.Path), s => s.Subject == "Depuis la structure");

        var summary = await WaitForMessageAsync(colleague.Box, s => s.Subject == "Depuis la structure");
        Assert.Equal(org.Value, summary.From!.Address, ignoreCase: true);
    }

    [Fact]
    public async Task A_person_who_is_not_a_delegate_cannot_open_the_organisational_mailbox()
    {
        var delegated = await CreateUserAsync();
        var outsider = await CreateUserAsync();
        var org = await CreateOrganisationalMailboxAsync(delegated);
        await using var session = await SignInAsync(outsider);
        Assert.DoesNotContain(await session.ListMailboxesAsync(), m => m.Address == org);
        await Assert.ThrowsAsync<MailboxAccessDeniedException>(() => session.OpenMailboxAsync(org));
    }

    [Fact]
    public async Task An_unknown_recipient_is_refused_by_name_and_nothing_is_sent()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var unknown = MssanteAddress.Parse($"personne-{Guid.NewGuid():N}@{HostedDomain}");
        var letter = Letter(bob.Address, "Envoi partiel ?");
        letter.To.Add(unknown);

        var e = await Assert.ThrowsAsync<RecipientsRejectedException>(() => alice.Box.SendAsync(letter));
        Assert.Equal(unknown.Value, Assert.Single(e.Recipients).Address, ignoreCase: true);
        var sent = await alice.Box.Folders.GetAsync(FolderRole.Sent);
        Assert.DoesNotContain(await ListAsync(alice.Box, sent.Path), s => s.Subject == "Envoi partiel ?");
        await Task.Delay(300);
        Assert.DoesNotContain(await ListAsync(bob.Box), s => s.Subject == "Envoi partiel ?");
    }

    [Fact]
    public async Task A_full_mailbox_refuses_to_store_more_with_a_clear_error()
    {
        await using var alice = await OpenNewUserAsync(quotaBytes: 64 * 1024);
        var bob = await CreateUserAsync();
        var letter = Letter(bob.Address, "Trop gros pour Envoyés");
        letter.Attachments.Add(OutgoingAttachment.FromBytes("scan.bin", new byte[200 * 1024]));
        var e = await Assert.ThrowsAnyAsync<MssanteException>(() => alice.Box.SendAsync(letter));
        Assert.True(e is QuotaExceededException, $"Expected a quota error, got {e.GetType().Name}: {e.Message}");
    }

    /// <summary>Bob's inbox gets a letter with a PDF from Alice, then a message whose body has « From » lines.</summary>
    private async Task ReceiveABilanAndFromLinesAsync(OpenUser alice, OpenUser bob)
    {
        var letter = Letter(bob.Address, "Bilan sanguin");
        letter.Attachments.Add(OutgoingAttachment.FromBytes("bilan.pdf", [37, 80, 68, 70, 0, 255], "application/pdf"));
        await alice.Box.SendAsync(letter);
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Bilan sanguin");
        await DeliverRawAsync(bob, System.Text.Encoding.ASCII.GetBytes(RawWithFromLines(alice, bob)));
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Lignes From");
    }

    [Fact]
    public async Task A_folder_exports_to_mbox_with_its_From_lines_quoted_and_nothing_marked_read()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await ReceiveABilanAndFromLinesAsync(alice, bob);

        using var mbox = new MemoryStream();
        Assert.Equal(2, await bob.Box.Folders.ExportAsync(null, mbox));

        var text = System.Text.Encoding.UTF8.GetString(mbox.ToArray());
        var separators = text.Split('\n').Where(line => line.StartsWith("From ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, separators.Count);
        Assert.All(separators, line => Assert.StartsWith($"From {alice.Address.Value} ", line, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("\n>From the lab, 9 h\n>>From an earlier reply\n", text, StringComparison.Ordinal);
        mbox.Position = 0;
        var parser = new MimeKit.MimeParser(mbox, MimeKit.MimeFormat.Mbox);
        using var first = await parser.ParseMessageAsync();
        using var second = await parser.ParseMessageAsync();
        Assert.True(parser.IsEndOfStream);
        Assert.Equal("Bilan sanguin", first.Subject);
        var pdf = Assert.IsType<MimeKit.MimePart>(Assert.Single(first.Attachments));
        using var bytes = new MemoryStream();
        await pdf.Content!.DecodeToAsync(bytes);
        Assert.Equal(new byte[] { 37, 80, 68, 70, 0, 255 }, bytes.ToArray());
        Assert.Equal("Lignes From", second.Subject);
        Assert.Equal("Résultat\nFrom the lab, 9 h\n>From an earlier reply\nFin", Unquote(second.TextBody!));
        Assert.All(await ListAsync(bob.Box), summary => Assert.False(summary.IsRead));
    }

    [Fact]
    public async Task A_folder_exports_to_a_zip_of_eml_files_named_by_position()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await DeliverRawAsync(bob, System.Text.Encoding.ASCII.GetBytes(RawWithFromLines(alice, bob)));
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Lignes From");
        await alice.Box.SendAsync(Letter(bob.Address, "Deuxième"));
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Deuxième");
        var archive = await bob.Box.Folders.CreateAsync("Archives 2026");
        Assert.Equal(0, await bob.Box.Folders.ExportAsync(archive.Path, new MemoryStream(), MailboxExportFormat.EmlZip));

        using var file = new MemoryStream();
        Assert.Equal(2, await bob.Box.Folders.ExportAsync("INBOX", file, MailboxExportFormat.EmlZip));

        file.Position = 0;
        using var zip = new System.IO.Compression.ZipArchive(file, System.IO.Compression.ZipArchiveMode.Read);
        Assert.Equal(["00001.eml", "00002.eml"], zip.Entries.Select(e => e.FullName));
        var subjects = new List<string>();
        foreach (var entry in zip.Entries)
        {
            using var content = entry.Open();
            using var message = await MimeKit.MimeMessage.LoadAsync(content);
            subjects.Add(message.Subject!);
            if (message.Subject == "Lignes From")
            {
                Assert.Equal("Résultat\nFrom the lab, 9 h\n>From an earlier reply\nFin", message.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n'));
            }
        }
        Assert.Equal(["Lignes From", "Deuxième"], subjects);
        await Assert.ThrowsAsync<MssanteFolderNotFoundException>(() => bob.Box.Folders.ExportAsync("Pas de dossier", new MemoryStream()));
    }

    [Theory]
    [InlineData(MailboxExportFormat.Mbox)]
    [InlineData(MailboxExportFormat.EmlZip)]
    public async Task A_folder_exported_from_one_mailbox_imports_into_a_folder_of_another_and_reads_back_the_same(MailboxExportFormat format)
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await ReceiveABilanAndFromLinesAsync(alice, bob);
        var originals = await ListAsync(bob.Box);
        using var file = new MemoryStream();
        Assert.Equal(2, await bob.Box.Folders.ExportAsync(null, file, format));
        var archive = await alice.Box.Folders.CreateAsync("Archives de Bob");
        file.Position = 0;

        var result = await alice.Box.Folders.ImportAsync(archive.Path, file, format);

        Assert.Equal(2, result.Imported);
        Assert.Empty(result.Skipped);
        var imported = await ListAsync(alice.Box, archive.Path);
        Assert.Equal(["Bilan sanguin", "Lignes From"], imported.Select(s => s.Subject));
        Assert.All(imported, summary => Assert.True(summary.IsRead));
        // Dated as they arrived in the exported mailbox (the zip keeps times to 2 s), not as imported.
        for (var i = 0; i < imported.Count; i++)
        {
            Assert.InRange(imported[i].ReceivedAt - originals[i].ReceivedAt, TimeSpan.FromSeconds(-2), TimeSpan.FromSeconds(2));
        }
        for (var i = 0; i < imported.Count; i++)
        {
            Assert.Equal((await bob.Box.Messages.ReadAsync(originals[i].Ref)).MessageId, (await alice.Box.Messages.ReadAsync(imported[i].Ref)).MessageId);
        }
        var bilan = await alice.Box.Messages.ReadAsync(imported[0].Ref);
        var pdf = Assert.IsType<MimeKit.MimePart>(Assert.Single(bilan.Mime.Attachments));
        using (var bytes = new MemoryStream())
        {
            await pdf.Content!.DecodeToAsync(bytes);
            Assert.Equal(new byte[] { 37, 80, 68, 70, 0, 255 }, bytes.ToArray());
        }
        var fromLines = await alice.Box.Messages.ReadAsync(imported[1].Ref);
        Assert.Equal("Résultat\nFrom the lab, 9 h\n>From an earlier reply\nFin", fromLines.Mime.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n'));
        await Assert.ThrowsAsync<MssanteFolderNotFoundException>(() => alice.Box.Folders.ImportAsync("Pas de dossier", new MemoryStream(file.ToArray()), format));
        Assert.Equal(2, (await ListAsync(alice.Box, archive.Path)).Count);
    }

    [Fact]
    public async Task A_read_receipt_asked_for_goes_back_once_and_the_sender_reads_what_it_reports()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var letter = Letter(bob.Address, "CR consultation");
        letter.RequestReadReceipt = true;
        letter.Attachments.Add(OutgoingAttachment.FromBytes("cr.pdf", [37, 80, 68, 70], "application/pdf"));
        var sent = await alice.Box.SendAsync(letter);
        var received = await WaitForMessageAsync(bob.Box, s => s.Subject == "CR consultation");
        Assert.True((await bob.Box.Messages.ReadAsync(received.Ref)).ReadReceiptRequested);

        var receipt = await bob.Box.Messages.SendReadReceiptAsync(received.Ref, ReadReceipt.Processed);

        var mdnSummary = await WaitForMessageAsync(alice.Box, s => s.Subject == "CR consultation");
        var mdn = await alice.Box.Messages.ReadAsync(mdnSummary.Ref);
        Assert.Equal(receipt.MessageId, mdn.MessageId);
        Assert.Equal("<>", mdn.Mime.Headers[MimeKit.HeaderId.ReturnPath]?.Trim());
        var report = Assert.IsType<DispositionReport>(mdn.DispositionReport);
        Assert.Equal(sent.MessageId, report.OriginalMessageId);
        Assert.Equal(bob.Address.Value, report.FinalRecipient, ignoreCase: true);
        Assert.Equal("automatic-action/MDN-sent-automatically; processed", report.Disposition);
        Assert.Equal("processed", report.DispositionType);
        Assert.False(report.IsError);
        var parts = Assert.IsType<MimeKit.MultipartReport>(mdn.Mime.Body);
        var embedded = Assert.IsType<MimeKit.MessagePart>(parts[2]);
        Assert.Equal(sent.MessageId, embedded.Message!.MessageId);
        Assert.Single(embedded.Message.Attachments);
        // The volet: the original's PDF (and IHE_XDM.zip) attached again to the MDN, after the original.
        var again = Assert.IsType<MimeKit.MimePart>(Assert.Single(parts.Skip(3)));
        Assert.Equal("cr.pdf", again.FileName);
        Assert.Equal(new byte[] { 37, 80, 68, 70 }, await Assert.Single(mdn.Attachments, a => a.FileName == "cr.pdf").ReadAllBytesAsync());
        Assert.Contains("$MDNSent", (await ListAsync(bob.Box)).Single(s => s.Ref == received.Ref).Keywords);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bob.Box.Messages.SendReadReceiptAsync(received.Ref, ReadReceipt.Displayed));
    }

    [Fact]
    public async Task A_failed_integration_is_reported_with_its_error_and_the_KO_subject()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var letter = Letter(bob.Address, "XDM/1.0/DDM+CR d'imagerie MARTIN Claire 12/03/1979");
        letter.RequestReadReceipt = true;
        var sent = await alice.Box.SendAsync(letter);
        var received = await WaitForMessageAsync(bob.Box, s => s.Subject == letter.Subject);

        await bob.Box.Messages.SendReadReceiptAsync(received.Ref, ReadReceipt.IntegrationFailed("902^Identifiant de patient inconnu^applicationErrorCondition"));

        var mdnSummary = await WaitForMessageAsync(alice.Box, s => s.Subject?.StartsWith("[KO", StringComparison.Ordinal) == true);
        Assert.Equal("[KO Intégration système !][902] " + letter.Subject, mdnSummary.Subject);
        var report = (await alice.Box.Messages.ReadAsync(mdnSummary.Ref)).DispositionReport!;
        Assert.Equal(sent.MessageId, report.OriginalMessageId);
        Assert.Equal("automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu^applicationErrorCondition", report.Disposition);
        Assert.True(report.IsError);
        Assert.Equal("902^Identifiant de patient inconnu^applicationErrorCondition", report.Error);
        Assert.Equal("902", report.ErrorCode);
    }

    [Fact]
    public async Task A_receipt_is_refused_when_none_was_asked_and_automatic_ones_only_go_to_the_Return_Path()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await alice.Box.SendAsync(Letter(bob.Address, "Sans accusé"));
        var plain = await WaitForMessageAsync(bob.Box, s => s.Subject == "Sans accusé");
        await Assert.ThrowsAsync<InvalidOperationException>(() => bob.Box.Messages.SendReadReceiptAsync(plain.Ref, ReadReceipt.Displayed));

        // Delivered from the null sender (Return-Path <>) but asking for a receipt at Alice's: only a person may agree to it.
        var raw = string.Join("\r\n",
            "From: " + alice.Address.Value,
            "To: " + bob.Address.Value,
            "Subject: Accusé vers une autre adresse",
            "Disposition-Notification-To: " + alice.Address.Value,
            "Message-ID: <" + Guid.NewGuid().ToString("N") + "@mdn.test>",
            "Date: Thu, 26 Nov 2026 09:00:00 +0100",
            "",
            "Bonjour",
            "");
        await DeliverRawAsync(bob, System.Text.Encoding.UTF8.GetBytes(raw));
        var asked = await WaitForMessageAsync(bob.Box, s => s.Subject == "Accusé vers une autre adresse");
        await Assert.ThrowsAsync<InvalidOperationException>(() => bob.Box.Messages.SendReadReceiptAsync(asked.Ref, ReadReceipt.Processed));
        await bob.Box.Messages.SendReadReceiptAsync(asked.Ref, ReadReceipt.Processed.ConfirmedByUser());
        var report = (await alice.Box.Messages.ReadAsync((await WaitForMessageAsync(alice.Box, s => s.Subject == "Accusé vers une autre adresse")).Ref)).DispositionReport!;
        Assert.Equal("automatic-action/MDN-sent-manually; processed", report.Disposition);
    }

    [Fact]
    public async Task The_out_of_office_reply_answers_each_sender_once_within_its_days_and_stops_when_removed()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await using var carol = await OpenNewUserAsync();
        var today = DateOnly.FromDateTime(DateTime.Now);
        var absent = new AutoReply("Absence du Dr Bob", "Je suis absent jusqu'au 4 janvier.\nEn cas d'urgence, écrivez au secrétariat.")
        {
            FirstDay = today.AddDays(-1),
            LastDay = today.AddDays(1),
        };
        await bob.Box.Settings.SetRulesAsync(new MailboxRules { AutoReply = absent });
        Assert.Equal(absent, (await bob.Box.Settings.GetRulesAsync()).AutoReply);

        await alice.Box.SendAsync(Letter(bob.Address, "Demande d'avis 1"));
        var reply = await WaitForMessageAsync(alice.Box, s => s.Subject == "Absence du Dr Bob");
        Assert.Equal(bob.Address.Value, reply.From!.Address, ignoreCase: true);
        Assert.Contains("absent jusqu'au 4 janvier", (await alice.Box.Messages.ReadAsync(reply.Ref)).TextBody, StringComparison.Ordinal);
        await alice.Box.SendAsync(Letter(bob.Address, "Demande d'avis 2"));
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Demande d'avis 2");

        // Not yet in force: no reply to Carol.
        await bob.Box.Settings.SetRulesAsync(new MailboxRules { AutoReply = absent with { FirstDay = today.AddDays(2), LastDay = today.AddDays(9) } });
        await carol.Box.SendAsync(Letter(bob.Address, "Demande d'avis 3"));
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Demande d'avis 3");
        await bob.Box.Settings.SetRulesAsync(MailboxRules.None);
        Assert.Equal(MailboxRules.None, await bob.Box.Settings.GetRulesAsync());
        await carol.Box.SendAsync(Letter(bob.Address, "Demande d'avis 4"));
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Demande d'avis 4");

        await Task.Delay(1000); // a real operator answers asynchronously: leave room for replies that should not come
        Assert.Single(await ListAsync(alice.Box), s => s.Subject == "Absence du Dr Bob");
        Assert.DoesNotContain(await ListAsync(carol.Box), s => s.Subject == "Absence du Dr Bob");
    }

    [Fact]
    public async Task The_notification_address_is_told_of_a_new_message_without_anything_of_its_content()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await using var carol = await OpenNewUserAsync();
        await bob.Box.Settings.SetRulesAsync(new MailboxRules { NotificationAddress = carol.Address.Value });
        Assert.Equal(carol.Address.Value, (await bob.Box.Settings.GetRulesAsync()).NotificationAddress);

        await alice.Box.SendAsync(Letter(bob.Address, "IRM lombaire de M. Durand", "Hernie discale L4-L5."));

        var notice = await WaitForMessageAsync(carol.Box, _ => true);
        var text = notice.Subject + "\n" + (await carol.Box.Messages.ReadAsync(notice.Ref)).Mime.ToString();
        Assert.Contains(bob.Address.Value, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("IRM", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Durand", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Hernie", text, StringComparison.Ordinal);
        Assert.DoesNotContain(alice.Address.Value, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarding_sends_each_new_message_on_whole_and_keeps_the_local_copy_only_when_asked()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await using var carol = await OpenNewUserAsync();
        await bob.Box.Settings.SetRulesAsync(new MailboxRules { ForwardTo = carol.Address.Value });
        var rules = await bob.Box.Settings.GetRulesAsync();
        Assert.Equal(carol.Address.Value, rules.ForwardTo);
        Assert.True(rules.KeepForwardedCopy);

        var kept = Letter(bob.Address, "Bilan gardé", "Kaliémie 4,1 mmol/L");
        kept.Attachments.Add(OutgoingAttachment.FromBytes("bilan.pdf", [37, 80, 68, 70], "application/pdf"));
        await alice.Box.SendAsync(kept);
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Bilan gardé");
        var copy = await carol.Box.Messages.ReadAsync((await WaitForMessageAsync(carol.Box, s => s.Subject == "Bilan gardé")).Ref);
        Assert.Equal(alice.Address.Value, copy.Summary.From!.Address, ignoreCase: true);
        Assert.Equal(bob.Address.Value, Assert.Single(copy.To).Address, ignoreCase: true);
        Assert.Equal("bilan.pdf", Assert.Single(copy.Attachments).FileName);

        await bob.Box.Settings.SetRulesAsync(new MailboxRules { ForwardTo = carol.Address.Value, KeepForwardedCopy = false });
        Assert.False((await bob.Box.Settings.GetRulesAsync()).KeepForwardedCopy);
        await alice.Box.SendAsync(Letter(bob.Address, "Bilan transmis"));
        await WaitForMessageAsync(carol.Box, s => s.Subject == "Bilan transmis");
        Assert.DoesNotContain(await ListAsync(bob.Box), s => s.Subject == "Bilan transmis");

        await bob.Box.Settings.SetRulesAsync(MailboxRules.None);
        await alice.Box.SendAsync(Letter(bob.Address, "Plus transmis"));
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Plus transmis");
        Assert.DoesNotContain(await ListAsync(carol.Box), s => s.Subject == "Plus transmis");
    }

    [Fact]
    public async Task Two_mailboxes_forwarding_to_each_other_stop_and_the_message_stays_in_the_first()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await using var carol = await OpenNewUserAsync();
        await alice.Box.Settings.SetRulesAsync(new MailboxRules { ForwardTo = bob.Address.Value, KeepForwardedCopy = false });
        await bob.Box.Settings.SetRulesAsync(new MailboxRules { ForwardTo = alice.Address.Value, KeepForwardedCopy = false });

        await carol.Box.SendAsync(Letter(alice.Address, "Aller-retour"));

        await WaitForMessageAsync(alice.Box, s => s.Subject == "Aller-retour");
        Assert.Single(await ListAsync(alice.Box), s => s.Subject == "Aller-retour");
        Assert.DoesNotContain(await ListAsync(bob.Box), s => s.Subject == "Aller-retour");
    }

    [Theory]
    [InlineData("medecin@gmail.com")]
    [InlineData("279035121518980@patient.mssante.fr")]
    [InlineData("pas une adresse")]
    public async Task Forwarding_outside_the_professional_trust_space_is_refused(string address)
    {
        await using var alice = await OpenNewUserAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => alice.Box.Settings.SetRulesAsync(new MailboxRules { ForwardTo = address }));
        Assert.DoesNotContain("279035121518980", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => alice.Box.Settings.SetRulesAsync(new MailboxRules { ForwardTo = alice.Address.Value }));
        Assert.Null((await alice.Box.Settings.GetRulesAsync()).ForwardTo);
    }

    [Fact]
    public async Task With_its_rules_set_the_mailbox_files_patients_messages_apart()
    {
        await using var bob = await OpenNewUserAsync();
        await bob.Box.Settings.SetRulesAsync(MailboxRules.None);
        var raw = string.Join("\r\n",
            "From: 279035121518989@patient.mssante.fr",
            "To: " + bob.Address.Value,
            "Subject: Question sur mon traitement",
            "Message-ID: <" + Guid.NewGuid().ToString("N") + "@patient.mssante.fr>",
            "Date: Thu, 26 Nov 2026 09:00:00 +0100",
            "",
            "Bonjour docteur",
            "");
        await DeliverRawAsync(bob, System.Text.Encoding.UTF8.GetBytes(raw));

        var folder = await bob.Box.Folders.GetAsync(FolderRole.PatientExchanges);
        await WaitForMessageAsync(bob.Box, s => s.Subject == "Question sur mon traitement", folder.Path);
        Assert.DoesNotContain(await ListAsync(bob.Box), s => s.Subject == "Question sur mon traitement");
    }

    [Fact]
    public async Task A_delegate_sets_the_rules_of_an_organisational_mailbox_but_cannot_share_its_folders()
    {
        var alice = await CreateUserAsync();
        var org = await CreateOrganisationalMailboxAsync(alice);
        await using var orgBox = await (await SignInAsync(alice)).OpenMailboxAsync(org);
        // The rules are the mailbox's, set by its delegate (who signs in for it).
        await orgBox.Settings.SetRulesAsync(new MailboxRules { NotificationAddress = alice.Address.Value });
        Assert.Equal(alice.Address.Value, (await orgBox.Settings.GetRulesAsync()).NotificationAddress);
        // Not its folders' sharing: delegates have every right but administering them.
        var other = await CreateUserAsync();
        var sent = await orgBox.Folders.GetAsync(FolderRole.Sent);
        await Assert.ThrowsAsync<MailboxAccessDeniedException>(() => orgBox.Folders.ShareAsync(sent.Path, other.Address, ShareRole.Viewer));
    }

    [Fact]
    public async Task Long_signatures_and_many_tags_are_kept_whole_and_shorter_ones_replace_them()
    {
        // Found by the 60 s concurrency run: a setting past 4 KB was written, then could never be read (MailKit reads no
        // longer string from a server), which broke every later read of it.
        await using var alice = await OpenNewUserAsync();
        var line = "Dr Éloïse MARTIN — Cardiologie, CH de Cholet 🫀 ";
        var signatures = new MailboxSignatures
        {
            Signatures = [new MailboxSignature("Longue", string.Concat(Enumerable.Repeat(line, 200))), new MailboxSignature("Court", "É. M.")],
            DefaultName = "Longue",
        };
        await alice.Box.Settings.SetSignaturesAsync(signatures);
        for (var i = 0; i < 120; i++)
        {
            await alice.Box.Tags.CreateAsync($"Étiquette numéro {i:000}", "#D93025");
        }
        await using (var again = await OpenOwnAsync(alice))
        {
            Assert.Equal(signatures, await again.Settings.GetSignaturesAsync());
            Assert.Equal(120, (await again.Tags.ListAsync()).Count);
        }

        var shorter = new MailboxSignatures { Signatures = [new MailboxSignature("Court", "É. M.")], DefaultName = "Court" };
        await alice.Box.Settings.SetSignaturesAsync(shorter);
        await using (var again = await OpenOwnAsync(alice))
        {
            Assert.Equal(shorter, await again.Settings.GetSignaturesAsync());
        }
    }

    [Fact]
    public async Task Signatures_are_kept_at_the_operator_and_end_each_message_sent()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var signatures = new MailboxSignatures
        {
            Signatures = [new MailboxSignature("Consultation", "Dr Alice MARTIN\nCardiologie, CH de Cholet"), new MailboxSignature("Court", "A. M.")],
            DefaultName = "Consultation",
            Position = SignaturePosition.AboveQuotedText,
        };
        await alice.Box.Settings.SetSignaturesAsync(signatures);
        await using (var again = await OpenOwnAsync(alice))
        {
            Assert.Equal(signatures, await again.Settings.GetSignaturesAsync());
        }

        await alice.Box.SendAsync(Letter(bob.Address, "Signée par défaut", "Bonjour."));
        var chosen = Letter(bob.Address, "Signée court", "Bonjour.");
        chosen.SignatureName = "court";
        await alice.Box.SendAsync(chosen);
        var unsigned = Letter(bob.Address, "Sans signature", "Bonjour.");
        unsigned.IncludeSignature = false;
        await alice.Box.SendAsync(unsigned);
        var unknown = Letter(bob.Address, "Signature inconnue", "Bonjour.");
        unknown.SignatureName = "Vacances";
        var refused = await Assert.ThrowsAsync<Esante.MsSante.MessageRejectedException>(() => alice.Box.SendAsync(unknown));
        Assert.Contains(refused.Violations, v => v.Code == Esante.MsSante.PolicyViolationCodes.SignatureUnknown);

        async Task<string> BodyOf(string subject) =>
            (await bob.Box.Messages.ReadAsync((await WaitForMessageAsync(bob.Box, s => s.Subject == subject)).Ref)).TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        Assert.Equal("Bonjour.\n-- \nDr Alice MARTIN\nCardiologie, CH de Cholet", await BodyOf("Signée par défaut"));
        Assert.Equal("Bonjour.\n-- \nA. M.", await BodyOf("Signée court"));
        Assert.Equal("Bonjour.", await BodyOf("Sans signature"));
    }

    [Fact]
    public async Task Tags_are_created_put_on_messages_taken_off_and_deleted()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await alice.Box.SendAsync(Letter(bob.Address, "Kaliémie à contrôler"));
        var message = await WaitForMessageAsync(bob.Box, s => s.Subject == "Kaliémie à contrôler");

        var urgent = await bob.Box.Tags.CreateAsync("Urgent labo", "#d93025");
        Assert.Equal(new MessageTag("Urgent labo", "#D93025"), urgent);
        Assert.Equal("Urgent_20labo", urgent.Keyword);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bob.Box.Tags.CreateAsync("urgent LABO", "#000000"));
        await Assert.ThrowsAsync<ArgumentException>(() => bob.Box.Tags.CreateAsync("Rouge", "red"));
        await Assert.ThrowsAsync<ArgumentException>(() => bob.Box.Messages.TagAsync(message.Ref, "Inconnu"));

        await bob.Box.Messages.TagAsync(message.Ref, "Urgent labo");
        Assert.Contains(urgent.Keyword, (await ListAsync(bob.Box)).Single(s => s.Ref == message.Ref).Keywords);
        await bob.Box.Messages.UntagAsync(message.Ref, "Urgent labo");
        Assert.DoesNotContain(urgent.Keyword, (await ListAsync(bob.Box)).Single(s => s.Ref == message.Ref).Keywords);

        await bob.Box.Messages.TagAsync(message.Ref, "urgent labo");
        await bob.Box.Tags.DeleteAsync("Urgent labo");
        Assert.Empty(await bob.Box.Tags.ListAsync());
        Assert.DoesNotContain(urgent.Keyword, (await ListAsync(bob.Box)).Single(s => s.Ref == message.Ref).Keywords);
    }

    [Fact]
    public async Task The_delegates_of_an_organisational_mailbox_share_its_signatures_and_tags()
    {
        var alice = await CreateUserAsync();
        var bob = await CreateUserAsync();
        var org = await CreateOrganisationalMailboxAsync(alice, bob);
        await using var aliceOrg = await (await SignInAsync(alice)).OpenMailboxAsync(org);
        await using var bobOrg = await (await SignInAsync(bob)).OpenMailboxAsync(org);

        await aliceOrg.Settings.SetSignaturesAsync(new MailboxSignatures { Signatures = [new MailboxSignature("Secrétariat", "Secrétariat de cardiologie")], DefaultName = "Secrétariat" });
        await aliceOrg.Tags.CreateAsync("À rappeler", "#1A73E8");

        Assert.Equal("Secrétariat de cardiologie", (await bobOrg.Settings.GetSignaturesAsync()).Find("secrétariat")?.Text);
        Assert.Equal("À rappeler", Assert.Single(await bobOrg.Tags.ListAsync()).Name);
    }

    [Fact]
    public async Task Contact_folders_keep_vcards_that_are_added_listed_and_deleted()
    {
        var alice = await CreateUserAsync();
        await using var box = await OpenOwnAsync(alice);
        await box.Contacts.CreateFolderAsync("Cardiologues");
        await box.Contacts.CreateFolderAsync("Laboratoires");
        await Assert.ThrowsAsync<InvalidOperationException>(() => box.Contacts.CreateFolderAsync("Cardiologues"));
        Assert.Equal(["Cardiologues", "Laboratoires"], await box.Contacts.ListFoldersAsync());
        // Listed with the mail folders, marked as contacts so that a mail application leaves them out; deleted as folders are.
        var folders = await box.Folders.ListAsync();
        Assert.Equal(FolderRole.Contacts, Assert.Single(folders, f => f.Path == "Contacts/Cardiologues").Role);
        Assert.Equal(FolderRole.Contacts, Assert.Single(folders, f => f.Path == "Contacts").Role);
        Assert.Equal("Contacts", (await box.Folders.GetAsync(FolderRole.Contacts)).Path);
        Assert.DoesNotContain(folders, f => f.Role == FolderRole.Contacts && f.Path.StartsWith("INBOX", StringComparison.OrdinalIgnoreCase));
        await box.Contacts.CreateFolderAsync("Anciens");
        await box.Folders.DeleteAsync("Contacts/Anciens");
        Assert.Equal(["Cardiologues", "Laboratoires"], await box.Contacts.ListFoldersAsync());

        var goudal = new Esante.MsSante.Contact("Dr Adeline GOUDAL")
        {
            Email = "adeline.goudal@chu-nantes.mssante.fr",
            Phone = "+33 2 40 08 33 33",
            Organisation = "CHU de Nantes; site Hôtel-Dieu",
            Title = "Pharmacien, biologiste",
            NationalId = "810102293320",
            Note = "Préfère les comptes rendus en PDF.\nJoignable le matin : 8h\\12h.",
        };
        var martin = new Esante.MsSante.Contact("Jean MARTIN") { Email = "jean.martin@chu-angers.mssante.fr" };
        await box.Contacts.AddAsync("Cardiologues", goudal);
        var second = await box.Contacts.AddAsync("Cardiologues", martin);

        Assert.Equal([goudal, martin], (await box.Contacts.ListAsync("Cardiologues")).Select(c => c.Contact));
        await box.Contacts.DeleteAsync(second);
        Assert.Equal([goudal], (await box.Contacts.ListAsync("Cardiologues")).Select(c => c.Contact));
        Assert.Empty(await box.Contacts.ListAsync("Laboratoires"));
        await Assert.ThrowsAsync<MssanteFolderNotFoundException>(() => box.Contacts.ListAsync("Inconnu"));
        await Assert.ThrowsAsync<ArgumentException>(() => box.Contacts.AddAsync("Cardiologues", new Esante.MsSante.Contact("Nom\r\nBcc: x@y.fr")));
    }

    [Fact]
    public async Task Sharing_with_a_notice_tells_the_colleague_who_shares_what_with_which_role()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        await alice.Box.Contacts.CreateFolderAsync("Cardiologues");

        await alice.Box.Folders.ShareAsync("Contacts/Cardiologues", bob.Address, ShareRole.Manager, sendNotice: true);

        var notice = await WaitForMessageAsync(bob.Box, s => s.Subject == "Partage : Cardiologues");
        Assert.Equal(alice.Address.Value, notice.From!.Address, ignoreCase: true);
        var text = (await bob.Box.Messages.ReadAsync(notice.Ref)).TextBody!;
        Assert.Contains("le dossier de contacts « Cardiologues »", text, StringComparison.Ordinal);
        Assert.Contains("Gestionnaire", text, StringComparison.Ordinal);
        Assert.Contains(alice.Address.Value, text, StringComparison.OrdinalIgnoreCase);
        var grant = Assert.Single(await alice.Box.Folders.GetSharesAsync("Contacts/Cardiologues"));
        Assert.True(grant.Role == ShareRole.Manager, grant.Rights);
    }

    [Fact]
    public async Task A_shared_contact_folder_serves_the_colleague_with_the_rights_of_their_role_and_no_more()
    {
        await using var alice = await OpenNewUserAsync();
        var bob = await CreateUserAsync();
        await alice.Box.Contacts.CreateFolderAsync("Cardiologues");
        await alice.Box.Contacts.AddAsync("Cardiologues", new Esante.MsSante.Contact("Dr Jean MARTIN") { Email = "jean.martin@chu-angers.mssante.fr" });

        await alice.Box.Folders.ShareAsync("Contacts/Cardiologues", bob.Address, ShareRole.Viewer);

        var share = Assert.Single(await alice.Box.Folders.GetSharesAsync("Contacts/Cardiologues"));
        Assert.Equal(bob.Address.Value, share.Grantee, ignoreCase: true);
        Assert.Equal(ShareRole.Viewer, share.Role);
        var bobSession = await SignInAsync(bob);
        var seen = Assert.Single(await bobSession.ListMailboxesAsync(), m => m.Address == alice.Address);
        Assert.Equal(MailboxKind.Personal, seen.Kind);
        Assert.False(seen.IsOwn);
        await using var shared = await bobSession.OpenMailboxAsync(alice.Address);
        Assert.Equal(["Cardiologues"], await shared.Contacts.ListFoldersAsync());
        Assert.DoesNotContain(await shared.Folders.ListAsync(), f => f.Role == FolderRole.Inbox);
        var martin = Assert.Single(await shared.Contacts.ListAsync("Cardiologues"));
        Assert.Equal("Dr Jean MARTIN", martin.Contact.FullName);
        await Assert.ThrowsAsync<MailboxAccessDeniedException>(() => shared.Messages.SendReadReceiptAsync(martin.Ref, ReadReceipt.Displayed));
        await Assert.ThrowsAsync<MailboxAccessDeniedException>(() => shared.Settings.GetSignaturesAsync());
        await Assert.ThrowsAsync<MailboxAccessDeniedException>(() => shared.Contacts.AddAsync("Cardiologues", new Esante.MsSante.Contact("Intrus")));
        await Assert.ThrowsAsync<MailboxAccessDeniedException>(() => shared.SendAsync(Letter(alice.Address, "En son nom")));

        // A connection already open may see new rights only later (Dovecot caches them 30 s): the colleague opens it again.
        await alice.Box.Folders.ShareAsync("Contacts/Cardiologues", bob.Address, ShareRole.Manager);
        await using var managed = await (await SignInAsync(bob)).OpenMailboxAsync(alice.Address);
        await managed.Contacts.AddAsync("Cardiologues", new Esante.MsSante.Contact("Dr Paul DURAND"));
        Assert.Equal(2, (await alice.Box.Contacts.ListAsync("Cardiologues")).Count);

        await alice.Box.Folders.UnshareAsync("Contacts/Cardiologues", bob.Address);
        Assert.Empty(await alice.Box.Folders.GetSharesAsync("Contacts/Cardiologues"));
        Assert.DoesNotContain(await (await SignInAsync(bob)).ListMailboxesAsync(), m => m.Address == alice.Address);
    }

    [Fact]
    public async Task Documents_sent_as_an_XDM_archive_arrive_with_their_metadata_intact_and_the_national_headers()
    {
        await using var alice = await OpenNewUserAsync();
        await using var bob = await OpenNewUserAsync();
        var package = Esante.MsSante.Tests.Messages.XdmTests.Package();
        var letter = Letter(bob.Address, package.Subject("Compte rendu de consultation"), "Veuillez trouver le compte rendu.");
        letter.Xdm = package;
        letter.Attachments.Add(OutgoingAttachment.FromBytes("CR.pdf", Esante.MsSante.Tests.Messages.XdmTests.Pdf, "application/pdf"));
        await alice.Box.SendAsync(letter);

        var summary = await WaitForMessageAsync(bob.Box, s => s.Subject == letter.Subject);
        var received = await bob.Box.Messages.ReadAsync(summary.Ref);
        Assert.Equal("11488-4", received.Mime.Headers[MssanteHeaders.CodeCda]);
        Assert.Equal("O", received.Mime.Headers[MssanteHeaders.Ins]);
        var archive = received.ReadXdmArchive()!;
        Assert.Equal("279035121518989^^^&1.2.250.1.213.1.4.8&ISO^NH", archive.PatientId);
        Assert.Equal(2, archive.Documents.Count);
        Assert.All(archive.Documents, d => Assert.True(d.IsIntact));
        Assert.Equal(Esante.MsSante.Tests.Messages.XdmTests.Cda, archive.Documents[0].Content);
    }

    [Fact]
    public async Task Folder_retention_limits_are_kept_with_the_mailbox()
    {
        var alice = await CreateUserAsync();
        await using var box = await OpenOwnAsync(alice);
        await box.Folders.CreateAsync("Archives");
        await box.Folders.SetRetentionAsync("Archives", Esante.MsSante.RetentionPeriod.Months(6));
        await using (var again = await OpenOwnAsync(alice))
        {
            Assert.Equal(Esante.MsSante.RetentionPeriod.Months(6), (await again.Folders.GetRetentionAsync())["Archives"]);
        }
        await box.Folders.SetRetentionAsync("Archives", null);
        Assert.Empty(await box.Folders.GetRetentionAsync());
        await Assert.ThrowsAsync<MssanteFolderNotFoundException>(() => box.Folders.SetRetentionAsync("Inconnu", Esante.MsSante.RetentionPeriod.Days(1)));
        var trash = await box.Folders.GetAsync(FolderRole.Trash);
        await Assert.ThrowsAsync<ArgumentException>(() => box.Folders.SetRetentionAsync(trash.Path, Esante.MsSante.RetentionPeriod.Days(1)));
    }

    [Fact]
    public async Task A_folders_retention_limit_removes_the_messages_older_than_it_and_keeps_the_others()
    {
        await using var alice = await OpenNewUserAsync();
        var archives = await alice.Box.Folders.CreateAsync("Archives");
        await alice.Box.Folders.SetRetentionAsync(archives.Path, Esante.MsSante.RetentionPeriod.Months(6));
        // Arrival dates as an archive records them: one from 2020, one from a minute ago.
        var recent = DateTime.UtcNow.AddMinutes(-1);
        var mbox = string.Concat(
            "From labo@chu-angers.mssante.fr Mon Jan  6 09:00:00 2020\n",
            "Subject: Ancien\nMessage-ID: <ancien@retention.test>\n\nBilan de 2020\n\n",
            $"From labo@chu-angers.mssante.fr {recent.ToString("ddd MMM", System.Globalization.CultureInfo.InvariantCulture)} {recent.Day,2} {recent.ToString("HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture)}\n",
            "Subject: Récent\nMessage-ID: <recent@retention.test>\n\nBilan du jour\n");
        Assert.Equal(2, (await alice.Box.Folders.ImportAsync(archives.Path, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mbox)))).Imported);

        Assert.Equal(1, await alice.Box.Folders.ApplyRetentionAsync());

        Assert.Equal(["Récent"], (await ListAsync(alice.Box, archives.Path)).Select(s => s.Subject));
        Assert.Equal(0, await alice.Box.Folders.ApplyRetentionAsync());
    }

    private static string RawWithFromLines(TestUser from, TestUser to) => string.Join("\r\n",
        "From: " + from.Address.Value,
        "To: " + to.Address.Value,
        "Subject: Lignes From",
        "Date: Thu, 26 Nov 2026 09:00:00 +0100",
        "Message-ID: <" + Guid.NewGuid().ToString("N") + "@export.test>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "R=C3=A9sultat",
        "From the lab, 9 h",
        ">From an earlier reply",
        "Fin",
        "");

    /// <summary>Undoes mboxrd quoting, as an mbox reader does.</summary>
    private static string Unquote(string text) => string.Join("\n", text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n')
        .Select(line => System.Text.RegularExpressions.Regex.IsMatch(line, "^>+From ") ? line[1..] : line));
}
