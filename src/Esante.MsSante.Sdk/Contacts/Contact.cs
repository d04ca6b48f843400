namespace Esante.MsSante;

/// <summary>
/// A correspondent kept in one of the mailbox's contact folders (« Contacts → Nouveau dossier de contacts »). Stored at the
/// operator as a vCard 4.0 (RFC 6350), so it travels to any program that reads vCards.
/// </summary>
/// <param name="FullName">The name shown, e.g. « Dr Adeline GOUDAL ». Required, one line.</param>
public sealed record Contact(string FullName)
{
    /// <summary>The e-mail address (an MSSanté one for a health professional).</summary>
    public string? Email { get; init; }

    /// <summary>A telephone number.</summary>
    public string? Phone { get; init; }

    /// <summary>The organisation, e.g. « CHU de Nantes ».</summary>
    public string? Organisation { get; init; }

    /// <summary>The role or profession, e.g. « Pharmacien ».</summary>
    public string? Title { get; init; }

    /// <summary>The national identifier (<c>8</c> + RPPS, <c>0</c> + ADELI), as the directory gives it.</summary>
    public string? NationalId { get; init; }

    /// <summary>A free note; line breaks kept.</summary>
    public string? Note { get; init; }

    /// <summary>A contact from an entry of the national directory.</summary>
    public static Contact FromDirectory(Directory.DirectoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new Contact(entry.DisplayName)
        {
            Email = entry.Address.Value,
            Organisation = entry.Organization,
            Title = entry.Profession,
            NationalId = entry.Identifier?.NationalId,
        };
    }
}

/// <summary>A contact as stored: where it is (to delete it) and what it says.</summary>
/// <param name="Ref">The message holding the vCard.</param>
/// <param name="Contact">The contact.</param>
public sealed record StoredContact(MessageRef Ref, Contact Contact);
