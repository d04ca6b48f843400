namespace Esante.MsSante;

/// <summary>The file formats a folder is exported to (the guide's « Importer/Exporter »: keep a copy before freeing space).</summary>
public enum MailboxExportFormat
{
    /// <summary>
    /// One mbox file (RFC 4155) with Unix line ends and « mboxrd » quoting: a body line starting with <c>From </c> after any
    /// number of <c>&gt;</c> gets one more <c>&gt;</c>, so a reader can undo it exactly. Thunderbird, Apple Mail, mutt and
    /// most archivers read it.
    /// </summary>
    Mbox,

    /// <summary>
    /// A zip archive with one RFC 5322 message per <c>.eml</c> file, named by position (<c>00001.eml</c>, …), never by
    /// subject: file names would otherwise carry health data. Each file opens in any mail program as it is.
    /// </summary>
    EmlZip,
}
