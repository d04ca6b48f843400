using Esante.MsSante.Directory;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>
/// Pro Santé Connect's callback: the code exchanged (ID token, nonce and PKCE checked by the SDK), the professional's
/// MSSanté address looked up in the directory by their national identifier, then the SDK session signed in with the token.
/// </summary>
public sealed class PscRetourModel(WebSessions sessions, ProSanteConnectClient psc, IOptions<ProSanteConnectOptions> options, IDirectorySearch directory)
    : WebmailPage(sessions)
{
    protected override PageAccess Access => PageAccess.Anonymous;

    [BindProperty]
    public string Address { get; set; } = string.Empty;

    public string? Identity { get; private set; }

    protected override async Task LoadAsync()
    {
        if (Visitor.Psc is { } session)
        {
            var me = await session.GetUserInfoAsync(HttpContext.RequestAborted);
            Identity = $"{me.GivenName} {me.FamilyName} ({me.NationalIdentifier})";
            if (Address.Length == 0 && me.NationalId is { } id)
            {
                var found = await directory.SearchAsync(new DirectoryQuery { Identifier = id, Take = 1 }, HttpContext.RequestAborted);
                Address = (found.Entries.Count > 0 ? found.Entries[0].Address.Value : null) ?? string.Empty;
            }
        }
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Visitor.PscAuthorization is { } authorization && Request.QueryString.HasValue)
        {
            // The callback as registered (RedirectUri) with the query PSC sent back: state, code.
            var callback = new Uri(options.Value.RedirectUri!.GetLeftPart(UriPartial.Path) + Request.QueryString.Value);
            Visitor.PscAuthorization = null;
            Visitor.Psc = await psc.CompleteSignInAsync(authorization, callback, HttpContext.RequestAborted);
            return RedirectToPage();   // the code out of the address bar
        }
        if (Visitor.Psc is null)
        {
            return RedirectToPage("/Index");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var session = Visitor.Psc ?? throw new PageException("Recommencez depuis « Se connecter avec Pro Santé Connect ».");
        await Visitor.Session.SignInWithTokenAsync(Address.Trim(), session.GetAccessTokenAsync, HttpContext.RequestAborted);
        return RedirectToPage("/Boites");
    }
}
