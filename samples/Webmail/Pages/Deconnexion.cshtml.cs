using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>« Déconnexion »: the SDK session signs out, the mailbox closes, the cookie goes.</summary>
public sealed class DeconnexionModel(WebSessions sessions) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        if (sessions.Find(HttpContext) is { } user && user.Session.State == SessionState.SignedIn)
        {
            await user.Session.SignOutAsync();
        }
        await sessions.EndAsync(HttpContext);
        return RedirectToPage("/Index");
    }
}
