namespace Esante.MsSante;

/// <summary>What an import (the guide's « Importer ») stored, and what it left out and why.</summary>
/// <param name="Imported">How many messages were stored in the folder.</param>
/// <param name="Skipped">The archive's members that were not stored, in the archive's order.</param>
public sealed record MailboxImportResult(int Imported, IReadOnlyList<MailboxImportSkip> Skipped)
{
    /// <summary>
    /// The key, in <see cref="Exception.Data"/> of an exception that stopped an import after it started storing (a full
    /// mailbox, a cancellation, a lost connection), under which the <see cref="MailboxImportResult"/> of what was done
    /// until then is found: those messages are stored, the rest of the archive is not.
    /// </summary>
    public const string PartialResultKey = "Esante.MsSante.MailboxImportResult";
}
