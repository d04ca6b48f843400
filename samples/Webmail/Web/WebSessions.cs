using System.Collections.Concurrent;
using System.Security.Cryptography;
using Esante.MsSante.ProSanteConnect;

namespace Esante.MsSante.Samples.Webmail.Web;

/// <summary>
/// What the webmail keeps for one browser, server-side: the SDK's session and the open mailbox (neither can be serialised
/// into a cookie), and the steps in progress (a password setup, a Pro Santé Connect sign-in). The browser holds only an
/// opaque random id.
/// </summary>
public sealed class WebUser(string id, IMssanteSession session) : IAsyncDisposable
{
    public string Id { get; } = id;

    public IMssanteSession Session { get; } = session;

    public IMailboxClient? Mailbox { get; set; }

    public DateTimeOffset LastSeen { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The reset link being used, and the channel enrolment waiting for its test code.</summary>
    public Uri? ResetLink { get; set; }

    public OtpChannelEnrolment? Enrolment { get; set; }

    public ProSanteConnectAuthorization? PscAuthorization { get; set; }

    public ProSanteConnectSession? Psc { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (Mailbox is { } mailbox)
        {
            await mailbox.DisposeAsync();
        }
        await Session.DisposeAsync();
    }
}

/// <summary>
/// The server-side store of <see cref="WebUser"/>s, keyed by the cookie's opaque id. An entry ends with its SDK session:
/// at sign-out, when the SDK signs out (expiry, refused token), or after 30 idle minutes (the SDK's own idle limit).
/// </summary>
public sealed class WebSessions(IMssanteSessionFactory factory, TimeProvider? clock = null) : BackgroundService
{
    public const string CookieName = "webmail.sid";
    public static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, WebUser> _users = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public int Count => _users.Count;

    /// <summary>This browser's entry, or null.</summary>
    public WebUser? Find(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var id) && id is not null && _users.TryGetValue(id, out var user))
        {
            user.LastSeen = _clock.GetUtcNow();
            return user;
        }
        return null;
    }

    /// <summary>This browser's entry, created (with a new SDK session and cookie) when there is none.</summary>
    public WebUser GetOrCreate(HttpContext context)
    {
        if (Find(context) is { } user)
        {
            return user;
        }
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        user = new WebUser(id, factory.CreateSession());
        _users[id] = user;
        context.Response.Cookies.Append(CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Lax,   // Lax: the browser comes back from Pro Santé Connect's site with it
            IsEssential = true,
            Path = "/",
        });
        return user;
    }

    /// <summary>Ends this browser's entry: signs the SDK session out, closes the mailbox, deletes the cookie.</summary>
    public async Task EndAsync(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var id) && id is not null && _users.TryRemove(id, out var user))
        {
            await user.DisposeAsync();
        }
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = _clock.GetUtcNow();
                foreach (var (id, user) in _users)
                {
                    if (now - user.LastSeen > IdleLimit && _users.TryRemove(id, out _))
                    {
                        await user.DisposeAsync();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var id in _users.Keys)
        {
            if (_users.TryRemove(id, out var user))
            {
                await user.DisposeAsync();
            }
        }
    }
}
