using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>« Bienvenue sur votre messagerie sécurisée de santé »: password, then the one-time code; or Pro Santé Connect.</summary>
public sealed class IndexModel(WebSessions sessions, IServiceProvider services) : WebmailPage(sessions)
{
    protected override PageAccess Access => PageAccess.Anonymous;

    [BindProperty]
    public string UserName { get; set; } = string.Empty;

    [BindProperty]
    public string Password { get; set; } = string.Empty;

    [FromQuery(Name = "fin")]
    public string? End { get; set; }

    public bool Ended => End is not null;

    public IEnumerable<string>? DemoAccounts => services.GetService<DemoOperator>()?.Describe();

    public IActionResult OnGet() =>
        Visitor.Session.State == SessionState.SignedIn ? RedirectToPage("/Boites") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (Visitor.Session.State != SessionState.SignedOut)
        {
            // Starting again from the first step (a code abandoned, a second tab): a fresh SDK session.
            await Sessions.EndAsync(HttpContext);
            return RedirectToPage();
        }
        var result = await Visitor.Session.SignInAsync(UserName.Trim(), Password);
        Password = string.Empty;
        return result.IsSignedIn ? RedirectToPage("/Boites") : RedirectToPage("/Code");
    }

    public IActionResult OnPostPsc()
    {
        var client = services.GetService<ProSanteConnectClient>();
        if (client is null)
        {
            Error = "Pro Santé Connect n'est pas configuré pour cette messagerie.";
            return Page();
        }
        var authorization = client.CreateAuthorization();
        Visitor.PscAuthorization = authorization;
        return services.GetService<DemoOperator>() is null
            ? Redirect(authorization.AuthorizationUri.AbsoluteUri)
            : RedirectToPage("/FauxPsc");   // the fake wallet, played inside the webmail
    }
}
