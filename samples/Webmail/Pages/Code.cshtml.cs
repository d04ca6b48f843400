using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>The one-time code after the password (« Mot de passe unique »).</summary>
public sealed class CodeModel(WebSessions sessions) : WebmailPage(sessions)
{
    protected override PageAccess Access => PageAccess.Anonymous;

    [BindProperty]
    public string OneTimeCode { get; set; } = string.Empty;

    public string Hint { get; private set; } = string.Empty;

    protected override Task LoadAsync()
    {
        Hint = "Saisissez le code à usage unique" + (Visitor.Session.State == SessionState.AwaitingSecondFactor ? "." : " (reconnectez-vous d'abord).");
        return Task.CompletedTask;
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Visitor.Session.State != SessionState.AwaitingSecondFactor)
        {
            return RedirectToPage("/Index");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Visitor.Session.State != SessionState.AwaitingSecondFactor)
        {
            return RedirectToPage("/Index");
        }
        await Visitor.Session.CompleteSignInAsync(OneTimeCode.Trim());
        return RedirectToPage("/Boites");
    }
}
