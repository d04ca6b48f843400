namespace Esante.MsSante;

/// <summary>What a folder is for (IMAP SPECIAL-USE, RFC 6154, plus the MSSanté patients' folder).</summary>
public enum FolderRole
{
    /// <summary>An ordinary folder created by the person.</summary>
    None,

    /// <summary>The inbox (« Boîte de réception »).</summary>
    Inbox,

    /// <summary>Sent messages (« Envoyé »).</summary>
    Sent,

    /// <summary>Drafts (« Brouillons »).</summary>
    Drafts,

    /// <summary>The Trash (« Corbeille »), emptied after 30 days.</summary>
    Trash,

    /// <summary>Junk mail.</summary>
    Junk,

    /// <summary>Archives.</summary>
    Archive,

    /// <summary>Messages from patients (« Échanges Patients »).</summary>
    PatientExchanges,

    /// <summary>
    /// Contacts, not mail: « Contacts » and the contact folders under it, one message per contact (its vCard), kept by
    /// <see cref="IMailboxContacts"/>. A mail application leaves them out of its mail folders; they are shared and deleted
    /// as folders are (<see cref="IMailboxFolders.ShareAsync"/>, <see cref="IMailboxFolders.DeleteAsync"/>).
    /// </summary>
    Contacts,
}
