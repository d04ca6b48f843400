namespace Esante.MsSante;

/// <summary>
/// How long messages are kept: the Trash is emptied after 30 days (« la corbeille est vidée automatiquement tous les 30 jours »),
/// and any folder may have its own limit in days, weeks or months (« Activer la mise au rebut des messages »).
/// </summary>
public sealed class RetentionPolicy
{
    /// <summary>The regional operator's Trash retention: 30 days.</summary>
    public static readonly RetentionPeriod DefaultTrashRetention = RetentionPeriod.Days(30);

    private readonly Dictionary<string, RetentionPeriod> _folderLimits;

    /// <summary>Creates the policy.</summary>
    /// <param name="trashRetention">How long the Trash keeps messages; 30 days when null.</param>
    /// <param name="folderLimits">Limits of other folders by folder path (compared case-insensitively).</param>
    public RetentionPolicy(RetentionPeriod? trashRetention = null, IReadOnlyDictionary<string, RetentionPeriod>? folderLimits = null)
    {
        TrashRetention = trashRetention ?? DefaultTrashRetention;
        _folderLimits = new Dictionary<string, RetentionPeriod>(StringComparer.OrdinalIgnoreCase);
        foreach (var (folder, limit) in folderLimits ?? new Dictionary<string, RetentionPeriod>())
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(folder, nameof(folderLimits));
            _folderLimits[folder] = limit;
        }
    }

    /// <summary>How long the Trash keeps messages.</summary>
    public RetentionPeriod TrashRetention { get; }

    /// <summary>The limits of other folders, by folder path.</summary>
    public IReadOnlyDictionary<string, RetentionPeriod> FolderLimits => _folderLimits;

    /// <summary>The limit of a folder, or null when it keeps messages forever.</summary>
    /// <param name="folderPath">The folder's path.</param>
    /// <param name="isTrash">Whether the folder is the mailbox's Trash.</param>
    public RetentionPeriod? LimitFor(string folderPath, bool isTrash) =>
        isTrash ? TrashRetention : _folderLimits.TryGetValue(folderPath, out var limit) ? limit : null;

    /// <summary>Decides whether a message stored in a folder at <paramref name="storedAt"/> has expired at <paramref name="now"/>.</summary>
    /// <param name="folderPath">The folder's path.</param>
    /// <param name="isTrash">Whether the folder is the mailbox's Trash.</param>
    /// <param name="storedAt">When the message entered the folder (its internal date).</param>
    /// <param name="now">The current time.</param>
    public RetentionDecision Evaluate(string folderPath, bool isTrash, DateTimeOffset storedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(folderPath);
        var limit = LimitFor(folderPath, isTrash);
        if (limit is null)
        {
            return new RetentionDecision(false, null, "The folder has no retention limit: messages are kept.");
        }
        var expiresAt = limit.Value.ExpiresAt(storedAt);
        var rule = isTrash ? $"The Trash keeps messages {limit}." : $"The folder keeps messages {limit}.";
        return new RetentionDecision(now >= expiresAt, expiresAt, rule);
    }
}
