namespace Esante.MsSante;

/// <summary>
/// What an open mailbox offers at its operator, beyond reading and sending, which every mailbox offers. A call that needs a
/// capability the mailbox lacks throws <see cref="NotSupportedException"/>: check <see cref="IMailboxClient.Capabilities"/>
/// first to hide the screen or the button instead.
/// </summary>
[Flags]
public enum MailboxCapabilities
{
    /// <summary>Reading, sending, folders and drafts only.</summary>
    None = 0,

    /// <summary>
    /// The rules of <see cref="IMailboxSettings.GetRulesAsync"/>: out-of-office reply, notification address, forwarding
    /// (Sieve over ManageSieve at a real operator).
    /// </summary>
    Rules = 1,

    /// <summary>
    /// The mailbox's settings: signatures, tags' colours, folders' retention and contact folders (IMAP METADATA at a real
    /// operator).
    /// </summary>
    Settings = 2,

    /// <summary>Sharing folders with colleagues (<see cref="IMailboxFolders.ShareAsync"/>; IMAP ACL at a real operator).</summary>
    Sharing = 4,

    /// <summary>The storage used and allowed (<see cref="IMailboxClient.GetQuotaAsync"/>; IMAP QUOTA at a real operator).</summary>
    Quota = 8,

    /// <summary>Every capability.</summary>
    All = Rules | Settings | Sharing | Quota,
}
