using Esante.MsSante.Directory;
using Esante.MsSante.ProSanteConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Esante.MsSante.Samples.Webmail.Web;

/// <summary>A step the person cannot take now, in words for them (shown on the page like the SDK's errors).</summary>
public sealed class PageException(string message) : Exception(message);

/// <summary>What a page needs before its handler runs.</summary>
public enum PageAccess
{
    /// <summary>Anyone (sign-in, first connection): a server-side entry is created for the browser.</summary>
    Anonymous,

    /// <summary>A signed-in SDK session.</summary>
    SignedIn,

    /// <summary>A signed-in session with a mailbox open.</summary>
    Mailbox,
}

/// <summary>
/// The pages' common ground: the browser's <see cref="WebUser"/>, the SDK's errors shown on the page (the bound form fields
/// are rendered again, so nothing typed is lost), and the web session ended when the SDK's ends.
/// </summary>
public abstract class WebmailPage(WebSessions sessions) : PageModel
{
    /// <summary>Sent by the pages' script when it fetches a piece of page (an HTML fragment) rather than a page.</summary>
    public const string FragmentHeader = "X-Webmail-Fragment";

    protected WebSessions Sessions { get; } = sessions;

    protected virtual PageAccess Access => PageAccess.Mailbox;

    public WebUser Visitor { get; private set; } = null!;

    public IMailboxClient Mailbox => Visitor.Mailbox ?? throw new InvalidOperationException("No mailbox is open.");

    /// <summary>The error of the last action, shown at the top of the page.</summary>
    public string? Error { get; set; }

    /// <summary>A confirmation carried over a redirect.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>Loads what the page shows besides the form (lists, folders): on GET and again after an error.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Access == PageAccess.Anonymous)
        {
            Visitor = Sessions.GetOrCreate(HttpContext);
        }
        else
        {
            var user = Sessions.Find(HttpContext);
            if (user is null || user.Session.State != SessionState.SignedIn)
            {
                await Sessions.EndAsync(HttpContext);
                context.Result = RedirectToPage("/Index", new { fin = user is null ? null : "session" });
                return;
            }
            Visitor = user;
            if (Access == PageAccess.Mailbox && user.Mailbox is null)
            {
                context.Result = RedirectToPage("/Boites");
                return;
            }
        }

        var executed = await next();
        if (Access != PageAccess.Anonymous && Visitor.Session.State != SessionState.SignedIn)
        {
            // The SDK's session ended under this request (expiry, token refused): so does the web session.
            executed.ExceptionHandled = executed.Exception is not null;
            await Sessions.EndAsync(HttpContext);
            executed.Result = RedirectToPage("/Index", new { fin = "session" });
            return;
        }
        if (executed.Exception is { } exception && Describe(exception) is { } message)
        {
            executed.ExceptionHandled = true;
            Error = message;
            if (Request.Headers.ContainsKey(FragmentHeader))
            {
                // A piece of page fetched by the page's script (directory search): the message alone, in its place.
                executed.Result = Content($"<p class=\"erreur\">{System.Net.WebUtility.HtmlEncode(message)}</p>", "text/html; charset=utf-8");
                return;
            }
            await LoadAsync();
            executed.Result = Page();
        }
    }

    /// <summary>What a person reads for an error of the SDK (or of their input); null for a bug, left to the error page.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        MessageRejectedException e => "Message refusé avant l'envoi, rien n'a été envoyé : " + string.Join(" ; ", e.Violations.Select(Violation)),
        RecipientsRejectedException e => "Destinataire(s) refusé(s) par l'opérateur, rien n'a été envoyé : " + string.Join(", ", e.Recipients.Select(r => r.Address)),
        DeliveryUncertainException => "L'envoi est incertain (la connexion a été perdue après la remise du message) : demandez au destinataire avant de le renvoyer.",
        QuotaExceededException => "La capacité de stockage de la boîte est atteinte : supprimez des messages et videz la corbeille.",
        MssanteAuthenticationException e => e.Failure switch
        {
            AuthenticationFailure.InvalidCredentials => "Nom d'utilisateur ou mot de passe incorrect.",
            AuthenticationFailure.InvalidOneTimeCode => "Code à usage unique incorrect.",
            AuthenticationFailure.ReplayedOneTimeCode => "Ce code a déjà servi : attendez le code suivant.",
            AuthenticationFailure.SecondFactorExpired => "Le code a expiré : reconnectez-vous.",
            AuthenticationFailure.AccountLocked => "Compte verrouillé après trop d'essais" + (e.LockedUntil is { } until ? $" jusqu'à {until.ToLocalTime():HH:mm}." : "."),
            AuthenticationFailure.ResetLinkExpired => "Ce lien a expiré (il est valable 1 h) : demandez-en un autre.",
            AuthenticationFailure.ResetLinkAlreadyUsed => "Ce lien a déjà servi : demandez-en un autre.",
            AuthenticationFailure.ResetLinkInvalid => "Ce lien n'est pas valable.",
            AuthenticationFailure.PasswordRejected => "Mot de passe refusé : " + e.Message,
            _ => "Authentification refusée : " + e.Message,
        },
        MailboxAccessDeniedException => "Vous n'avez pas accès à cette boîte aux lettres.",
        MssanteFolderNotFoundException => "Ce dossier n'existe pas.",
        MssanteMessageNotFoundException => "Ce message n'existe plus (déplacé ou supprimé).",
        MssanteConnectionException => "L'opérateur ne répond pas : réessayez dans un instant.",
        DirectorySourceException => "L'annuaire ne répond pas : réessayez dans un instant.",
        ProSanteConnectException e => "Pro Santé Connect a refusé la connexion : " + e.Message,
        MssanteException e => e.Message,
        FormatException or ArgumentException => "Saisie non valable : " + exception.Message,
        PageException e => e.Message,
        _ => null,
    };

    private static string Violation(PolicyViolation violation) =>
        violation is { Code: PolicyViolationCodes.AttachmentsTooLarge, Limit: { } limit, Actual: { } total }
            ? $"les pièces jointes font {Megabytes(total)} au total, au-delà de la limite de {Megabytes(limit)} : retirez-en, ou envoyez-les en plusieurs messages"
            : violation.Message;

    /// <summary>Megabytes as the guide writes its limit: « 15 Mo », « 15,5 Mo ».</summary>
    private static string Megabytes(long bytes) =>
        (bytes / (1024.0 * 1024.0)).ToString("0.#", new System.Globalization.NumberFormatInfo { NumberDecimalSeparator = "," }) + " Mo";

    /// <summary>A size as the guide writes it (Ko, Mo).</summary>
    public static string Size(long bytes) => bytes < 1024 * 1024
        ? $"{Math.Max(1, bytes / 1024)} Ko"
        : $"{bytes / (1024.0 * 1024.0):0.0} Mo";
}
