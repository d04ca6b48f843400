using Esante.MsSante.Directory;
using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Esante.MsSante.Tests.Contract;
using MimeKit;

namespace Esante.MsSante.Tests.FakeOperator;

/// <summary>Server-side behaviour of the fake operator: routing, expiry, waiting helpers, directory.</summary>
public sealed class OperatorBehaviourTests : IAsyncLifetime
{
    private static readonly MssanteAddress Patient = MssanteAddress.Parse("279035121518989@patient.mssante.fr");
    private readonly FakeOperatorHarness _harness = new();

    private FakeMssanteOperator Server => _harness.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_patients_message_lands_in_Echanges_Patients_not_the_inbox()
    {
        var doctor = Server.CreateAccount("claire.roux", "Motdepasse-1");
        Server.DeliverFromPatient(Patient, doctor.Address.Value, "Question", "Bonjour");
        await using var session = await _harness.SignInAsync(doctor, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(doctor.Address);
        var folder = await box.Folders.GetAsync(FolderRole.PatientExchanges);
        Assert.Equal("Échanges Patients", folder.Name);
        Assert.Equal(1, folder.MessageCount);
        Assert.Equal(0, (await box.Folders.GetAsync(FolderRole.Inbox)).MessageCount);
        var delivery = await Server.WaitForMessageAsync(d => d.FolderPath == folder.Path);
        Assert.Equal(doctor.Address.Value, delivery.Mailbox);
    }

    [Fact]
    public async Task The_patients_folder_name_is_configurable()
    {
        await using var harness = new FakeOperatorHarness(o => o.Policies = MssantePolicies.Default with { PatientRouting = new PatientRoutingPolicy("Patients") });
        var doctor = harness.Server.CreateAccount("claire.roux", "Motdepasse-1");
        harness.Server.DeliverFromPatient(Patient, doctor.Address.Value, "Question", "Bonjour");
        Assert.Equal("Patients", (await harness.Server.WaitForMessageAsync(_ => true)).FolderPath);
    }

    [Fact]
    public async Task The_Trash_is_emptied_after_30_days_by_the_operator()
    {
        var doctor = Server.CreateAccount("claire.roux", "Motdepasse-1");
        Server.DeliverFromOutside(Letter(doctor.Address, "Vieux"));
        await using var session = await _harness.SignInAsync(doctor, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(doctor.Address);
        var summary = await box.Messages.ListAsync().FirstAsync();
        await box.Messages.DeleteAsync(summary.Ref);

        Server.AdvanceTime(TimeSpan.FromDays(29));
        Assert.Equal(1, (await box.Folders.GetAsync(FolderRole.Trash)).MessageCount);
        Server.AdvanceTime(TimeSpan.FromDays(1));
        Assert.Equal(0, (await box.Folders.GetAsync(FolderRole.Trash)).MessageCount);
    }

    [Fact]
    public async Task The_client_applies_folder_retention_limits_of_days_weeks_or_months()
    {
        await using var harness = new FakeOperatorHarness(options: o => o.FolderRetention["Archives"] = RetentionPeriod.Weeks(2));
        var doctor = harness.Server.CreateAccount("claire.roux", "Motdepasse-1");
        await using var session = await harness.SignInAsync(doctor, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(doctor.Address);
        await box.Folders.CreateAsync("Archives");
        harness.Server.DeliverFromOutside(Letter(doctor.Address, "Ancien"));
        await box.Messages.MoveAsync((await box.Messages.ListAsync().FirstAsync()).Ref, "Archives");

        harness.Server.AdvanceTime(TimeSpan.FromDays(13));
        Assert.Equal(0, await box.Folders.ApplyRetentionAsync());
        harness.Server.AdvanceTime(TimeSpan.FromDays(1));
        Assert.Equal(1, await box.Folders.ApplyRetentionAsync());
        Assert.Equal(0, (await box.Folders.ListAsync()).Single(f => f.Path == "Archives").MessageCount);
    }

    [Fact]
    public async Task A_retention_limit_set_for_the_mailbox_applies_over_the_policy()
    {
        await using var harness = new FakeOperatorHarness(options: o => o.FolderRetention["Archives"] = RetentionPeriod.Weeks(2));
        var doctor = harness.Server.CreateAccount("claire.roux", "Motdepasse-1");
        await using var session = await harness.SignInAsync(doctor, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(doctor.Address);
        await box.Folders.CreateAsync("Archives");
        await box.Folders.SetRetentionAsync("Archives", RetentionPeriod.Days(3));
        harness.Server.DeliverFromOutside(Letter(doctor.Address, "Ancien"));
        await box.Messages.MoveAsync((await box.Messages.ListAsync().FirstAsync()).Ref, "Archives");

        harness.Server.AdvanceTime(TimeSpan.FromDays(2));
        Assert.Equal(0, await box.Folders.ApplyRetentionAsync());
        harness.Server.AdvanceTime(TimeSpan.FromDays(1));
        Assert.Equal(1, await box.Folders.ApplyRetentionAsync());
    }

    [Fact]
    public async Task Delivery_to_a_full_mailbox_is_refused_and_the_quota_shows_it()
    {
        var doctor = Server.CreateAccount("claire.roux", "Motdepasse-1");
        Server.SetQuota(doctor.Address.Value, 2000);
        var big = Letter(doctor.Address, "Gros", new string('x', 3000));
        var e = Assert.Throws<RecipientsRejectedException>(() => Server.DeliverFromOutside(big));
        Assert.Contains("Mailbox full", e.Recipients[0].Reason, StringComparison.Ordinal);
        Server.DeliverFromOutside(Letter(doctor.Address, "Petit"));
        await using var session = await _harness.SignInAsync(doctor, "Motdepasse-1");
        await using var box = await session.OpenMailboxAsync(doctor.Address);
        var quota = await box.GetQuotaAsync();
        Assert.Equal(2000, quota.LimitBytes);
        Assert.InRange(quota.UsedBytes, 1, 2000);
        var colleague = Server.CreateAccount("marc.petit");
        await Assert.ThrowsAsync<QuotaExceededException>(() => box.SendAsync(WithAttachment(colleague.Address, 5000)));
        Assert.DoesNotContain(Server.Deliveries, d => d.Mailbox == colleague.Address.Value);
    }

    [Fact]
    public async Task Waiting_for_a_message_that_never_comes_times_out_clearly()
    {
        var e = await Assert.ThrowsAsync<TimeoutException>(() => Server.WaitForMessageAsync(_ => true, TimeSpan.FromMilliseconds(50)));
        Assert.Contains("FakeDelivery", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_returns_a_message_delivered_while_waiting()
    {
        var doctor = Server.CreateAccount("claire.roux", "Motdepasse-1");
        var wait = Server.WaitForMessageAsync(d => d.Message.Subject == "Attendu");
        Assert.False(wait.IsCompleted);
        Server.DeliverFromOutside(Letter(doctor.Address, "Autre"));
        Server.DeliverFromOutside(Letter(doctor.Address, "Attendu"));
        Assert.Equal("Attendu", (await wait).Message.Subject);
    }

    [Fact]
    public async Task The_directory_finds_accounts_by_field_or_by_words_typed_in_any_order()
    {
        Server.CreateAccount("adeline.goudal", domain: "chu-nantes.mssante.fr").Describe("Pharmacien", "10102293320", "CHU DE NANTES SITE HÔTEL-DIEU", "Nantes", "44093");
        Server.CreateAccount("adele.sorin", domain: "chu-nantes.mssante.fr").Describe("Infirmier", "10104605257", "CHU DE NANTES", "Nantes", "44093");
        Server.CreateAccount("marc.goudal", domain: "chu-angers.mssante.fr").Describe("Médecin", null, "CHU D'ANGERS", "Angers", "49100");
        var org = Server.CreateOrganisationalMailbox("pharmacie@chu-nantes.mssante.fr", "Pharmacie CHU Nantes");
        org.City = "Nantes";

        var typed = await Server.Directory.SearchAsync(new DirectoryQuery { Text = "gou ade nan" });
        Assert.Equal("adeline.goudal@chu-nantes.mssante.fr", Assert.Single(typed.Entries).Address.Value);

        var accents = await Server.Directory.SearchAsync(new DirectoryQuery { Organization = "hotel dieu" });
        Assert.Equal("GOUDAL", Assert.Single(accents.Entries).LastName);

        var byField = await Server.Directory.SearchAsync(new DirectoryQuery { City = "Nantes", Organization = "CHU" });
        Assert.Equal(3, byField.TotalCount);
        Assert.Equal(MailboxKind.Organisational, byField.Entries[^1].MailboxKind);

        var byRpps = await Server.Directory.SearchAsync(new DirectoryQuery { Identifier = "810104605257" });
        Assert.Equal("Adele", Assert.Single(byRpps.Entries).FirstName);

        var paged = await Server.Directory.SearchAsync(new DirectoryQuery { City = "Nantes", Take = 2, Skip = 2 });
        Assert.Single(paged.Entries);
        Assert.False(paged.HasMore);

        Assert.Empty((await Server.Directory.SearchAsync(new DirectoryQuery { Text = "!!! ,,," })).Entries);
        Assert.Empty((await Server.Directory.SearchAsync(new DirectoryQuery { Text = new string('a', 10_000) })).Entries);
        await Assert.ThrowsAsync<ArgumentException>(() => Server.Directory.SearchAsync(new DirectoryQuery()));
        await Assert.ThrowsAsync<ArgumentException>(() => Server.Directory.SearchAsync(new DirectoryQuery { Text = "a", Take = 0 }));
    }

    [Fact]
    public void Accounts_and_mailboxes_cannot_be_created_twice()
    {
        Server.CreateAccount("claire.roux");
        Assert.Throws<InvalidOperationException>(() => Server.CreateAccount("Claire.Roux"));
        Server.CreateOrganisationalMailbox("accueil@esante-test.mssante.fr", "Accueil");
        Assert.Throws<InvalidOperationException>(() => Server.CreateOrganisationalMailbox("accueil@esante-test.mssante.fr", "Accueil"));
        Assert.Throws<FormatException>(() => Server.CreateOrganisationalMailbox("accueil@gmail.com", "Accueil"));
    }

    [Fact]
    public void Advancing_time_needs_the_operators_own_clock()
    {
        var server = new FakeMssanteOperator(TimeProvider.System);
        Assert.Throws<InvalidOperationException>(() => server.AdvanceTime(TimeSpan.FromDays(1)));
    }

    private static MimeMessage Letter(MssanteAddress to, string subject, string body = "Bonjour")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("jean.dupont@chu-angers.mssante.fr"));
        message.To.Add(MailboxAddress.Parse(to.Value));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private static OutgoingMessage WithAttachment(MssanteAddress to, int size)
    {
        var message = new OutgoingMessage { Subject = "x", TextBody = "y" };
        message.To.Add(to);
        message.Attachments.Add(OutgoingAttachment.FromBytes("x.bin", new byte[size]));
        return message;
    }
}
