using Esante.MsSante.Operators;

namespace Esante.MsSante.Testing;

/// <summary>
/// An organisational mailbox (« BAL organisationnelle ») at the fake operator: shared by its delegates, and mail sent from it
/// goes out under the structure's address.
/// </summary>
public sealed class FakeOrganisationalMailbox
{
    /// <summary>The delegates by user name: their address and their rights on every folder.</summary>
    private readonly Dictionary<string, (string Address, string Rights)> _delegates = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate;

    internal FakeOrganisationalMailbox(MssanteAddress address, string displayName, object gate)
    {
        Address = address;
        DisplayName = displayName;
        Organization = displayName;
        _gate = gate;
    }

    /// <summary>The structure's address.</summary>
    public MssanteAddress Address { get; }

    /// <summary>The structure's name.</summary>
    public string DisplayName { get; }

    /// <summary>« Raison Sociale structure BAL » in the directory.</summary>
    public string? Organization { get; set; }

    /// <summary>The city in the directory.</summary>
    public string? City { get; set; }

    /// <summary>The postal code in the directory.</summary>
    public string? PostalCode { get; set; }

    /// <summary>The user names of the delegates.</summary>
    public IReadOnlyCollection<string> Delegates
    {
        get
        {
            lock (_gate)
            {
                return _delegates.Keys.ToList();
            }
        }
    }

    /// <summary>Makes an account a delegate (« ajouter de nouveaux délégués ») with every right but administering the sharing.</summary>
    /// <returns>This mailbox.</returns>
    public FakeOrganisationalMailbox AddDelegate(FakeAccount account) => AddDelegate(account, "lrwstipekx");

    /// <summary>
    /// Makes an account a delegate with these IMAP ACL rights on every folder, as the test stack's <c>add-org.sh --rights</c>
    /// does: <c>lrwstipekx</c> a manager, <c>lrs</c> a viewer (who cannot change the mailbox's rules either),
    /// <c>lrwstipekxa</c> an administrator, who also sees and changes who the delegates are.
    /// </summary>
    /// <param name="account">The person.</param>
    /// <param name="rights">RFC 4314 rights letters, <c>l</c> among them.</param>
    /// <returns>This mailbox.</returns>
    /// <exception cref="ArgumentException">The rights lack <c>l</c> or hold a letter that is not an RFC 4314 right.</exception>
    public FakeOrganisationalMailbox AddDelegate(FakeAccount account, string rights)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(rights);
        if (!rights.Contains('l', StringComparison.Ordinal) || rights.Any(r => !"lrswipkxtea".Contains(r, StringComparison.Ordinal)))
        {
            throw new ArgumentException("A delegate's rights are RFC 4314 letters (lrswipkxtea), l among them.", nameof(rights));
        }
        lock (_gate)
        {
            _delegates[account.UserName] = (account.Address.Value, rights);
        }
        return this;
    }

    /// <summary>Removes a delegate.</summary>
    public void RemoveDelegate(FakeAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        lock (_gate)
        {
            _delegates.Remove(account.UserName);
        }
    }

    /// <summary>A delegate's rights, or null for anyone else.</summary>
    internal string? RightsOf(string userName)
    {
        lock (_gate)
        {
            return _delegates.TryGetValue(userName, out var delegation) ? delegation.Rights : null;
        }
    }

    /// <summary>The delegates' addresses and rights, as the mailbox's folders' ACL lists them.</summary>
    internal IReadOnlyList<FolderAclEntry> Delegations()
    {
        lock (_gate)
        {
            return [.. _delegates.Values.Select(d => new FolderAclEntry(d.Address, d.Rights))];
        }
    }
}
