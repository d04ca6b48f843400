using Esante.MsSante.Samples.Webmail;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Esante.MsSante.Webmail.Tests;

/// <summary>The webmail on Kestrel, on a free loopback port, with its embedded fake operator; one for the journeys.</summary>
public sealed class WebmailFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = string.Empty;

    public DemoOperator Demo { get; private set; } = null!;

    /// <summary>What the server logged (at the levels its appsettings.json sets), written to screenshots/server.log at the end.</summary>
    public ServerLog Log { get; } = new();

    /// <summary>The application's services (the SDK's one-time-code provider, for the code an authenticator app would show).</summary>
    public IServiceProvider Services => _app!.Services;

    /// <summary>Where each journey's screenshots go (bin/…/screenshots: a test artifact, never committed).</summary>
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Screenshots);
        _app = WebmailApp.Build(["--urls=http://127.0.0.1:0", "--environment=Production"], builder => builder.Logging.AddProvider(Log));
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Demo = _app.Services.GetRequiredService<DemoOperator>();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Demo?.Dispose();
        await File.WriteAllLinesAsync(Path.Combine(Screenshots, "server.log"), Log.Lines);
    }
}
