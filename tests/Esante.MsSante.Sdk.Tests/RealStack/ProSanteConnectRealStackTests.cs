using System.Collections.Concurrent;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Operators;
using Esante.MsSante.Tests.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>
/// A Pro Santé Connect session signing in to Dovecot and Postfix: the fake provider issues access tokens the stack accepts
/// (HS256 with the stack's key and issuer, the mailbox in <c>email</c>), and the SDK asks the session for one at each connection.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class ProSanteConnectRealStackTests(MailStack stack)
{
    // The provider's clock for the ID tokens and the client's for expiries; access tokens carry the real time Dovecot checks.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ConcurrentQueue<string> _issued = new();

    private async Task<(ProSanteConnectSession Psc, FakeProSanteConnect Provider, string Address)> SignInWithProSanteConnectAsync()
    {
        var address = stack.NewAddress("psc");
        stack.AddUser(address, "Motdepasse-1");
        var provider = new FakeProSanteConnect(_time)
        {
            Email = address,
            AccessTokenFactory = email =>
            {
                var token = stack.IssueToken(email, TimeSpan.FromMinutes(2));
                _issued.Enqueue(token);
                return token;
            },
        };
        var client = new ProSanteConnectClient(new HttpClient(provider), new ProSanteConnectOptions
        {
            Environment = ProSanteConnectEnvironment.Integration,
            ClientId = FakeProSanteConnect.ClientId,
            ClientSecret = FakeProSanteConnect.ClientSecret,
            RedirectUri = new Uri(FakeProSanteConnect.RedirectUri),
            TimeProvider = _time,
        });
        var authorization = client.CreateAuthorization();
        var psc = await client.CompleteSignInAsync(authorization, provider.Authorize(authorization.AuthorizationUri));
        return (psc, provider, address);
    }

    [Fact]
    public async Task A_pro_sante_connect_session_opens_the_mailbox_and_a_later_connection_uses_a_refreshed_token()
    {
        var (psc, provider, address) = await SignInWithProSanteConnectAsync();
        await using var session = MailStack.Session(stack.Options());
        await session.SignInWithTokenAsync(address, psc.GetAccessTokenAsync);
        await using (var box = await session.OpenMailboxAsync(MssanteAddress.Parse(address)))
        {
            Assert.Contains(await box.Folders.ListAsync(), f => f.Role == FolderRole.Inbox);
        }
        Assert.Equal(0, provider.RefreshRequests);

        _time.Advance(TimeSpan.FromMinutes(2));        // past the first access token's life
        await using (var box = await session.OpenMailboxAsync(MssanteAddress.Parse(address)))
        {
            // The new connection asked the session for a token, which refreshed it first; Dovecot took the new one.
            Assert.Equal(1, provider.RefreshRequests);
            Assert.Equal(2, _issued.Count);
            Assert.Equal(_issued.Last(), await psc.GetAccessTokenAsync());
            Assert.Contains(await box.Folders.ListAsync(), f => f.Role == FolderRole.Inbox);
        }
    }

    [Fact]
    public async Task When_pro_sante_connect_refuses_the_refresh_token_the_next_connection_fails_as_token_expired()
    {
        var (psc, provider, address) = await SignInWithProSanteConnectAsync();
        await using var session = MailStack.Session(stack.Options());
        await session.SignInWithTokenAsync(address, psc.GetAccessTokenAsync);
        await (await session.OpenMailboxAsync(MssanteAddress.Parse(address))).DisposeAsync();

        provider.RevokeRefreshTokens();
        _time.Advance(TimeSpan.FromMinutes(2));
        var e = await Assert.ThrowsAsync<MssanteAuthenticationException>(() => session.OpenMailboxAsync(MssanteAddress.Parse(address)));
        Assert.Equal(AuthenticationFailure.TokenExpired, e.Failure);
        Assert.False(psc.IsActive);
    }
}
