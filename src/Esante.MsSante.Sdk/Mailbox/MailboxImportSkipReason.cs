namespace Esante.MsSante;

/// <summary>Why a member of an imported archive was not stored.</summary>
public enum MailboxImportSkipReason
{
    /// <summary>It is larger than <see cref="MailboxClient.MaxImportedMessageBytes"/>; it was not read into memory.</summary>
    TooLarge,

    /// <summary>It is not an RFC 5322 message: empty, or without a header MimeKit can read.</summary>
    Malformed,

    /// <summary>The zip archive's data for this entry is damaged (it cannot be decompressed, or its checksum is wrong).</summary>
    Damaged,

    /// <summary>A file of the zip archive whose name does not end in <c>.eml</c>.</summary>
    NotAMessageFile,
}
