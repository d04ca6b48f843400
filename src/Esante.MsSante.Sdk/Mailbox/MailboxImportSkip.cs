namespace Esante.MsSante;

/// <summary>
/// A member of an imported archive that was not stored. Says where it is and why, never what it holds: no subject,
/// address or content, which are health data.
/// </summary>
/// <param name="Position">
/// Where it is in the archive, from 1: the n-th message (« From » line) of an mbox file, or the n-th entry of a zip
/// archive as a zip tool lists them.
/// </param>
/// <param name="Reason">Why it was not stored.</param>
public sealed record MailboxImportSkip(int Position, MailboxImportSkipReason Reason);
