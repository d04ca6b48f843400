namespace Esante.MsSante;

/// <summary>A folder of a mailbox (« dossier de mails »).</summary>
/// <param name="Path">The full path, with <see cref="Separator"/> between levels (e.g. <c>INBOX</c>, <c>Archives/2025</c>).</param>
/// <param name="Name">The last level of the path, as shown to people.</param>
/// <param name="Role">What the folder is for.</param>
/// <param name="MessageCount">How many messages it holds.</param>
/// <param name="UnreadCount">How many of them are unread.</param>
/// <param name="Separator">The hierarchy separator of the mailbox.</param>
public sealed record MailboxFolder(string Path, string Name, FolderRole Role, int MessageCount, int UnreadCount, char Separator = '/');
