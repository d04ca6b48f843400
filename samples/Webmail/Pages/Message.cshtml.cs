using Esante.MsSante.Samples.Webmail.Web;
using Esante.MsSante.Xdm;
using Microsoft.AspNetCore.Mvc;

namespace Esante.MsSante.Samples.Webmail.Pages;

/// <summary>Reading a message: the MSSanté mark, attachments, an IHE_XDM.zip's documents, read receipts sent and received.</summary>
public sealed class MessageModel(WebSessions sessions) : WebmailPage(sessions)
{
    /// <summary>The message, from one query parameter: <see cref="MessageRef"/> reads back its own string.</summary>
    [FromQuery(Name = "m")]
    public MessageRef Ref { get; set; }

    public string FolderPath => Ref.FolderPath ?? string.Empty;

    public ReceivedMessage? Message { get; private set; }

    public XdmArchive? Xdm { get; private set; }

    public IReadOnlyList<MailboxFolder> Folders { get; private set; } = [];

    public IReadOnlyList<MessageTag> Tags { get; private set; } = [];

    protected override async Task LoadAsync()
    {
        var cancel = HttpContext.RequestAborted;
        Message = await Mailbox.Messages.ReadAsync(Ref, cancel);
        Xdm = ReadXdm(Message);
        Folders = [.. CourrierModel.MailFolders(await Mailbox.Folders.ListAsync(cancel))];
        Tags = await Mailbox.Tags.ListAsync(cancel);
    }

    public async Task OnGetAsync()
    {
        await LoadAsync();
        if (!Message!.Summary.IsRead)
        {
            await Mailbox.Messages.MarkAsReadAsync(Ref, HttpContext.RequestAborted);
        }
    }

    public async Task<IActionResult> OnGetPieceJointeAsync(int index)
    {
        var message = await Mailbox.Messages.ReadAsync(Ref, HttpContext.RequestAborted);
        if (index < 0 || index >= message.Attachments.Count)
        {
            return NotFound();
        }
        var attachment = message.Attachments[index];
        return File(await attachment.ReadAllBytesAsync(HttpContext.RequestAborted), attachment.ContentType, attachment.FileName);
    }

    public async Task<IActionResult> OnGetDocumentAsync(int index)
    {
        var xdm = ReadXdm(await Mailbox.Messages.ReadAsync(Ref, HttpContext.RequestAborted));
        if (xdm is null || index < 0 || index >= xdm.Documents.Count || xdm.Documents[index].Content is not { } content)
        {
            return NotFound();
        }
        var document = xdm.Documents[index];
        return File(content, document.MimeType ?? "application/octet-stream", Path.GetFileName(document.Uri ?? $"document{index + 1}"));
    }

    public async Task<IActionResult> OnPostAccuseAsync()
    {
        await Mailbox.Messages.SendReadReceiptAsync(Ref, ReadReceipt.Displayed, HttpContext.RequestAborted);
        Notice = "Accusé de lecture envoyé.";
        return RedirectToPage(new { m = Ref.ToString() });
    }

    public async Task<IActionResult> OnPostDeplacerAsync(string target)
    {
        await Mailbox.Messages.MoveAsync(Ref, target, HttpContext.RequestAborted);
        Notice = "Message déplacé.";
        return RedirectToPage("/Courrier", new { dossier = FolderPath });
    }

    public async Task<IActionResult> OnPostTagAsync(string tag)
    {
        await Mailbox.Messages.TagAsync(Ref, tag, HttpContext.RequestAborted);
        Notice = $"Tag « {tag} » ajouté.";
        return RedirectToPage(new { m = Ref.ToString() });
    }

    public async Task<IActionResult> OnPostSupprimerAsync()
    {
        await Mailbox.Messages.DeleteAsync(Ref, HttpContext.RequestAborted);
        Notice = "Message supprimé.";
        return RedirectToPage("/Courrier", new { dossier = FolderPath });
    }

    /// <summary>The archive's documents; a damaged archive is reported on the page rather than failing it.</summary>
    private XdmArchive? ReadXdm(ReceivedMessage message)
    {
        try
        {
            return message.ReadXdmArchive();
        }
        catch (Exception e) when (e is InvalidDataException or MssanteException or FormatException)
        {
            Error = "L'archive IHE_XDM.zip n'a pas pu être lue.";
            return null;
        }
    }
}
