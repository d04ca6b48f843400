using System.Globalization;
using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>
/// « Préférences »: signatures, « Hors du bureau », the notification address, retention per folder, tags and their colours,
/// contact folders and sharing with the guide's three roles, « Importer/Exporter », and « Capacité de stockage ».
/// Each section is its own form: an error keeps what was typed in it.
/// </summary>
public sealed class PreferencesModel(WebSessions sessions) : WebmailPage(sessions)
{
    // Signatures
    [BindProperty] public string? SignatureName { get; set; }
    [BindProperty] public string? SignatureText { get; set; }
    [BindProperty] public string? DefaultSignature { get; set; }
    [BindProperty] public SignaturePosition Position { get; set; }

    // Hors du bureau
    [BindProperty] public bool AutoReplyOn { get; set; }
    [BindProperty] public string? AutoReplySubject { get; set; }
    [BindProperty] public string? AutoReplyText { get; set; }
    [BindProperty] public DateOnly? AutoReplyFirstDay { get; set; }
    [BindProperty] public DateOnly? AutoReplyLastDay { get; set; }

    // Réception des mails
    [BindProperty] public string? NotificationAddress { get; set; }
    [BindProperty] public string? ForwardTo { get; set; }
    [BindProperty] public bool KeepForwardedCopy { get; set; } = true;

    // Conservation
    [BindProperty] public string? RetentionFolder { get; set; }
    [BindProperty] public int RetentionCount { get; set; } = 30;
    [BindProperty] public RetentionUnit RetentionUnit { get; set; } = RetentionUnit.Days;

    // Tags
    [BindProperty] public string? TagName { get; set; }
    [BindProperty] public string TagColour { get; set; } = "#0a5aa4";

    // Contacts et partage
    [BindProperty] public string? ContactFolder { get; set; }
    [BindProperty] public string? ContactName { get; set; }
    [BindProperty] public string? ContactEmail { get; set; }
    [BindProperty] public string? ShareFolder { get; set; }
    [BindProperty] public string? ShareWith { get; set; }
    [BindProperty] public ShareRole ShareRole { get; set; } = ShareRole.Manager;
    [BindProperty] public bool ShareNotice { get; set; } = true;

    // Importer/Exporter
    [BindProperty] public string? ExportFolder { get; set; }
    [BindProperty] public string? ImportFolder { get; set; }
    [BindProperty] public IFormFile? ImportFile { get; set; }

    public MailboxSignatures Signatures { get; private set; } = MailboxSignatures.None;
    public MailboxRules Rules { get; private set; } = MailboxRules.None;
    public IReadOnlyList<MailboxFolder> Folders { get; private set; } = [];
    public IReadOnlyDictionary<string, RetentionPeriod> Retention { get; private set; } = new Dictionary<string, RetentionPeriod>();
    public IReadOnlyList<MessageTag> Tags { get; private set; } = [];
    public IReadOnlyList<(string Name, IReadOnlyList<StoredContact> Contacts)> ContactFolders { get; private set; } = [];
    public IReadOnlyList<(string Folder, FolderShare Share)> Shares { get; private set; } = [];

    /// <summary>The folders one shares: one's own mail folders and contact folders (« Partage d'un dossier de contacts »).</summary>
    public static bool Shareable(MailboxFolder folder) => folder.Role is FolderRole.None or FolderRole.Archive or FolderRole.Contacts;

    public QuotaReport? Quota { get; private set; }

    public bool Has(MailboxCapabilities capability) => Mailbox.Capabilities.HasFlag(capability);

    protected override async Task LoadAsync()
    {
        var cancel = HttpContext.RequestAborted;
        Folders = await Mailbox.Folders.ListAsync(cancel);
        Tags = await Mailbox.Tags.ListAsync(cancel);
        Quota = await CourrierModel.QuotaAsync(Mailbox, cancel);
        if (Has(MailboxCapabilities.Settings))
        {
            Signatures = await Mailbox.Settings.GetSignaturesAsync(cancel);
            Retention = await Mailbox.Folders.GetRetentionAsync(cancel);
        }
        if (Has(MailboxCapabilities.Rules))
        {
            Rules = await Mailbox.Settings.GetRulesAsync(cancel);
        }
        var contacts = new List<(string, IReadOnlyList<StoredContact>)>();
        foreach (var folder in await Mailbox.Contacts.ListFoldersAsync(cancel))
        {
            contacts.Add((folder, await Mailbox.Contacts.ListAsync(folder, cancel)));
        }
        ContactFolders = contacts;
        if (Has(MailboxCapabilities.Sharing))
        {
            var shares = new List<(string, FolderShare)>();
            foreach (var folder in Folders.Where(Shareable))
            {
                try
                {
                    shares.AddRange((await Mailbox.Folders.GetSharesAsync(folder.Path, cancel)).Select(s => (folder.Path, s)));
                }
                catch (MailboxAccessDeniedException)
                {
                    // A delegate may not administer the structure's folders: their shares are not theirs to see.
                }
            }
            Shares = shares;
        }
    }

    public async Task OnGetAsync()
    {
        await LoadAsync();
        DefaultSignature = Signatures.DefaultName;
        Position = Signatures.Position;
        if (Rules.AutoReply is { } reply)
        {
            (AutoReplyOn, AutoReplySubject, AutoReplyText, AutoReplyFirstDay, AutoReplyLastDay) = (true, reply.Subject, reply.Text, reply.FirstDay, reply.LastDay);
        }
        (NotificationAddress, ForwardTo, KeepForwardedCopy) = (Rules.NotificationAddress, Rules.ForwardTo, Rules.ForwardTo is null || Rules.KeepForwardedCopy);
    }

    public async Task<IActionResult> OnPostSignatureAsync()
    {
        var current = await Mailbox.Settings.GetSignaturesAsync(HttpContext.RequestAborted);
        var list = current.Signatures.ToList();
        if (!string.IsNullOrWhiteSpace(SignatureName))
        {
            list.RemoveAll(s => string.Equals(s.Name, SignatureName.Trim(), StringComparison.OrdinalIgnoreCase));
            list.Add(new MailboxSignature(SignatureName.Trim(), SignatureText ?? string.Empty));
        }
        var chosen = string.IsNullOrEmpty(DefaultSignature) ? SignatureName?.Trim() ?? current.DefaultName : DefaultSignature;
        await Mailbox.Settings.SetSignaturesAsync(new MailboxSignatures { Signatures = list, DefaultName = chosen, Position = Position }, HttpContext.RequestAborted);
        return Saved("Signatures enregistrées.", "signatures");
    }

    public async Task<IActionResult> OnPostHorsDuBureauAsync()
    {
        var rules = await Mailbox.Settings.GetRulesAsync(HttpContext.RequestAborted);
        var reply = AutoReplyOn
            ? new AutoReply(AutoReplySubject ?? string.Empty, AutoReplyText ?? string.Empty) { FirstDay = AutoReplyFirstDay, LastDay = AutoReplyLastDay }
            : null;
        await Mailbox.Settings.SetRulesAsync(rules with { AutoReply = reply }, HttpContext.RequestAborted);
        return Saved(AutoReplyOn ? "Message d'absence activé." : "Message d'absence désactivé.", "hors-du-bureau");
    }

    public async Task<IActionResult> OnPostReceptionAsync()
    {
        var rules = await Mailbox.Settings.GetRulesAsync(HttpContext.RequestAborted);
        await Mailbox.Settings.SetRulesAsync(rules with
        {
            NotificationAddress = Blank(NotificationAddress),
            ForwardTo = Blank(ForwardTo),
            KeepForwardedCopy = KeepForwardedCopy,
        }, HttpContext.RequestAborted);
        return Saved("Réception des mails enregistrée.", "reception");
    }

    public async Task<IActionResult> OnPostConservationAsync(bool disable)
    {
        var folder = RetentionFolder ?? throw new PageException("Choisissez un dossier.");
        await Mailbox.Folders.SetRetentionAsync(folder, disable ? null : new RetentionPeriod(RetentionCount, RetentionUnit), HttpContext.RequestAborted);
        return Saved(disable ? "Mise au rebut désactivée." : "Mise au rebut des messages activée.", "conservation");
    }

    public async Task<IActionResult> OnPostTagAsync()
    {
        await Mailbox.Tags.CreateAsync((TagName ?? string.Empty).Trim(), TagColour, HttpContext.RequestAborted);
        return Saved($"Tag « {TagName} » créé.", "tags");
    }

    public async Task<IActionResult> OnPostSupprimerTagAsync(string name)
    {
        await Mailbox.Tags.DeleteAsync(name, HttpContext.RequestAborted);
        return Saved($"Tag « {name} » supprimé.", "tags");
    }

    public async Task<IActionResult> OnPostDossierContactsAsync()
    {
        await Mailbox.Contacts.CreateFolderAsync((ContactFolder ?? string.Empty).Trim(), HttpContext.RequestAborted);
        return Saved($"Dossier de contacts « {ContactFolder} » créé.", "contacts");
    }

    public async Task<IActionResult> OnPostContactAsync()
    {
        var folder = ContactFolder ?? throw new PageException("Choisissez un dossier de contacts.");
        await Mailbox.Contacts.AddAsync(folder, new Contact((ContactName ?? string.Empty).Trim()) { Email = Blank(ContactEmail) }, HttpContext.RequestAborted);
        return Saved("Contact ajouté.", "contacts");
    }

    public async Task<IActionResult> OnPostPartagerAsync()
    {
        var folder = ShareFolder ?? throw new PageException("Choisissez un dossier à partager.");
        await Mailbox.Folders.ShareAsync(folder, MssanteAddress.Parse((ShareWith ?? string.Empty).Trim()), ShareRole, ShareNotice, HttpContext.RequestAborted);
        return Saved($"Dossier partagé ({RoleLabel(ShareRole)}).", "partage");
    }

    public async Task<IActionResult> OnPostRetirerPartageAsync(string folder, string grantee)
    {
        await Mailbox.Folders.UnshareAsync(folder, MssanteAddress.Parse(grantee), HttpContext.RequestAborted);
        return Saved("Partage retiré.", "partage");
    }

    /// <summary>« Exporter »: the folder (or every folder) as an mbox file the browser downloads.</summary>
    public async Task<IActionResult> OnPostExporterAsync()
    {
        var folder = Blank(ExportFolder);
        var buffer = new MemoryStream();
        await Mailbox.Folders.ExportAsync(folder, buffer, MailboxExportFormat.Mbox, HttpContext.RequestAborted);
        buffer.Position = 0;
        var name = folder is null ? "tous-les-dossiers" : string.Concat(folder.Select(c => char.IsLetterOrDigit(c) ? c : '-'));
        return File(buffer, "application/mbox", $"{name}-{DateTime.Now.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.mbox");
    }

    public async Task<IActionResult> OnPostImporterAsync()
    {
        var file = ImportFile ?? throw new PageException("Choisissez un fichier mbox à importer.");
        await using var stream = file.OpenReadStream();
        var result = await Mailbox.Folders.ImportAsync(Blank(ImportFolder), stream, MailboxExportFormat.Mbox, HttpContext.RequestAborted);
        return Saved($"{result.Imported} message(s) importé(s)" + (result.Skipped.Count > 0 ? $", {result.Skipped.Count} ignoré(s)." : "."), "import-export");
    }

    public static string RoleLabel(ShareRole? role) => role switch
    {
        ShareRole.Viewer => "Visionneur",
        ShareRole.Manager => "Gestionnaire",
        ShareRole.Administrator => "Admin",
        _ => "droits particuliers",
    };

    public static string UnitLabel(RetentionUnit unit) => unit switch
    {
        RetentionUnit.Days => "jour(s)",
        RetentionUnit.Weeks => "semaine(s)",
        _ => "mois",
    };

    private RedirectToPageResult Saved(string notice, string section)
    {
        Notice = notice;
        return RedirectToPage(null, null, null, section);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
