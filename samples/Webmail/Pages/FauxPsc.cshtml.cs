using Esante.MsSante.Samples.Webmail.Web;
using Esante.MsSante.Testing;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>
/// The demonstration's stand-in for Pro Santé Connect's own pages: the fake PSC "logs in" the chosen professional and
/// sends the browser back to the webmail's callback with a code, as the real one would.
/// </summary>
public sealed class FauxPscModel(WebSessions sessions, IServiceProvider services) : WebmailPage(sessions)
{
    protected override PageAccess Access => PageAccess.Anonymous;

    private DemoOperator Demo => services.GetService<DemoOperator>() ?? throw new PageException("Pas de Pro Santé Connect fictif avec un vrai opérateur.");

    public IEnumerable<FakeAccount> Accounts => Demo.Accounts.Where(a => a.Identifier is not null);

    public IActionResult OnGet() => Visitor.PscAuthorization is null ? RedirectToPage("/Index") : Page();

    public IActionResult OnPost(string userName)
    {
        var authorization = Visitor.PscAuthorization ?? throw new PageException("Recommencez depuis « Se connecter avec Pro Santé Connect ».");
        var account = Demo.Accounts.First(a => a.UserName == userName);
        var callback = Demo.Psc.LogIn(authorization.AuthorizationUri, account);
        return Redirect("/psc/retour" + callback.Query);
    }
}
