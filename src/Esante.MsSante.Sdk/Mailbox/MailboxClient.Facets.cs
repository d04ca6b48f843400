using Esante.MsSante.Operators;

namespace Esante.MsSante;

// The facets of IMailboxClient: each operation is written once in MailboxClient.cs, under its historical name, and
// reached here under the facet's name.
internal sealed partial class MailboxClient : IMailboxFolders, IMailboxMessages, IMailboxDrafts, IMailboxTags, IMailboxContacts, IMailboxSettings
{
    /// <inheritdoc/>
    public IMailboxFolders Folders => this;

    /// <inheritdoc/>
    public IMailboxMessages Messages => this;

    /// <inheritdoc/>
    public IMailboxDrafts Drafts => this;

    /// <inheritdoc/>
    public IMailboxTags Tags => this;

    /// <inheritdoc/>
    public IMailboxContacts Contacts => this;

    /// <inheritdoc/>
    public IMailboxSettings Settings => this;

    Task<IReadOnlyList<MailboxFolder>> IMailboxFolders.ListAsync(CancellationToken cancellationToken) => GetFoldersAsync(cancellationToken);

    Task<MailboxFolder> IMailboxFolders.GetAsync(FolderRole role, CancellationToken cancellationToken) => GetFolderAsync(role, cancellationToken);

    Task<MailboxFolder> IMailboxFolders.CreateAsync(string path, CancellationToken cancellationToken) => CreateFolderAsync(path, cancellationToken);

    Task<MailboxFolder> IMailboxFolders.RenameAsync(string path, string newPath, CancellationToken cancellationToken) => RenameFolderAsync(path, newPath, cancellationToken);

    Task IMailboxFolders.DeleteAsync(string path, CancellationToken cancellationToken) => DeleteFolderAsync(path, cancellationToken);

    Task<int> IMailboxFolders.EmptyTrashAsync(CancellationToken cancellationToken) => EmptyTrashAsync(cancellationToken);

    Task<int> IMailboxFolders.ExportAsync(string? folderPath, Stream destination, MailboxExportFormat format, CancellationToken cancellationToken) => ExportFolderAsync(folderPath, destination, format, cancellationToken);

    Task<MailboxImportResult> IMailboxFolders.ImportAsync(string? folderPath, Stream source, MailboxExportFormat format, CancellationToken cancellationToken) => ImportFolderAsync(folderPath, source, format, cancellationToken);

    Task IMailboxFolders.ShareAsync(string folderPath, MssanteAddress colleague, ShareRole role, bool sendNotice, CancellationToken cancellationToken) => ShareFolderAsync(folderPath, colleague, role, sendNotice, cancellationToken);

    Task IMailboxFolders.UnshareAsync(string folderPath, MssanteAddress colleague, CancellationToken cancellationToken) => UnshareFolderAsync(folderPath, colleague, cancellationToken);

    Task<IReadOnlyList<FolderShare>> IMailboxFolders.GetSharesAsync(string folderPath, CancellationToken cancellationToken) => GetFolderSharesAsync(folderPath, cancellationToken);

    Task<IReadOnlyDictionary<string, RetentionPeriod>> IMailboxFolders.GetRetentionAsync(CancellationToken cancellationToken) => GetFolderRetentionAsync(cancellationToken);

    Task IMailboxFolders.SetRetentionAsync(string folderPath, RetentionPeriod? period, CancellationToken cancellationToken) => SetFolderRetentionAsync(folderPath, period, cancellationToken);

    Task<int> IMailboxFolders.ApplyRetentionAsync(CancellationToken cancellationToken) => ApplyRetentionAsync(cancellationToken);

    IAsyncEnumerable<MessageInfo> IMailboxMessages.ListAsync(string? folderPath, CancellationToken cancellationToken) => GetMessagesAsync(folderPath, cancellationToken);

    IAsyncEnumerable<MessageInfo> IMailboxMessages.WatchAsync(string? folderPath, MessageRef? after, CancellationToken cancellationToken) => WatchAsync(folderPath, after, cancellationToken);

    Task<ReceivedMessage> IMailboxMessages.ReadAsync(MessageRef message, CancellationToken cancellationToken) => ReadMessageAsync(message, cancellationToken);

    Task IMailboxMessages.MarkAsReadAsync(MessageRef message, CancellationToken cancellationToken) => MarkAsReadAsync(message, cancellationToken);

    Task IMailboxMessages.MarkAsUnreadAsync(MessageRef message, CancellationToken cancellationToken) => MarkAsUnreadAsync(message, cancellationToken);

    Task<MessageRef> IMailboxMessages.MoveAsync(MessageRef message, string targetFolderPath, CancellationToken cancellationToken) => MoveAsync(message, targetFolderPath, cancellationToken);

    Task<MessageRef?> IMailboxMessages.DeleteAsync(MessageRef message, CancellationToken cancellationToken) => DeleteAsync(message, cancellationToken);

    Task IMailboxMessages.TagAsync(MessageRef message, string tagName, CancellationToken cancellationToken) => TagAsync(message, tagName, cancellationToken);

    Task IMailboxMessages.UntagAsync(MessageRef message, string tagName, CancellationToken cancellationToken) => UntagAsync(message, tagName, cancellationToken);

    Task<SubmissionResult> IMailboxMessages.SendReadReceiptAsync(MessageRef message, ReadReceipt receipt, CancellationToken cancellationToken) => SendReadReceiptAsync(message, receipt, cancellationToken);

    Task<MessageRef> IMailboxDrafts.SaveAsync(OutgoingMessage message, MessageRef? replacing, CancellationToken cancellationToken) => SaveDraftAsync(message, replacing, cancellationToken);

    Task<OutgoingMessage> IMailboxDrafts.ReadAsync(MessageRef draft, CancellationToken cancellationToken) => ReadDraftAsync(draft, cancellationToken);

    Task<SubmissionResult> IMailboxDrafts.SendAsync(MessageRef draft, CancellationToken cancellationToken) => SendDraftAsync(draft, cancellationToken);

    Task<IReadOnlyList<MessageTag>> IMailboxTags.ListAsync(CancellationToken cancellationToken) => GetTagsAsync(cancellationToken);

    Task<MessageTag> IMailboxTags.CreateAsync(string name, string colour, CancellationToken cancellationToken) => CreateTagAsync(name, colour, cancellationToken);

    Task IMailboxTags.DeleteAsync(string name, CancellationToken cancellationToken) => DeleteTagAsync(name, cancellationToken);

    Task<IReadOnlyList<string>> IMailboxContacts.ListFoldersAsync(CancellationToken cancellationToken) => GetContactFoldersAsync(cancellationToken);

    Task IMailboxContacts.CreateFolderAsync(string name, CancellationToken cancellationToken) => CreateContactFolderAsync(name, cancellationToken);

    Task<IReadOnlyList<StoredContact>> IMailboxContacts.ListAsync(string folder, CancellationToken cancellationToken) => GetContactsAsync(folder, cancellationToken);

    Task<StoredContact> IMailboxContacts.AddAsync(string folder, Contact contact, CancellationToken cancellationToken) => AddContactAsync(folder, contact, cancellationToken);

    Task IMailboxContacts.DeleteAsync(StoredContact contact, CancellationToken cancellationToken) => DeleteContactAsync(contact, cancellationToken);

    Task<MailboxRules> IMailboxSettings.GetRulesAsync(CancellationToken cancellationToken) => GetRulesAsync(cancellationToken);

    Task IMailboxSettings.SetRulesAsync(MailboxRules rules, CancellationToken cancellationToken) => SetRulesAsync(rules, cancellationToken);

    Task<MailboxSignatures> IMailboxSettings.GetSignaturesAsync(CancellationToken cancellationToken) => GetSignaturesAsync(cancellationToken);

    Task IMailboxSettings.SetSignaturesAsync(MailboxSignatures signatures, CancellationToken cancellationToken) => SetSignaturesAsync(signatures, cancellationToken);
}
