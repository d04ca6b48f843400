using System.Globalization;

namespace Esante.MsSante;

/// <summary>
/// Where a message is: its folder, the folder's UIDVALIDITY and its UID (IMAP semantics, RFC 3501 §2.3.1.1).
/// A reference stays valid while the message stays in its folder.
/// </summary>
/// <param name="FolderPath">The folder's path.</param>
/// <param name="UidValidity">The folder's UIDVALIDITY when the reference was made.</param>
/// <param name="Uid">The message's UID in the folder.</param>
public readonly record struct MessageRef(string FolderPath, uint UidValidity, uint Uid)
{
    /// <summary>For example <c>INBOX;UIDVALIDITY=1;UID=42</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FolderPath};UIDVALIDITY={UidValidity};UID={Uid}");
}
