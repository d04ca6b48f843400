using MailKit.Net.Imap;

namespace Esante.MsSante.Operators.Imap;

/// <summary>A sign-in at an IMAP/SMTP operator: the credential (in memory only) and the connection opened to check it, kept for the first mailbox.</summary>
internal sealed class ImapGrant(string userName, MssanteAddress? address, DateTimeOffset signedInAt, MailCredential credential, ImapClient connection)
    : OperatorGrant(userName, address, signedInAt)
{
    private readonly object _gate = new();
    private ImapClient? _spare = connection;
    private bool _ended;

    public MailCredential Credential { get; } = credential;

    /// <summary>The organisational mailboxes the operator refused this person to sign in for (see ImapOperator.ActAsync).</summary>
    private readonly HashSet<string> _actingRefused = new(StringComparer.OrdinalIgnoreCase);

    public bool ActingRefused(string mailbox)
    {
        lock (_gate)
        {
            return _actingRefused.Contains(mailbox);
        }
    }

    public void RefuseActing(string mailbox)
    {
        lock (_gate)
        {
            _actingRefused.Add(mailbox);
        }
    }

    public bool Ended
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>The connection left from signing in or listing, if it is still open; the caller owns it.</summary>
    public ImapClient? TakeConnection()
    {
        lock (_gate)
        {
            var spare = _spare;
            _spare = null;
            return spare is { IsConnected: true, IsAuthenticated: true } ? spare : Dispose(spare);
        }
    }

    /// <summary>Keeps a connection for the next caller, or closes it when one is already kept.</summary>
    public void ReturnConnection(ImapClient client)
    {
        lock (_gate)
        {
            if (_spare is null && !_ended)
            {
                _spare = client;
                return;
            }
        }
        client.Dispose();
    }

    public void End()
    {
        lock (_gate)
        {
            _ended = true;
            Dispose(_spare);
            _spare = null;
        }
    }

    private static ImapClient? Dispose(ImapClient? client)
    {
        client?.Dispose();
        return null;
    }
}
