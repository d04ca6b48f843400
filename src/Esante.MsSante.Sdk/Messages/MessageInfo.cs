namespace Esante.MsSante;

/// <summary>One line of a folder's message list.</summary>
public sealed record MessageInfo
{
    /// <summary>Where the message is.</summary>
    public required MessageRef Ref { get; init; }

    /// <summary>The sender (From), if the message has one.</summary>
    public MessageParty? From { get; init; }

    /// <summary>The subject, if any. Health data: never log it.</summary>
    public string? Subject { get; init; }

    /// <summary>
    /// The subject as a person should see it: without the <c>XDM/1.0/DDM+</c> that starts the subject of a message carrying
    /// documents for the patient record (UX.28), which stays in <see cref="Subject"/> for software. Health data: never log it.
    /// </summary>
    public string? DisplaySubject =>
        Subject is { } subject && subject.StartsWith(Xdm.XdmPackage.SubjectPrefix, StringComparison.OrdinalIgnoreCase)
            ? subject[Xdm.XdmPackage.SubjectPrefix.Length..]
            : Subject;

    /// <summary>The Date header, or the arrival time when the message has none.</summary>
    public DateTimeOffset Date { get; init; }

    /// <summary>When the message arrived in the mailbox (IMAP INTERNALDATE).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The system flags.</summary>
    public MessageMarks Marks { get; init; }

    /// <summary>The keywords (tags).</summary>
    public IReadOnlyCollection<string> Keywords { get; init; } = [];

    /// <summary>The size of the whole message in bytes (RFC822.SIZE).</summary>
    public long Size { get; init; }

    /// <summary>
    /// Whether the message is an MSSanté message (« message sécurisé MSSanté »): its sender is in the trust space.
    /// </summary>
    public bool IsMssante { get; init; }

    /// <summary>Whether the message has been read.</summary>
    public bool IsRead => Marks.HasFlag(MessageMarks.Seen);
}
