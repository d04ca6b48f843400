namespace Esante.MsSante;

/// <summary>
/// What a colleague may do in a folder shared with them (« Partager un dossier »: Lecture seule, Gestionnaire,
/// Administrateur), as IMAP ACL rights (RFC 4314).
/// </summary>
public enum ShareRole
{
    /// <summary>See and read (« Lecture seule »): <c>lrs</c>.</summary>
    Viewer,

    /// <summary>Also add, flag, tag and delete messages (« Gestionnaire »): <c>lrswite</c>.</summary>
    Manager,

    /// <summary>Also create and delete subfolders and share the folder in turn (« Administrateur »): <c>lrswitekxa</c>.</summary>
    Administrator,
}

/// <summary>A colleague a folder is shared with.</summary>
/// <param name="Grantee">The colleague's address.</param>
/// <param name="Role">Their role, or null when their rights (set by another program) match none exactly.</param>
/// <param name="Rights">Their RFC 4314 rights.</param>
public sealed record FolderShare(string Grantee, ShareRole? Role, string Rights)
{
    internal static string RightsOf(ShareRole role) => role switch
    {
        ShareRole.Viewer => "lrs",
        ShareRole.Manager => "lrswite",
        ShareRole.Administrator => "lrswitekxa",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    /// <summary>
    /// The guide's « mail standard »: who shares which folder, the role granted, and where the colleague finds it. Nothing
    /// of the folder's content.
    /// </summary>
    internal static OutgoingMessage Notice(string folderPath, MailboxDescriptor mailbox, string? ownerName, MssanteAddress colleague, ShareRole role)
    {
        var isContacts = folderPath.StartsWith(ContactFolders.Root + "/", StringComparison.Ordinal);
        var name = isContacts ? folderPath[(ContactFolders.Root.Length + 1)..] : folderPath;
        var kind = isContacts ? "le dossier de contacts" : "le dossier";
        var owner = ownerName is null ? mailbox.Address.Value : $"{ownerName} ({mailbox.Address.Value})";
        var granted = role switch
        {
            ShareRole.Viewer => "Visionneur (afficher)",
            ShareRole.Manager => "Gestionnaire (afficher, modifier, ajouter, supprimer)",
            _ => "Administrateur (afficher, modifier, ajouter, supprimer, administrer le partage)",
        };
        var notice = new OutgoingMessage
        {
            Subject = $"Partage : {name}",
            TextBody = $"{owner} partage avec vous {kind} « {name} ».\r\nRôle : {granted}.\r\n" +
                $"Il apparaît dans votre messagerie parmi les boîtes partagées avec vous, sous {mailbox.Address.Value}.\r\n",
            IncludeSignature = false,
        };
        notice.To.Add(colleague);
        return notice;
    }

    internal static ShareRole? RoleOf(string rights)
    {
        // "c" and "d" are RFC 4314 §2.1.1's virtual rights, which a server adds when it returns any of the rights they stand
        // for (Dovecot answers "eilrwtsd" for lrswite): they say nothing more.
        var letters = new string([.. rights.Where(c => c is not ('c' or 'd')).Distinct().Order()]);
        return Enum.GetValues<ShareRole>().Cast<ShareRole?>().FirstOrDefault(r => new string([.. RightsOf(r!.Value).Order()]) == letters);
    }
}
