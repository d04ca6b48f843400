
namespace Esante.MsSante.Testing;

/// <summary>
/// An organisational mailbox (« BAL organisationnelle ») at the fake operator: shared by its delegates, and mail sent from it
/// goes out under the structure's address.
/// </summary>
public sealed class FakeOrganisationalMailbox
{
    private readonly HashSet<string> _delegates = new(StringComparer.OrdinalIgnoreCase);
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
                return _delegates.ToList();
            }
        }
    }

    /// <summary>Makes an account a delegate (« ajouter de nouveaux délégués »).</summary>
    /// <returns>This mailbox.</returns>
    public FakeOrganisationalMailbox AddDelegate(FakeAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        lock (_gate)
        {
            _delegates.Add(account.UserName);
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

    internal bool IsDelegate(string userName)
    {
        lock (_gate)
        {
            return _delegates.Contains(userName);
        }
    }
}
