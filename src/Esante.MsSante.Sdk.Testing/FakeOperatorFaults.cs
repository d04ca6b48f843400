namespace Esante.MsSante.Testing;

/// <summary>
/// Failures the fake operator can be told to show, so an application can test its error handling: slowness, dropped
/// connections, refused sign-ins. (Refused recipients and full mailboxes: <see cref="FakeMssanteOperator.RefuseRecipient"/>
/// and <see cref="FakeMssanteOperator.SetQuota"/>.)
/// </summary>
public sealed class FakeOperatorFaults
{
    private int _dropsPending;

    /// <summary>A delay (real time) before every mailbox operation. Zero by default.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When set, every sign-in is refused as if the operator's authentication service were down or the credentials wrong.</summary>
    public bool RejectSignIns { get; set; }

    /// <summary>Makes the next <paramref name="count"/> mailbox operations fail as if the connection dropped under them.</summary>
    public void DropNextOperations(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Exchange(ref _dropsPending, count);
    }

    /// <summary>Whether this operation is one to drop (counts it down).</summary>
    internal bool TakeDrop()
    {
        while (true)
        {
            var pending = Volatile.Read(ref _dropsPending);
            if (pending <= 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _dropsPending, pending - 1, pending) == pending)
            {
                return true;
            }
        }
    }
}
