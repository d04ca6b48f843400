using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>« Mot de passe oublié / Première connexion »: the operator e-mails a link valid one hour.</summary>
public sealed class MotDePasseOublieModel(WebSessions sessions) : WebmailPage(sessions)
{
    protected override PageAccess Access => PageAccess.Anonymous;

    [BindProperty]
    public string UserName { get; set; } = string.Empty;

    [BindProperty]
    public string ContactEmail { get; set; } = string.Empty;

    public bool Sent { get; private set; }

    /// <summary>A real operator's own page (its portal is not an API); null when the operator offers the portal.</summary>
    public Uri? ResetPage => Visitor.Session.Portal is null ? Visitor.Session.PasswordResetPage : null;

    public void OnGet()
    {
    }

    public async Task OnPostAsync()
    {
        if (Visitor.Session.Portal is { } portal)
        {
            await portal.RequestPasswordResetAsync(UserName.Trim(), ContactEmail.Trim(), HttpContext.RequestAborted);
            Sent = true;
        }
    }
}
