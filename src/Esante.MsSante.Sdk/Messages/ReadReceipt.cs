namespace Esante.MsSante;

/// <summary>
/// What a read receipt returned for a received message says (an MDN, RFC 8098; required by Référentiel #2 ECO.3.1.6):
/// the message was displayed to a person, processed (integrated) by software, or could not be integrated and why.
/// Its <c>Disposition</c> field follows the ANS volet « Transmission au LPS de documents CDA provenant d'un courriel
/// MSSanté » (text and example, every version to v1.1.3): one field,
/// <c>automatic-action/MDN-sent-automatically; processed/Error: code^libellé</c>.
/// </summary>
public sealed class ReadReceipt
{
    private const string SentAutomatically = "MDN-sent-automatically";
    private const string SentManually = "MDN-sent-manually";

    private ReadReceipt(string actionMode, string sendingMode, string dispositionType, string? error)
    {
        ActionMode = actionMode;
        SendingMode = sendingMode;
        DispositionType = dispositionType;
        Error = error;
    }

    /// <summary>A person displayed the message and chose to send the receipt: <c>manual-action/MDN-sent-manually; displayed</c>.</summary>
    public static ReadReceipt Displayed { get; } = new("manual-action", SentManually, "displayed", null);

    /// <summary>Software integrated the message without showing it: <c>automatic-action/MDN-sent-automatically; processed</c>.</summary>
    public static ReadReceipt Processed { get; } = new("automatic-action", SentAutomatically, "processed", null);

    /// <summary><c>manual-action</c> or <c>automatic-action</c>: whether a person or software handled the message.</summary>
    public string ActionMode { get; }

    /// <summary><c>MDN-sent-manually</c> or <c>MDN-sent-automatically</c>.</summary>
    public string SendingMode { get; }

    /// <summary><c>displayed</c> or <c>processed</c>.</summary>
    public string DispositionType { get; }

    /// <summary>The consumer's error (<c>code^libellé[^…]</c>, the ERR segment of its acknowledgement), or null on success.</summary>
    public string? Error { get; }

    /// <summary>The error code: <see cref="Error"/> up to its first <c>^</c>.</summary>
    public string? ErrorCode => Error?[..Error.IndexOf('^', StringComparison.Ordinal)];

    /// <summary>The error's label: the second component of <see cref="Error"/>.</summary>
    public string? ErrorLabel => Error?.Split('^')[1];

    /// <summary>Whether the receipt would be sent without asking anyone (RFC 8098 then allows it only to the message's Return-Path).</summary>
    public bool IsAutomatic => SendingMode == SentAutomatically;

    /// <summary>
    /// The <c>Disposition:</c> field's value, e.g. <c>automatic-action/MDN-sent-automatically; processed</c>, or on failure
    /// <c>automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu</c>: the volet carries
    /// the consumer's error in the modifier of this one field, not in a field of its own.
    /// </summary>
    public string Disposition => Error is null ? Modes : $"{Modes}/Error: {Error}";

    /// <summary>The disposition without the consumer's error text (<c>…; processed/error</c>), for logs.</summary>
    internal string DispositionWithoutError => Error is null ? Modes : Modes + "/error";

    private string Modes => $"{ActionMode}/{SendingMode}; {DispositionType}";

    /// <summary>
    /// Software could not integrate the message: <c>automatic-action/MDN-sent-automatically; processed/Error: code^libellé</c>
    /// and the subject <c>[KO Intégration système !][code] &lt;original subject&gt;</c>.
    /// </summary>
    /// <param name="error">
    /// The consumer's error as its acknowledgement's ERR segment gives it, at least <c>code^libellé</c>, e.g.
    /// <c>902^Identifiant de patient inconnu^applicationErrorCondition</c>. One line.
    /// </param>
    /// <exception cref="ArgumentException">The error has no code or no label, or holds a line break or another control character.</exception>
    public static ReadReceipt IntegrationFailed(string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!TextChecks.IsOneLine(error))
        {
            throw new ArgumentException("The error must be one line without control characters: it becomes a header field of the receipt.", nameof(error));
        }
        var parts = error.Split('^');
        if (parts.Length < 2 || string.IsNullOrWhiteSpace(parts[0]) || string.IsNullOrWhiteSpace(parts[1]) || parts[0].Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("The error must read « code^libellé » (e.g. 902^Identifiant de patient inconnu): a code without spaces, then a label.", nameof(error));
        }
        return new ReadReceipt("automatic-action", SentAutomatically, "processed", error.Trim());
    }

    /// <summary>
    /// The same receipt, sent because a person agreed (<c>MDN-sent-manually</c>): needed when the message asks for the
    /// receipt at another address than its Return-Path, which RFC 8098 §2.1 forbids answering automatically.
    /// </summary>
    public ReadReceipt ConfirmedByUser() => new(ActionMode, SentManually, DispositionType, Error);

    /// <inheritdoc/>
    public override string ToString() => Disposition;
}
