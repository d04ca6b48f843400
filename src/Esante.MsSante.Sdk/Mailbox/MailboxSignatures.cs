namespace Esante.MsSante;

/// <summary>
/// The mailbox's signatures (« Préférences → Signatures »): several may be kept, one is used by default, and the position
/// says where a composer puts it in a reply. Kept at the operator, so every application opening the mailbox shares them.
/// </summary>
public sealed record MailboxSignatures
{
    /// <summary>No signature.</summary>
    public static MailboxSignatures None { get; } = new();

    /// <summary>The signatures, each with a name unique in the mailbox.</summary>
    public IReadOnlyList<MailboxSignature> Signatures { get; init; } = [];

    /// <summary>The name of the signature added to every message that does not choose another, or null for none.</summary>
    public string? DefaultName { get; init; }

    /// <summary>In a reply, whether the signature goes above or below the quoted message (for the application's composer).</summary>
    public SignaturePosition Position { get; init; } = SignaturePosition.BelowQuotedText;

    /// <summary>The signature with that name (case-insensitive), or null.</summary>
    public MailboxSignature? Find(string? name) =>
        name is null ? null : Signatures.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc/>
    public bool Equals(MailboxSignatures? other) =>
        other is not null && Signatures.SequenceEqual(other.Signatures) && DefaultName == other.DefaultName && Position == other.Position;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Signatures.Count, DefaultName, Position);
}

/// <summary>A signature: a name to choose it by, and its text (plain text; line breaks kept).</summary>
/// <param name="Name">The name, e.g. « Consultation ».</param>
/// <param name="Text">The text added after the message, below the usual « -- » separator.</param>
public sealed record MailboxSignature(string Name, string Text);

/// <summary>Where a signature goes in a reply.</summary>
public enum SignaturePosition
{
    /// <summary>After the quoted message.</summary>
    BelowQuotedText,

    /// <summary>Before the quoted message, right after the answer.</summary>
    AboveQuotedText,
}
