using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Esante.MsSante.Samples.Webmail;

/// <summary>
/// The webmail's host: the SDK registered once (the embedded fake operator by default, a real operator with
/// <c>"Operator": { "Kind": "Imap" }</c>), Razor Pages with antiforgery, and the per-person SDK sessions kept in memory.
/// </summary>
public static class WebmailApp
{
    /// <summary>The largest request accepted: above the 15 MB attachment limit, so the SDK's own refusal is what a person sees.</summary>
    public const long MaxRequestBytes = 40L * 1024 * 1024;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(WebmailApp).Assembly.GetName().Name,   // the Razor Pages' assembly, also when a test hosts it
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        customize?.Invoke(builder);
        var configuration = builder.Configuration;
        var services = builder.Services;

        var mssante = services.AddMssante(configuration.GetSection("Mssante"));
        if (string.Equals(configuration["Operator:Kind"], "Imap", StringComparison.OrdinalIgnoreCase))
        {
            mssante.AddImapOperator(configuration.GetSection("Operator:Imap"));
            services.AddMssanteDirectory(options => configuration.GetSection("Directory").Bind(options));
            if (configuration.GetSection("ProSanteConnect").Exists())
            {
                services.AddMssanteProSanteConnect(configuration.GetSection("ProSanteConnect"));
            }
        }
        else
        {
            // The demonstration: the guide's accounts, directory and messages on an embedded fake operator and fake PSC.
            var demo = new DemoOperator();
            mssante.AddFakeOperator(demo.Server);
            // Through a factory, so that the container owns it and disposes it (deleting its files) when the app stops.
            services.AddSingleton(_ => demo);
            services.AddMssanteDirectory(options => options.ExtractionFilePath = demo.ExtractionFile);
            services.AddMssanteProSanteConnect(options => options.RedirectUri = new Uri(DemoOperator.PscRedirectUri));
            services.AddMssanteFakeProSanteConnect(demo.Psc);
        }

        services.AddSingleton<WebSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<WebSessions>());
        services.AddRazorPages();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "webmail.af";
            // Secure over HTTPS (every deployment); the demonstration on http://127.0.0.1 gets it without the flag, since
            // antiforgery refuses a Secure-only cookie on plain HTTP. The session cookie is always Secure (browsers keep
            // Secure cookies of http://localhost and 127.0.0.1, which they treat as secure contexts).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.Configure<CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = "webmail.msg";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = MaxRequestBytes);
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBytes);

        var app = builder.Build();
        app.UseExceptionHandler("/Erreur");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAntiforgery();
        app.MapRazorPages();
        return app;
    }
}
