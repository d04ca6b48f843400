using Esante.MsSante.Operators;
using MimeKit;

namespace Esante.MsSante.Testing;

/// <summary>The folders and messages of one mailbox at the fake operator. Callers hold the operator's lock.</summary>
internal sealed class FakeMailboxStore
{
    public const char Separator = '/';
    public const string Inbox = "INBOX";

    private readonly List<FakeFolder> _folders = [];
    private readonly Func<uint> _nextUidValidity;

    public FakeMailboxStore(MailboxDescriptor descriptor, long quotaBytes, string patientFolderName, Func<uint> nextUidValidity)
    {
        Descriptor = descriptor;
        QuotaBytes = quotaBytes;
        _nextUidValidity = nextUidValidity;
        Add(Inbox, FolderRole.Inbox);
        Add("Sent", FolderRole.Sent);
        Add("Drafts", FolderRole.Drafts);
        Add("Trash", FolderRole.Trash);
        Add("Junk", FolderRole.Junk);
        Add(patientFolderName, FolderRole.PatientExchanges);
    }

    public MailboxDescriptor Descriptor { get; }

    public long QuotaBytes { get; set; }

    /// <summary>The mailbox's settings kept at the operator (signatures, tags…), by name.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// When this mailbox forwarded each message (by Message-ID): as Pigeonhole's redirect, a message is forwarded once per
    /// 12 hours and kept instead, so two mailboxes forwarding to each other stop and the message stays in the first.
    /// </summary>
    public Dictionary<string, DateTimeOffset> Forwarded { get; } = new(StringComparer.Ordinal);

    /// <summary>The out-of-office reply, notification address and forwarding (<see cref="MailboxRules.None"/> until set).</summary>
    public MailboxRules Rules { get; set; } = MailboxRules.None;

    /// <summary>When each sender last got the out-of-office reply (RFC 5230: once per sender per period).</summary>
    public Dictionary<string, DateTimeOffset> AutoReplies { get; } = new(StringComparer.OrdinalIgnoreCase);

    public long UsedBytes => _folders.Sum(f => f.Messages.Sum(m => (long)m.Raw.Length));

    public IReadOnlyList<FakeFolder> Folders => _folders;

    public FakeFolder Folder(string path) => Find(path) ?? throw new MssanteFolderNotFoundException(path);

    public FakeFolder? Find(string path) =>
        _folders.FirstOrDefault(f => string.Equals(f.Path, path, string.Equals(path, Inbox, StringComparison.OrdinalIgnoreCase) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    public FakeFolder FolderWithRole(FolderRole role) => _folders.First(f => f.Role == role);

    public FakeFolder Add(string path, FolderRole role = FolderRole.None)
    {
        if (Find(path) is not null)
        {
            throw new InvalidOperationException($"A folder '{path}' already exists.");
        }
        var folder = new FakeFolder(path, role, _nextUidValidity());
        _folders.Add(folder);
        return folder;
    }

    public FakeFolder Rename(string path, string newPath)
    {
        var folder = Folder(path);
        if (folder.Role == FolderRole.Inbox)
        {
            throw new InvalidOperationException("The inbox cannot be renamed.");
        }
        if (Find(newPath) is not null)
        {
            throw new InvalidOperationException($"A folder '{newPath}' already exists.");
        }
        foreach (var child in _folders.Where(f => f.Path.StartsWith(path + Separator, StringComparison.Ordinal)).ToList())
        {
            child.Path = newPath + child.Path[path.Length..];
        }
        folder.Path = newPath;
        return folder;
    }

    public void Remove(string path)
    {
        var folder = Folder(path);
        _folders.RemoveAll(f => f == folder || f.Path.StartsWith(path + Separator, StringComparison.Ordinal));
    }

    /// <summary>Stores a message; checks the quota first.</summary>
    // parsed: the message already parsed from raw, when the caller has it, so it is not parsed twice.
    public StoredMessage Append(FakeFolder folder, byte[] raw, MessageMarks flags, DateTimeOffset now, MimeMessage? parsed = null)
    {
        EnsureRoom(raw.Length);
        var stored = StoredMessage.Create(folder.NextUid++, raw, flags, now, parsed);
        folder.Messages.Add(stored);
        return stored;
    }

    public void EnsureRoom(long bytes)
    {
        if (UsedBytes + bytes > QuotaBytes)
        {
            throw new QuotaExceededException(
                "The mailbox is full: delete messages and empty the Trash to free space.",
                new QuotaReport(UsedBytes, QuotaBytes));
        }
    }

    public (FakeFolder Folder, StoredMessage Message) Locate(MessageRef reference)
    {
        var folder = Find(reference.FolderPath);
        var message = folder is not null && folder.UidValidity == reference.UidValidity
            ? folder.Messages.FirstOrDefault(m => m.Uid == reference.Uid)
            : null;
        return message is null ? throw new MssanteMessageNotFoundException(reference) : (folder!, message);
    }

    public static MailboxFolder Describe(FakeFolder folder) => new(
        folder.Path,
        folder.Path[(folder.Path.LastIndexOf(Separator) + 1)..],
        folder.Role,
        folder.Messages.Count,
        folder.Messages.Count(m => !m.Flags.HasFlag(MessageMarks.Seen)),
        Separator);

    public static MessageInfo Summarize(FakeFolder folder, StoredMessage m) => new()
    {
        Ref = new MessageRef(folder.Path, folder.UidValidity, m.Uid),
        From = m.From,
        Subject = m.Subject,
        Date = m.Date,
        ReceivedAt = m.InternalDate,
        Marks = m.Flags,
        Keywords = m.Keywords.ToList(),
        Size = m.Raw.Length,
    };

    /// <summary>Deletes the messages past their folder's retention (the operator's nightly job).</summary>
    public void Expire(RetentionPolicy retention, DateTimeOffset now)
    {
        foreach (var folder in _folders)
        {
            folder.Messages.RemoveAll(m => retention.Evaluate(folder.Path, folder.Role == FolderRole.Trash, m.InternalDate, now).IsExpired);
        }
    }
}

/// <summary>A folder at the fake operator.</summary>
internal sealed class FakeFolder(string path, FolderRole role, uint uidValidity)
{
    public string Path { get; set; } = path;

    public FolderRole Role { get; } = role;

    public uint UidValidity { get; } = uidValidity;

    public uint NextUid { get; set; } = 1;

    public List<StoredMessage> Messages { get; } = [];

    /// <summary>Who else may use the folder and how (IMAP ACL rights letters), by account address.</summary>
    public Dictionary<string, string> Acl { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// What a signed-in account may do in a mailbox, as Dovecot's ACL decides: the owner everything, an organisational
/// mailbox's delegates the rights add-org.sh gave them (<c>lrwstipekx</c> by default) on every folder, a colleague what
/// each folder's ACL gives them.
/// </summary>
internal sealed record FakeAccess(string? Colleague, string? Delegation)
{
    public const string OwnerRights = "lrwstipekxacd";
    public const string DelegateRights = "lrwstipekx";

    public static FakeAccess Owner { get; } = new(null, null);

    public static FakeAccess Delegate(string rights) => new(null, rights);

    public bool IsColleague => Colleague is not null;

    public bool IsDelegate => Delegation is not null;

    public string RightsOn(FakeFolder folder) =>
        Colleague is not null ? folder.Acl.GetValueOrDefault(Colleague) ?? string.Empty
        : Delegation ?? OwnerRights;

    /// <summary>The refusal of an operation the account's rights do not allow (Dovecot's [NOPERM]).</summary>
    public static MailboxAccessDeniedException Denied() =>
        new("The operator refused: this account's rights on the folder do not allow it (Permission denied).");

    /// <summary>Throws unless the account has every one of <paramref name="rights"/> on the folder (a folder it cannot see does not exist for it).</summary>
    public FakeFolder Need(FakeFolder folder, string rights)
    {
        var held = RightsOn(folder);
        if (!held.Contains('l', StringComparison.Ordinal))
        {
            throw new MssanteFolderNotFoundException(folder.Path);
        }
        if (rights.Any(r => !held.Contains(r, StringComparison.Ordinal)))
        {
            throw Denied();
        }
        return folder;
    }
}

/// <summary>A stored message: its bytes, flags and the header fields the list shows.</summary>
internal sealed class StoredMessage
{
    private StoredMessage(uint uid, byte[] raw, MessageMarks flags, DateTimeOffset internalDate, MimeMessage parsed)
    {
        Uid = uid;
        Raw = raw;
        Flags = flags;
        InternalDate = internalDate;
        var from = parsed.From.Mailboxes.FirstOrDefault();
        From = from is null ? null : new MessageParty(string.IsNullOrEmpty(from.Name) ? null : from.Name, from.Address);
        Subject = parsed.Subject;
        Date = parsed.Date == DateTimeOffset.MinValue ? internalDate : parsed.Date;
    }

    public uint Uid { get; private set; }

    public byte[] Raw { get; }

    public MessageMarks Flags { get; set; }

    public HashSet<string> Keywords { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    public DateTimeOffset InternalDate { get; }

    public MessageParty? From { get; }

    public string? Subject { get; }

    public DateTimeOffset Date { get; }

    public static StoredMessage Create(uint uid, byte[] raw, MessageMarks flags, DateTimeOffset internalDate, MimeMessage? parsed = null) =>
        new(uid, raw, flags, internalDate, parsed ?? Parse(raw));

    public StoredMessage CopyAs(uint uid)
    {
        var copy = (StoredMessage)MemberwiseClone();
        copy.Uid = uid;
        copy.Keywords = new HashSet<string>(Keywords, StringComparer.OrdinalIgnoreCase);
        return copy;
    }

    public static MimeMessage Parse(byte[] raw)
    {
        using var stream = new MemoryStream(raw, writable: false);
        return MimeMessage.Load(stream);
    }

    public static byte[] Serialize(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }
}
