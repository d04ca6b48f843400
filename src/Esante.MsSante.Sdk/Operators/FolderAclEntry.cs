namespace Esante.MsSante.Operators;

/// <summary>One entry of a folder's access control list (IMAP ACL, RFC 4314).</summary>
/// <param name="Identifier">Who: an account's address (the operator's user name).</param>
/// <param name="Rights">The RFC 4314 rights letters, e.g. <c>lrs</c>.</param>
public sealed record FolderAclEntry(string Identifier, string Rights);
