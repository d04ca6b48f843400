using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>
/// The mailbox's preferences kept at the operator as JSON settings (signatures, tags): read, checked and written here, so
/// <see cref="MailboxClient"/> only says what to do with them. Signatures are remembered for a minute (ten when there are
/// none), since every send needs them: another application's change shows within that time. A setting that is read,
/// changed and written back is changed by one caller at a time (<see cref="HoldTagsAsync"/> for the tags): concurrent changes through one
/// mailbox client all count, none written over by another made from the same old value.
/// </summary>
internal sealed partial class MailboxSettings(IOperatorMailbox mailbox, TimeProvider time, KeyedGate<string> gate)
{
    private const string SignaturesName = "signatures";
    private const string TagsName = "tags";
    private const string RetentionName = "retention";
    private const int MaxSignatureLength = 10_000;
    private static readonly TimeSpan SignaturesFreshFor = TimeSpan.FromMinutes(1);

    // A mailbox that never had signatures is asked again less often: on Dovecot, reading a setting never written costs a
    // reconnection (see ImapOperatorMailbox.GetSettingAsync).
    private static readonly TimeSpan NoSignaturesFreshFor = TimeSpan.FromMinutes(10);

    private volatile CachedSignatures? _signatures;

    /// <summary>Holds the tags, for a read-change-write of them (or of messages' tag keywords), until the handle is disposed.</summary>
    public Task<IDisposable> HoldTagsAsync(CancellationToken cancellationToken) => HoldAsync(TagsName, cancellationToken);

    private Task<IDisposable> HoldAsync(string name, CancellationToken cancellationToken) => gate.EnterAsync("setting:" + name, cancellationToken);

    public async Task<MailboxSignatures> GetSignaturesAsync(CancellationToken cancellationToken)
    {
        var signatures = await ReadAsync(SignaturesName, SettingsJson.Default.MailboxSignatures, cancellationToken,
            read => read.Signatures is { } list && list.All(x => x is { Name: not null, Text: not null })).ConfigureAwait(false) ?? MailboxSignatures.None;
        _signatures = new CachedSignatures(signatures, time.GetUtcNow());
        return signatures;
    }

    public async Task SetSignaturesAsync(MailboxSignatures signatures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var signature in signatures.Signatures)
        {
            ArgumentNullException.ThrowIfNull(signature, nameof(signatures));
            CheckName(signature.Name, "signature");
            if (!names.Add(signature.Name))
            {
                throw new ArgumentException("Two signatures have the same name.", nameof(signatures));
            }
            if (signature.Text is null || signature.Text.Length > MaxSignatureLength)
            {
                throw new ArgumentException($"A signature's text is required and at most {MaxSignatureLength:N0} characters.", nameof(signatures));
            }
        }
        if (signatures.DefaultName is not null && signatures.Find(signatures.DefaultName) is null)
        {
            throw new ArgumentException("The default signature is not one of the signatures.", nameof(signatures));
        }
        // Held, so the signatures remembered are those written last.
        using (await HoldAsync(SignaturesName, cancellationToken).ConfigureAwait(false))
        {
            await WriteAsync(SignaturesName, signatures.Signatures.Count == 0 ? null : signatures, SettingsJson.Default.MailboxSignatures, cancellationToken).ConfigureAwait(false);
            _signatures = new CachedSignatures(signatures, time.GetUtcNow());
        }
    }

    /// <summary>
    /// The signature text a message gets: the one it names, else the mailbox's default; null for none. An operator that
    /// keeps no settings has no signatures. Unknown is the violation when the message names a signature the mailbox lacks.
    /// </summary>
    public async Task<(string? Text, PolicyViolation? Unknown)> SignatureForAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (!message.IncludeSignature)
        {
            return (null, null);
        }
        var cached = _signatures;
        MailboxSignatures signatures;
        if (cached is not null && time.GetUtcNow() - cached.ReadAt < (cached.Signatures.Signatures.Count == 0 ? NoSignaturesFreshFor : SignaturesFreshFor))
        {
            signatures = cached.Signatures;
        }
        else
        {
            try
            {
                signatures = await GetSignaturesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidDataException or MailboxAccessDeniedException)
            {
                // No settings here, or ones the SDK cannot read: the message goes without a signature rather than not at all.
                signatures = MailboxSignatures.None;
                _signatures = new CachedSignatures(signatures, time.GetUtcNow());
            }
        }
        if (message.SignatureName is { } name)
        {
            return signatures.Find(name) is { } chosen
                ? (chosen.Text, null)
                : (null, new PolicyViolation(PolicyViolationCodes.SignatureUnknown, "The message asks for a signature this mailbox does not have.", "SignatureName"));
        }
        return (signatures.Find(signatures.DefaultName)?.Text, null);
    }

    /// <summary>The folders' retention limits set for this mailbox (« Conservation »), by folder path.</summary>
    public async Task<IReadOnlyDictionary<string, RetentionPeriod>> GetRetentionAsync(CancellationToken cancellationToken)
    {
        var limits = new Dictionary<string, RetentionPeriod>(StringComparer.OrdinalIgnoreCase);
        foreach (var (folder, stored) in await ReadAsync(RetentionName, SettingsJson.Default.DictionaryStringStoredRetention, cancellationToken).ConfigureAwait(false) ?? [])
        {
            try
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(folder);
                ArgumentNullException.ThrowIfNull(stored);
                limits[folder] = new RetentionPeriod(stored.Count, stored.Unit);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The mailbox's '{RetentionName}' setting at the operator is not what the SDK writes; set it again to replace it.", e);
            }
        }
        return limits;
    }

    public async Task SetRetentionAsync(string folderPath, RetentionPeriod? period, CancellationToken cancellationToken)
    {
        using var held = await HoldAsync(RetentionName, cancellationToken).ConfigureAwait(false);
        var limits = new Dictionary<string, RetentionPeriod>(await GetRetentionAsync(cancellationToken).ConfigureAwait(false), StringComparer.OrdinalIgnoreCase);
        if (period is { } limit)
        {
            limits[folderPath] = limit;
        }
        else
        {
            limits.Remove(folderPath);
        }
        await WriteAsync(RetentionName, limits.Count == 0 ? null : limits.ToDictionary(l => l.Key, l => new StoredRetention(l.Value.Count, l.Value.Unit)), SettingsJson.Default.DictionaryStringStoredRetention, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MessageTag>> GetTagsAsync(CancellationToken cancellationToken) =>
        await ReadAsync(TagsName, SettingsJson.Default.ListMessageTag, cancellationToken, tags => tags.All(t => t is { Name: not null, Colour: not null })).ConfigureAwait(false) ?? [];

    public Task SaveTagsAsync(IReadOnlyList<MessageTag> tags, CancellationToken cancellationToken) =>
        WriteAsync(TagsName, tags.Count == 0 ? null : tags, SettingsJson.Default.IReadOnlyListMessageTag, cancellationToken);

    /// <summary>A name people choose (signature, tag): one line, 1 to 64 characters.</summary>
    public static void CheckName(string? name, string what)
    {
        if (!TextChecks.IsOneLine(name, 64))
        {
            throw new ArgumentException($"A {what}'s name is one line of 1 to 64 characters.", nameof(name));
        }
    }

    /// <summary>A setting as the SDK wrote it, or null when there is none.</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="type">The setting's type, as JSON reads it.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <param name="valid">What a value written by the SDK always satisfies (JSON lets any member be null or missing).</param>
    /// <exception cref="InvalidDataException">The setting is not what the SDK writes.</exception>
    private async Task<T?> ReadAsync<T>(string name, JsonTypeInfo<T> type, CancellationToken cancellationToken, Func<T, bool>? valid = null)
        where T : class
    {
        var json = await mailbox.GetSettingAsync(name, cancellationToken).ConfigureAwait(false);
        if (json is null)
        {
            return null;
        }
        try
        {
            var value = JsonSerializer.Deserialize(json, type);
            if (value is not null && valid is not null && !valid(value))
            {
                throw new JsonException("A member the SDK always writes is null or missing.");
            }
            return value;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // ArgumentException: a type's constructor refused a member (a tag without a name), as it would the caller's.
            throw new InvalidDataException($"The mailbox's '{name}' setting at the operator is not what the SDK writes; set it again to replace it.", e);
        }
    }

    private Task WriteAsync<T>(string name, T? value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class =>
        mailbox.SetSettingAsync(name, value is null ? null : JsonSerializer.Serialize(value, type), cancellationToken);

    private sealed record CachedSignatures(MailboxSignatures Signatures, DateTimeOffset ReadAt);

    internal sealed record StoredRetention(int Count, RetentionUnit Unit);

    // Source-generated (web defaults: camelCase names), so the settings read and write without reflection in a trimmed or
    // native AOT application.
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(MailboxSignatures))]
    [JsonSerializable(typeof(Dictionary<string, StoredRetention>))]
    [JsonSerializable(typeof(List<MessageTag>))]
    [JsonSerializable(typeof(IReadOnlyList<MessageTag>))]
    private sealed partial class SettingsJson : JsonSerializerContext;
}
