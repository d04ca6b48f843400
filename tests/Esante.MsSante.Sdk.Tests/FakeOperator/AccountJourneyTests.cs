using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Esante.MsSante.Tests.Contract;

namespace Esante.MsSante.Tests.FakeOperator;

/// <summary>The guide's account journeys, through IMssanteSession, on the fake operator.</summary>
public sealed class AccountJourneyTests : IAsyncLifetime
{
    private readonly FakeOperatorHarness _harness = new();

    private FakeMssanteOperator Server => _harness.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task First_connection_sets_a_password_and_an_e_mail_code_channel_after_testing_a_code()
    {
        var account = Server.CreateAccount("adrien.malosse27", password: null, contactEmail: "adrien@example.fr");
        await using var session = _harness.NewSession();
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "ADRIEN@example.fr");
        var link = Server.LastResetLinkSentTo("adrien@example.fr");

        var enrolment = await session.Portal!.StartPasswordSetupAsync(link, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByEmail("otp@example.fr"));
        Assert.Equal(OtpChannel.Email, enrolment.Channel);
        Assert.Equal("o**@example.fr", enrolment.CodeSentTo);
        Assert.False(account.HasPassword);

        await session.Portal!.CompletePasswordSetupAsync(link, Server.LastCodeSentTo("otp@example.fr"));
        Assert.True(account.HasPassword);
        Assert.Equal("otp@example.fr", account.OtpEmail);

        var result = await session.SignInAsync("adrien.malosse27", "Nouveau-pass-1");
        Assert.Equal(SessionState.AwaitingSecondFactor, session.State);
        Assert.Equal(OtpChannel.Email, result.SecondFactor!.Channel);
        await session.CompleteSignInAsync(Server.LastCodeSentTo("otp@example.fr"));
        Assert.Equal(SessionState.SignedIn, session.State);
    }

    [Fact]
    public async Task Nothing_is_saved_until_the_test_code_is_right()
    {
        var account = Server.CreateAccount("adrien.malosse27", password: null, contactEmail: "adrien@example.fr");
        await using var session = _harness.NewSession();
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "adrien@example.fr");
        var link = Server.LastResetLinkSentTo("adrien@example.fr");
        var enrolment = await session.Portal!.StartPasswordSetupAsync(link, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByAuthenticatorApp());
        Assert.NotNull(enrolment.Authenticator);

        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.Portal!.CompletePasswordSetupAsync(link, "000000"));
        Assert.Equal(AuthenticationFailure.InvalidOneTimeCode, e.Failure);
        Assert.False(account.HasPassword);

        var otp = _harness.Services.GetService(typeof(IOtpProvider)) as IOtpProvider;
        await session.Portal!.CompletePasswordSetupAsync(link, otp!.ComputeTotp(enrolment.Authenticator!.Secret));
        Assert.True(account.HasPassword);
        Assert.Equal(OtpChannel.AuthenticatorApp, account.OtpChannel);
    }

    [Fact]
    public async Task After_too_many_wrong_codes_even_the_right_one_is_refused_and_the_person_is_told_why()
    {
        var account = Server.CreateAccount("adrien.malosse27", password: null, contactEmail: "adrien@example.fr");
        await using var session = _harness.NewSession();
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "adrien@example.fr");
        var link = Server.LastResetLinkSentTo("adrien@example.fr");
        await session.Portal!.StartPasswordSetupAsync(link, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByEmail("otp@example.fr"));
        var code = Server.LastCodeSentTo("otp@example.fr");
        var wrong = code == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.Portal!.CompletePasswordSetupAsync(link, wrong));
        }

        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.Portal!.CompletePasswordSetupAsync(link, code));
        Assert.Equal(AuthenticationFailure.InvalidOneTimeCode, e.Failure);
        Assert.Contains("Too many wrong codes", e.Message);
        Assert.False(account.HasPassword);
    }

    [Fact]
    public async Task A_reset_link_expires_after_one_hour()
    {
        Server.CreateAccount("adrien.malosse27", password: null, contactEmail: "adrien@example.fr");
        await using var session = _harness.NewSession();
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "adrien@example.fr");
        var link = Server.LastResetLinkSentTo("adrien@example.fr");
        Server.AdvanceTime(TimeSpan.FromMinutes(59));
        await session.Portal!.StartPasswordSetupAsync(link, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByAuthenticatorApp());
        Server.AdvanceTime(TimeSpan.FromMinutes(1));
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(
            () => session.Portal!.StartPasswordSetupAsync(link, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByAuthenticatorApp()));
        Assert.Equal(AuthenticationFailure.ResetLinkExpired, e.Failure);
        Assert.Contains("1 hour", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reset_link_works_once_and_a_forged_or_replaced_link_is_refused()
    {
        Server.CreateAccount("adrien.malosse27", password: "Ancien-pass-1", contactEmail: "adrien@example.fr");
        await using var session = _harness.NewSession();
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "adrien@example.fr");
        var first = Server.LastResetLinkSentTo("adrien@example.fr");
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "adrien@example.fr");
        var second = Server.LastResetLinkSentTo("adrien@example.fr");

        var replaced = await Assert.ThrowsAsync<MssanteAuthenticationException>(
            () => session.Portal!.StartPasswordSetupAsync(first, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByEmail("adrien@example.fr")));
        Assert.Equal(AuthenticationFailure.ResetLinkInvalid, replaced.Failure);

        await session.Portal!.StartPasswordSetupAsync(second, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByEmail("adrien@example.fr"));
        await session.Portal!.CompletePasswordSetupAsync(second, Server.LastCodeSentTo("adrien@example.fr"));
        var reused = await Assert.ThrowsAsync<MssanteAuthenticationException>(
            () => session.Portal!.StartPasswordSetupAsync(second, "Autre-pass-12", "Autre-pass-12", OtpChannelChoice.ByEmail("adrien@example.fr")));
        Assert.Equal(AuthenticationFailure.ResetLinkAlreadyUsed, reused.Failure);

        var forged = await Assert.ThrowsAsync<MssanteAuthenticationException>(
            () => session.Portal!.StartPasswordSetupAsync(new Uri("https://operateur.test/reset-password?token=forged"), "Autre-pass-12", "Autre-pass-12", OtpChannelChoice.ByAuthenticatorApp()));
        Assert.Equal(AuthenticationFailure.ResetLinkInvalid, forged.Failure);
    }

    [Fact]
    public async Task A_reset_request_with_the_wrong_contact_e_mail_sends_nothing_and_says_nothing()
    {
        Server.CreateAccount("adrien.malosse27", contactEmail: "adrien@example.fr");
        await using var session = _harness.NewSession();
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "someone@example.fr");
        await session.Portal!.RequestPasswordResetAsync("nobody.here", "adrien@example.fr");
        Assert.Empty(Server.Outbox);
    }

    [Fact]
    public async Task Weak_or_mismatched_passwords_are_refused_before_anything_is_saved()
    {
        Server.CreateAccount("adrien.malosse27", contactEmail: "adrien@example.fr");
        await using var session = _harness.NewSession();
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "adrien@example.fr");
        var link = Server.LastResetLinkSentTo("adrien@example.fr");
        Assert.Throws<ArgumentException>(() => session.Portal!.StartPasswordSetupAsync(link, "Nouveau-pass-1", "Nouveau-pass-2", OtpChannelChoice.ByAuthenticatorApp()).GetAwaiter().GetResult());
        var weak = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.Portal!.StartPasswordSetupAsync(link, "court", "court", OtpChannelChoice.ByAuthenticatorApp()));
        Assert.Equal(AuthenticationFailure.PasswordRejected, weak.Failure);
        Assert.Throws<ArgumentException>(() => session.Portal!.StartPasswordSetupAsync(link, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByEmail("pas une adresse")).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_replayed_authenticator_code_does_not_sign_in()
    {
        var account = Server.CreateAccount("adrien.malosse27", "Motdepasse-1", OtpChannel.AuthenticatorApp);
        await using var first = await _harness.SignInAsync(account, "Motdepasse-1");
        var usedCode = Server.CurrentTotpCode(account);

        await using var second = _harness.NewSession();
        await second.SignInAsync("adrien.malosse27", "Motdepasse-1");
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => second.CompleteSignInAsync(usedCode));
        Assert.Equal(AuthenticationFailure.ReplayedOneTimeCode, e.Failure);
        Assert.Equal(SessionState.AwaitingSecondFactor, second.State);
        Server.AdvanceTime(TimeSpan.FromSeconds(30));
        await second.CompleteSignInAsync(Server.CurrentTotpCode(account));
        Assert.Equal(SessionState.SignedIn, second.State);
    }

    [Fact]
    public async Task Five_wrong_passwords_in_a_row_lock_the_account_with_a_clear_error()
    {
        Server.CreateAccount("adrien.malosse27", "Motdepasse-1");
        await using var session = _harness.NewSession();
        for (var i = 0; i < 4; i++)
        {
            var wrong = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync("adrien.malosse27", "faux"));
            Assert.Equal(AuthenticationFailure.InvalidCredentials, wrong.Failure);
        }
        var locked = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync("adrien.malosse27", "faux"));
        Assert.Equal(AuthenticationFailure.AccountLocked, locked.Failure);
        Assert.Contains("locked", locked.Message, StringComparison.Ordinal);
        Assert.NotNull(locked.LockedUntil);

        var stillLocked = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync("adrien.malosse27", "Motdepasse-1"));
        Assert.Equal(AuthenticationFailure.AccountLocked, stillLocked.Failure);
        Server.AdvanceTime(TimeSpan.FromMinutes(15));
        Assert.False((await session.SignInAsync("adrien.malosse27", "Motdepasse-1")).IsSignedIn);
    }

    [Fact]
    public async Task Wrong_codes_count_toward_the_lock_out_too_and_the_threshold_is_configurable()
    {
        await using var harness = new FakeOperatorHarness(o => o.LockoutThreshold = 3);
        var account = harness.Server.CreateAccount("adrien.malosse27", "Motdepasse-1");
        await using var session = harness.NewSession();
        await session.SignInAsync("adrien.malosse27", "Motdepasse-1");
        await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.CompleteSignInAsync("000000"));
        await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.CompleteSignInAsync("000001"));
        var locked = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.CompleteSignInAsync("000002"));
        Assert.Equal(AuthenticationFailure.AccountLocked, locked.Failure);
        Assert.NotNull(account.LockedUntil);
    }

    [Fact]
    public async Task A_password_reset_unlocks_a_locked_account()
    {
        var account = Server.CreateAccount("adrien.malosse27", "Motdepasse-1", contactEmail: "adrien@example.fr");
        await using var session = _harness.NewSession();
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync("adrien.malosse27", "faux"));
        }
        await session.Portal!.RequestPasswordResetAsync("adrien.malosse27", "adrien@example.fr");
        var link = Server.LastResetLinkSentTo("adrien@example.fr");
        await session.Portal!.StartPasswordSetupAsync(link, "Nouveau-pass-1", "Nouveau-pass-1", OtpChannelChoice.ByEmail("adrien@example.fr"));
        await session.Portal!.CompletePasswordSetupAsync(link, Server.LastCodeSentTo("adrien@example.fr"));
        Assert.Null(account.LockedUntil);
        Assert.False((await session.SignInAsync("adrien.malosse27", "Nouveau-pass-1")).IsSignedIn);
    }

    [Fact]
    public async Task The_code_step_expires_and_then_asks_to_sign_in_again()
    {
        var account = Server.CreateAccount("adrien.malosse27", "Motdepasse-1");
        await using var session = _harness.NewSession();
        await session.SignInAsync("adrien.malosse27", "Motdepasse-1");
        var code = Server.LastCodeSentTo(account.OtpEmail!);
        Server.AdvanceTime(TimeSpan.FromMinutes(6));
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.CompleteSignInAsync(code));
        Assert.Equal(AuthenticationFailure.SecondFactorExpired, e.Failure);
    }

    [Fact]
    public async Task Unknown_users_get_the_same_error_as_wrong_passwords()
    {
        await using var session = _harness.NewSession();
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInAsync("nobody.here", "Motdepasse-1"));
        Assert.Equal(AuthenticationFailure.InvalidCredentials, e.Failure);
    }

    [Fact]
    public async Task The_profile_changes_contact_e_mail_password_and_code_channel()
    {
        var account = Server.CreateAccount("adrien.malosse27", "Motdepasse-1", contactEmail: "adrien@example.fr");
        await using var session = await _harness.SignInAsync(account, "Motdepasse-1");
        Assert.Equal(new AccountProfile("adrien.malosse27", "adrien@example.fr", OtpChannel.Email, "adrien@example.fr"), await session.Portal!.GetProfileAsync());

        await session.Portal!.ChangeContactEmailAsync("nouveau@example.fr");
        Assert.Throws<ArgumentException>(() => session.Portal!.ChangeContactEmailAsync("pas\r\nune adresse").GetAwaiter().GetResult());
        var wrong = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.Portal!.ChangePasswordAsync("faux", "Nouveau-pass-1"));
        Assert.Equal(AuthenticationFailure.InvalidCredentials, wrong.Failure);
        await session.Portal!.ChangePasswordAsync("Motdepasse-1", "Nouveau-pass-1");

        var enrolment = await session.Portal!.StartOtpChannelChangeAsync(OtpChannelChoice.ByAuthenticatorApp());
        Assert.Equal(OtpChannel.Email, account.OtpChannel);
        var otp = (IOtpProvider)_harness.Services.GetService(typeof(IOtpProvider))!;
        await session.Portal!.CompleteOtpChannelChangeAsync(otp.ComputeTotp(enrolment.Authenticator!.Secret));
        Assert.Equal(new AccountProfile("adrien.malosse27", "nouveau@example.fr", OtpChannel.AuthenticatorApp, null), await session.Portal!.GetProfileAsync());

        await session.SignOutAsync();
        Server.AdvanceTime(TimeSpan.FromSeconds(30));
        await using var again = await _harness.SignInAsync(account, "Nouveau-pass-1");
        Assert.Equal(SessionState.SignedIn, again.State);
    }

    [Fact]
    public async Task Signing_out_ends_the_mailboxes_opened_in_the_session()
    {
        var account = Server.CreateAccount("adrien.malosse27", "Motdepasse-1");
        var session = await _harness.SignInAsync(account, "Motdepasse-1");
        var mailbox = await session.OpenMailboxAsync(account.Address);
        await session.SignOutAsync();
        Assert.Equal(SessionState.SignedOut, session.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => mailbox.GetQuotaAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ListMailboxesAsync());
    }

    [Fact]
    public async Task Using_a_session_before_signing_in_is_a_clear_error()
    {
        await using var session = _harness.NewSession();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => session.ListMailboxesAsync());
        Assert.Contains("SignInAsync", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.CompleteSignInAsync("123456"));
    }
}
