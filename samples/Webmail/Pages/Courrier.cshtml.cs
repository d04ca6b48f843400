using Esante.MsSante.Samples.Webmail.Web;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>The mailbox: folders (« Échanges Patients » among them), the storage bar, a folder's messages with the MSSanté mark.</summary>
public sealed class CourrierModel(WebSessions sessions) : WebmailPage(sessions)
{
    [FromQuery(Name = "dossier")]
    public string? FolderPath { get; set; }

    [BindProperty]
    public string? NewFolder { get; set; }

    public IReadOnlyList<MailboxFolder> Folders { get; private set; } = [];

    public MailboxFolder? Current { get; private set; }

    public IReadOnlyList<MessageInfo> Messages { get; private set; } = [];

    public QuotaReport? Quota { get; private set; }

    public IReadOnlyDictionary<string, string> Tags { get; private set; } = new Dictionary<string, string>();

    protected override async Task LoadAsync()
    {
        var cancel = HttpContext.RequestAborted;
        Folders = [.. MailFolders(await Mailbox.Folders.ListAsync(cancel)).OrderBy(f => Order(f.Role)).ThenBy(f => f.Path, StringComparer.CurrentCulture)];
        Current = Folders.FirstOrDefault(f => f.Path == FolderPath) ?? Folders.FirstOrDefault(f => f.Role == FolderRole.Inbox);
        var list = new List<MessageInfo>();
        await foreach (var message in Mailbox.Messages.ListAsync(Current?.Path, cancel))
        {
            list.Add(message);
        }
        list.Reverse();   // newest first
        Messages = list;
        Quota = await QuotaAsync(Mailbox, cancel);
        Tags = (await Mailbox.Tags.ListAsync(cancel)).ToDictionary(t => t.Name, t => t.Colour, StringComparer.OrdinalIgnoreCase);
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostDossierAsync()
    {
        var created = await Mailbox.Folders.CreateAsync((NewFolder ?? string.Empty).Trim(), HttpContext.RequestAborted);
        Notice = $"Dossier « {created.Name} » créé.";
        return RedirectToPage(new { dossier = created.Path });
    }

    public async Task<IActionResult> OnPostViderAsync()
    {
        var emptied = await Mailbox.Folders.EmptyTrashAsync(HttpContext.RequestAborted);
        Notice = $"Corbeille vidée ({emptied} message(s)).";
        return RedirectToPage(new { dossier = FolderPath });
    }

    public static async Task<QuotaReport?> QuotaAsync(IMailboxClient mailbox, CancellationToken cancel) =>
        mailbox.Capabilities.HasFlag(MailboxCapabilities.Quota) ? await mailbox.GetQuotaAsync(cancel) : null;

    /// <summary>The folders of mail: contact folders (vCards under « Contacts ») have their own place in Préférences.</summary>
    public static IEnumerable<MailboxFolder> MailFolders(IEnumerable<MailboxFolder> folders) =>
        folders.Where(f => f.Role != FolderRole.Contacts);

    public static string Link(MessageInfo message) =>
        $"/message?m={Uri.EscapeDataString(message.Ref.ToString())}";

    public static string DraftLink(MessageInfo message) =>
        $"/nouveau-message?brouillon={Uri.EscapeDataString(message.Ref.ToString())}";

    /// <summary>The folders' names as the guide shows them.</summary>
    public static string Label(MailboxFolder folder) => folder.Role switch
    {
        FolderRole.Inbox => "Réception",
        FolderRole.Sent => "Envoyé",
        FolderRole.Drafts => "Brouillons",
        FolderRole.Trash => "Corbeille",
        FolderRole.Junk => "Spam",
        FolderRole.PatientExchanges => "Échanges Patients",
        _ => folder.Name,
    };

    private static int Order(FolderRole role) => role switch
    {
        FolderRole.Inbox => 0,
        FolderRole.PatientExchanges => 1,
        FolderRole.Sent => 2,
        FolderRole.Drafts => 3,
        FolderRole.Junk => 5,
        FolderRole.Trash => 6,
        _ => 4,
    };
}
