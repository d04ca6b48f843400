using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>
/// The page the reset link opens: new password, the one-time code's channel (e-mail, or an authenticator app with its QR
/// code), then « Tester la saisie d'un OTP », which saves both.
/// </summary>
public sealed class NouveauMotDePasseModel(WebSessions sessions) : WebmailPage(sessions)
{
    protected override PageAccess Access => PageAccess.Anonymous;

    [BindProperty] public string NewPassword { get; set; } = string.Empty;
    [BindProperty] public string Confirmation { get; set; } = string.Empty;
    [BindProperty] public string? OtpEmail { get; set; }
    [BindProperty] public OtpChannel Channel { get; set; } = OtpChannel.Email;
    [BindProperty] public string TestCode { get; set; } = string.Empty;

    /// <summary>The otpauth:// address drawn as a PNG (QRCoder's PNG writer needs no System.Drawing).</summary>
    public string? QrCodePng => Visitor.Enrolment?.Authenticator is { } app ? Convert.ToBase64String(Qr(app.OtpAuthUri)) : null;

    public IActionResult OnGet([FromQuery(Name = "lien")] string? link)
    {
        if (link is not null)
        {
            // Kept server-side, and out of the address bar and history at once.
            Visitor.ResetLink = Uri.TryCreate(link, UriKind.Absolute, out var uri) ? uri : null;
            Visitor.Enrolment = null;
            return RedirectToPage();
        }
        return Page();
    }

    public async Task<IActionResult> OnPostDefinirAsync()
    {
        var (link, portal) = Current();
        var choice = Channel == OtpChannel.AuthenticatorApp ? OtpChannelChoice.ByAuthenticatorApp() : OtpChannelChoice.ByEmail((OtpEmail ?? string.Empty).Trim());
        Visitor.Enrolment = await portal.StartPasswordSetupAsync(link, NewPassword, Confirmation, choice, HttpContext.RequestAborted);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostTesterAsync()
    {
        var (link, portal) = Current();
        await portal.CompletePasswordSetupAsync(link, TestCode.Trim(), HttpContext.RequestAborted);
        (Visitor.ResetLink, Visitor.Enrolment) = (null, null);
        Notice = "Votre mot de passe et votre code à usage unique sont enregistrés : vous pouvez vous connecter.";
        return RedirectToPage("/Index");
    }

    private (Uri Link, IAccountPortal Portal) Current() =>
        (Visitor.ResetLink ?? throw new PageException("Ouvrez d'abord le lien reçu par e-mail."),
         Visitor.Session.Portal ?? throw new PageException("La première connexion se fait sur le site de votre opérateur."));

    private static byte[] Qr(Uri otpAuth)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpAuth.AbsoluteUri, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(6);
    }
}
