using System.Web;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Tests.FakeOperator;

/// <summary>An application's Pro Santé Connect sign-in, end to end, on the fake operator and the fake Pro Santé Connect of the Testing package.</summary>
public sealed class FakeProSanteConnectTests : IAsyncLifetime
{
    private readonly FakeMssanteOperator _server = new();
    private readonly FakeProSanteConnect _psc;
    private readonly ServiceProvider _services;
    private readonly FakeAccount _doctor;

    public FakeProSanteConnectTests()
    {
        _psc = new FakeProSanteConnect(_server);
        var services = new ServiceCollection();
        services.AddMssante(o => o.ProductReference = "DEV935997").AddFakeOperator(_server);
        services.AddMssanteProSanteConnect(o => o.RedirectUri = new Uri("https://dpi.chu-test.fr/psc/callback"));
        services.AddMssanteFakeProSanteConnect(_psc);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _doctor = _server.CreateAccount("claire.roux").Describe(rpps: "10003456125");
    }

    private ProSanteConnectClient Client => _services.GetRequiredService<ProSanteConnectClient>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _psc.Dispose();
    }

    /// <summary>What the application does: send the browser to PSC, take the callback, complete the sign-in.</summary>
    private async Task<ProSanteConnectSession> SignInAtPscAsync(FakeAccount account)
    {
        var authorization = Client.CreateAuthorization();
        var callback = _psc.LogIn(authorization.AuthorizationUri, account);
        Assert.StartsWith("https://dpi.chu-test.fr/psc/callback?", callback.AbsoluteUri, StringComparison.Ordinal);
        return await Client.CompleteSignInAsync(authorization, callback);
    }

    private async Task<IMssanteSession> OpenSessionAsync(ProSanteConnectSession psc)
    {
        var session = _services.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInWithTokenAsync(_doctor.Address.Value, psc.GetAccessTokenAsync);
        return session;
    }

    [Fact]
    public async Task A_professional_signs_in_with_psc_opens_the_mailbox_and_sends_then_a_later_connection_uses_a_refreshed_token()
    {
        var colleague = _server.CreateAccount("paul.martin", "Motdepasse-1");
        var psc = await SignInAtPscAsync(_doctor);
        Assert.Equal("eidas1", psc.AuthenticationLevel);
        var firstToken = await psc.GetAccessTokenAsync();

        await using (var session = await OpenSessionAsync(psc))
        {
            Assert.Equal(SessionState.SignedIn, session.State);
            await using var box = await session.OpenMailboxAsync(_doctor.Address);
            var message = new OutgoingMessage { Subject = "Compte rendu", TextBody = "Bonjour" };
            message.To.Add(colleague.Address);
            await box.SendAsync(message);
        }
        var delivery = await _server.WaitForMessageAsync(d => d.Mailbox == colleague.Address.Value);
        Assert.Equal("Compte rendu", delivery.Message.Subject);

        // Past the access token's 2 minutes: the session refreshes it on the operator's clock, and the operator takes the new one.
        _server.AdvanceTime(TimeSpan.FromMinutes(3));
        await using (var later = await OpenSessionAsync(psc))
        {
            await using var box = await later.OpenMailboxAsync(_doctor.Address);
            Assert.Contains(await box.Folders.ListAsync(), f => f.Role == FolderRole.Inbox);
        }
        Assert.NotEqual(firstToken, await psc.GetAccessTokenAsync());
        Assert.True(psc.AccessTokenExpiresAt > _server.TimeProvider.GetUtcNow());
    }

    [Fact]
    public async Task A_refused_refresh_ends_the_session_as_token_expired()
    {
        var psc = await SignInAtPscAsync(_doctor);
        _psc.RefuseNextRefresh();
        _server.AdvanceTime(TimeSpan.FromMinutes(2));

        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(async () => await psc.GetAccessTokenAsync());
        Assert.Equal(AuthenticationFailure.TokenExpired, e.Failure);
        var session = _services.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.SignInWithTokenAsync(_doctor.Address.Value, psc.GetAccessTokenAsync));
        Assert.Equal(AuthenticationFailure.TokenExpired, e.Failure);

        // Only the next refresh was refused: signing in again works.
        var again = await SignInAtPscAsync(_doctor);
        _server.AdvanceTime(TimeSpan.FromMinutes(2));
        await using var reopened = await OpenSessionAsync(again);
        Assert.Equal(SessionState.SignedIn, reopened.State);
    }

    [Fact]
    public async Task A_session_whose_token_source_gives_up_ends_and_its_next_connection_is_refused()
    {
        var psc = await SignInAtPscAsync(_doctor);
        await using var session = await OpenSessionAsync(psc);
        await using (var first = await session.OpenMailboxAsync(_doctor.Address))
        {
            Assert.Equal(SessionState.SignedIn, session.State);
        }
        _psc.RefuseNextRefresh();
        _server.AdvanceTime(TimeSpan.FromMinutes(2));

        // CONF.10: the refresh token refused, the next connection fails and the session ends with the PSC session.
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.OpenMailboxAsync(_doctor.Address));
        Assert.Equal(AuthenticationFailure.TokenExpired, e.Failure);
        Assert.Equal(SessionState.SignedOut, session.State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ListMailboxesAsync());
    }

    [Fact]
    public async Task Userinfo_gives_the_rpps_and_names_of_the_account()
    {
        var info = await (await SignInAtPscAsync(_doctor)).GetUserInfoAsync();
        Assert.Equal("810003456125", info.NationalId);
        Assert.Equal(Rpps.Parse("10003456125"), info.NationalIdentifier);
        Assert.Equal("810003456125", info.PreferredUsername);
        Assert.Equal("Claire", info.GivenName);
        Assert.Equal("ROUX", info.FamilyName);
        Assert.StartsWith("f:", info.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_level_below_eidas1_is_refused_and_the_code_serves_once()
    {
        _psc.Acr = "eidas0";
        var e = await Assert.ThrowsAsync<ProSanteConnectException>(() => SignInAtPscAsync(_doctor));
        Assert.Equal(ProSanteConnectFailure.AuthenticationLevelTooLow, e.Failure);

        _psc.Acr = "eidas2";
        var client = Client;
        var authorization = client.CreateAuthorization();
        var callback = _psc.LogIn(authorization.AuthorizationUri, _doctor);
        Assert.Equal("eidas2", (await client.CompleteSignInAsync(authorization, callback)).AuthenticationLevel);
        var replay = client.CreateAuthorization();
        var code = HttpUtility.ParseQueryString(callback.Query)["code"]!;
        e = await Assert.ThrowsAsync<ProSanteConnectException>(() => client.CompleteSignInWithCodeAsync(replay, code, replay.State));
        Assert.Equal(ProSanteConnectFailure.ProviderRefused, e.Failure);
    }

    [Fact]
    public void Log_in_refuses_an_address_that_is_not_an_authorisation_request_to_the_fake()
    {
        Assert.Throws<InvalidOperationException>(() => _psc.LogIn(new Uri("https://wallet.esw.esante.gouv.fr/auth?response_type=code"), _doctor));
        var authorization = Client.CreateAuthorization().AuthorizationUri.AbsoluteUri;
        Assert.Throws<InvalidOperationException>(() => _psc.LogIn(new Uri(authorization.Replace("S256", "plain", StringComparison.Ordinal)), _doctor));
    }
}
