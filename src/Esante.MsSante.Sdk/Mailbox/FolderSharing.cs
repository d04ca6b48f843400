namespace Esante.MsSante.Mailbox;

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

    internal static ShareRole? RoleOf(string rights)
    {
        var letters = new string([.. rights.Distinct().Order()]);
        return Enum.GetValues<ShareRole>().Cast<ShareRole?>().FirstOrDefault(r => new string([.. RightsOf(r!.Value).Order()]) == letters);
    }
}
