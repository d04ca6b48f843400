using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>« Sélection de la boîte aux lettres »: the person's own and the organisational ones they are a delegate of.</summary>
public sealed class BoitesModel(WebSessions sessions) : WebmailPage(sessions)
{
    protected override PageAccess Access => PageAccess.SignedIn;

    public IReadOnlyList<MailboxDescriptor> Mailboxes { get; private set; } = [];

    protected override async Task LoadAsync() => Mailboxes = await Visitor.Session.ListMailboxesAsync(HttpContext.RequestAborted);

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync(string address)
    {
        var chosen = MssanteAddress.Parse(address);
        var opened = await Visitor.Session.OpenMailboxAsync(chosen, HttpContext.RequestAborted);
        if (Visitor.Mailbox is { } previous)
        {
            await previous.DisposeAsync();
        }
        Visitor.Mailbox = opened;
        return RedirectToPage("/Courrier");
    }
}
