using Microsoft.Extensions.Logging.Abstractions;
using Esante.MsSante.MailStackSupport;
using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;
using MailKit.Net.Smtp;
using MimeKit;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>
/// How the test operator lets a delegate act for an organisational mailbox (SASL authorization identity, checked against
/// the delegations add-org.sh writes), and refuses everyone else on each protocol, with each kind of credential.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class DelegationRealStackTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    private (string Org, string Delegate, string Outsider) Organisation(string rights = "lrwstipekx")
    {
        var delegated = NewUser();
        var outsider = NewUser();
        var org = stack.NewAddress("structure");
        MailStackScripts.RunScript("add-org.sh", stack.Directory, org, "--rights", rights, delegated);
        return (org, delegated, outsider);
    }

    private string NewUser()
    {
        var address = stack.NewAddress();
        stack.AddUser(address, Password);
        return address;
    }

    /// <summary>The three credentials a person signs in with, acting for <paramref name="org"/>.</summary>
    private IEnumerable<MailCredential> Credentials(string person, string org) => Credentials(person).Select(c => c.ActingFor(org));

    /// <summary>The three credentials a person signs in with as themselves: password, token, client certificate.</summary>
    private IEnumerable<MailCredential> Credentials(string person)
    {
        yield return MailCredential.FromPassword(person, Password);
        var token = stack.IssueToken(person, TimeSpan.FromMinutes(10));
        yield return MailCredential.FromToken(person, _ => ValueTask.FromResult(token));
        yield return MailCredential.FromCertificate(person, stack.IssueClientCertificate(person));
    }

    [Fact]
    public async Task A_delegate_signs_in_for_the_mailbox_with_each_credential_over_IMAP_and_ManageSieve()
    {
        var (org, delegated, _) = Organisation();
        foreach (var credential in Credentials(delegated, org))
        {
            using var imap = await ImapOperator.ConnectImapAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default);
            // Logged in as the mailbox: its INBOX is the personal one, its quota readable.
            var quota = await imap.Inbox.GetQuotaAsync();
            Assert.NotNull(quota.StorageLimit);
            await using var sieve = await ManageSieveClient.ConnectAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default);
            Assert.NotNull(await sieve.ListScriptsAsync(default));
            await imap.DisconnectAsync(true);
        }
    }

    [Fact]
    public async Task A_person_who_is_not_a_delegate_is_refused_with_each_credential_over_IMAP_SMTP_and_ManageSieve()
    {
        var (org, _, outsider) = Organisation();
        foreach (var credential in Credentials(outsider, org))
        {
            await Assert.ThrowsAsync<MssanteAuthenticationException>(() => ImapOperator.ConnectImapAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default));
            await Assert.ThrowsAsync<MssanteAuthenticationException>(() => ManageSieveClient.ConnectAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default));
            using var smtp = await SmtpAsync(stack.Options(), credential);
            if (credential.Certificate is null)
            {
                await Assert.ThrowsAsync<MssanteAuthenticationException>(() => MailConnections.AuthenticateAsync(smtp, credential, TimeProvider.System, default));
                continue;
            }
            // Postfix authorises a client certificate without SASL (no AUTH to refuse): the envelope sender is checked.
            await MailConnections.AuthenticateAsync(smtp, credential, TimeProvider.System, default);
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(Letter(org, outsider)));
            Assert.Equal(SmtpStatusCode.MailboxNameNotAllowed, refused.StatusCode);
        }
    }

    [Fact]
    public async Task Signed_in_as_themselves_a_non_delegate_cannot_send_under_the_structures_address_and_a_delegate_signed_in_for_it_can()
    {
        var (org, delegated, outsider) = Organisation();
        var letter = Letter(org, delegated);
        foreach (var own in Credentials(outsider))
        {
            using var smtp = await SmtpAsync(stack.Options(), own);
            await MailConnections.AuthenticateAsync(smtp, own, TimeProvider.System, default);
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(letter));
            // 553 "Sender address rejected: not owned by ...", at RCPT (Postfix delays its refusals until then).
            Assert.Equal(SmtpStatusCode.MailboxNameNotAllowed, refused.StatusCode);
        }
        foreach (var acting in Credentials(delegated, org))
        {
            using var smtp = await SmtpAsync(stack.Options(), acting);
            await MailConnections.AuthenticateAsync(smtp, acting, TimeProvider.System, default);
            await smtp.SendAsync(letter);
            await smtp.DisconnectAsync(true);
        }
    }

    private static MimeMessage Letter(string from, string to)
    {
        var letter = new MimeMessage();
        letter.From.Add(MailboxAddress.Parse(from));
        letter.To.Add(MailboxAddress.Parse(to));
        letter.Subject = "Depuis la structure";
        letter.Body = new TextPart("plain") { Text = "Bonjour" };
        return letter;
    }

    [Fact]
    public async Task A_viewer_delegate_reads_the_mailbox_but_neither_writes_nor_changes_its_rules()
    {
        var (org, viewer, _) = Organisation("lrs");
        var credential = MailCredential.FromPassword(viewer, Password).ActingFor(org);
        using var imap = await ImapOperator.ConnectImapAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var rights = await imap.Inbox.GetMyAccessRightsAsync();
        Assert.Equal("lrs", new string([.. rights.ToString().Order()]));
        await Assert.ThrowsAsync<MssanteAuthenticationException>(() => ManageSieveClient.ConnectAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default));
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task Removing_a_delegate_ends_their_sign_in_for_the_mailbox()
    {
        var (org, delegated, _) = Organisation();
        var credential = MailCredential.FromPassword(delegated, Password).ActingFor(org);
        using (var imap = await ImapOperator.ConnectImapAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default))
        {
            await imap.DisconnectAsync(true);
        }
        MailStackScripts.RunScript("add-org.sh", stack.Directory, org, "--rights", "none", delegated);
        await Assert.ThrowsAsync<MssanteAuthenticationException>(() => ImapOperator.ConnectImapAsync(stack.Options(), credential, TimeProvider.System, NullLogger.Instance, default));
    }

    [Fact]
    public async Task A_message_from_a_patient_is_filed_by_the_operator_for_personal_and_organisational_mailboxes_alike()
    {
        var (org, delegated, _) = Organisation();
        foreach (var recipient in new[] { org, delegated })
        {
            await stack.DeliverRawAsync(recipient, System.Text.Encoding.UTF8.GetBytes(string.Join("\r\n",
                "From: 279035121518989@patient.mssante.fr", "To: " + recipient, "Subject: Question", "", "Bonjour", "")));
            var credential = MailCredential.FromPassword(delegated, Password);
            using var imap = await ImapOperator.ConnectImapAsync(stack.Options(), recipient == org ? credential.ActingFor(org) : credential, TimeProvider.System, NullLogger.Instance, default);
            // Nothing was installed by the mailbox: the operator's own script filed it.
            var patients = await imap.GetFolderAsync(Esante.MsSante.PatientRoutingPolicy.DefaultFolderName);
            await patients.OpenAsync(MailKit.FolderAccess.ReadOnly);
            Assert.Equal(1, patients.Count);
            await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
            Assert.Equal(0, imap.Inbox.Count);
            await imap.DisconnectAsync(true);
        }
    }

    [Fact]
    public async Task A_colleagues_inbox_shared_by_ACL_alone_opens_through_the_shared_namespace_where_its_rules_are_out_of_reach()
    {
        var owner = NewUser();
        var colleague = NewUser();
        // Shared by the owner's webmail, say (the SDK shares folders, not the INBOX).
        using (var own = await ImapOperator.ConnectImapAsync(stack.Options(), MailCredential.FromPassword(owner, Password), TimeProvider.System, NullLogger.Instance, default))
        {
            await own.Inbox.SetAccessRightsAsync(colleague, new MailKit.AccessRights("lrs"));
            await own.DisconnectAsync(true);
        }
        await using var session = MailStack.Session(stack.Options());
        await session.SignInAsync(colleague, Password);
        // Its INBOX shared, Dovecot lists it as a whole mailbox, but the colleague is no delegate: the operator refuses to
        // sign them in for it, and the SDK uses the shared namespace, twice without asking again.
        for (var i = 0; i < 2; i++)
        {
            await using var shared = await session.OpenMailboxAsync(MssanteAddress.Parse(owner));
            Assert.Contains(await shared.Folders.ListAsync(), f => f.Role == FolderRole.Inbox);
            Assert.False(shared.Capabilities.HasFlag(MailboxCapabilities.Rules));
            await Assert.ThrowsAsync<NotSupportedException>(() => shared.Settings.GetRulesAsync());
        }
    }

    private static async Task<SmtpClient> SmtpAsync(ImapOperatorOptions options, MailCredential credential)
    {
        var smtp = new SmtpClient();
        MailConnections.Configure(smtp, options, credential);
        await MailConnections.ConnectAsync(smtp, options.ImapHost, options.SmtpPort, options.SmtpSecurity, "SMTP", default);
        return smtp;
    }
}
