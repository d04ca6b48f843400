namespace Esante.MsSante;

/// <summary>The system flags of a message (IMAP, RFC 3501).</summary>
[Flags]
public enum MessageMarks
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Read (« lu »).</summary>
    Seen = 1,

    /// <summary>Answered.</summary>
    Answered = 2,

    /// <summary>Flagged for attention.</summary>
    Flagged = 4,

    /// <summary>Marked for deletion.</summary>
    Deleted = 8,

    /// <summary>A draft.</summary>
    Draft = 16,
}
