namespace Esante.MsSante.Testing;

/// <summary>
/// Failures the fake operator can be told to show, so an application can test its error handling: slowness, dropped
/// connections, refused sign-ins, servers out of reach. (Refused recipients and full mailboxes: <see cref="FakeMssanteOperator.RefuseRecipient"/>
/// and <see cref="FakeMssanteOperator.SetQuota"/>.)
/// </summary>
public sealed class FakeOperatorFaults
{
    private readonly Queue<FakeSubmissionFault> _submissionFaults = new();
    private int _dropsPending;

    /// <summary>A delay (real time) before every mailbox operation. Zero by default.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When set, every sign-in is refused as if the operator's authentication service were down or the credentials wrong.</summary>
    public bool RejectSignIns { get; set; }

    /// <summary>
    /// When set, the operator's servers do not answer: every sign-in fails with <see cref="MssanteConnectionException"/>,
    /// and so does the health check's probe (<c>services.AddHealthChecks().AddMssante()</c>).
    /// </summary>
    public bool Unreachable { get; set; }

    /// <summary>Makes the next <paramref name="count"/> mailbox operations fail as if the connection dropped under them.</summary>
    public void DropNextOperations(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Exchange(ref _dropsPending, count);
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> sends (messages, drafts, read receipts) end as <paramref name="fault"/> says,
    /// delivered or not accordingly, so an application can test how it handles each outcome of a send. Replaces the
    /// sends already planned to fail; <see cref="FakeSubmissionFault.None"/> clears them.
    /// </summary>
    public void FailNextSubmissions(FakeSubmissionFault fault, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!Enum.IsDefined(fault))
        {
            throw new ArgumentOutOfRangeException(nameof(fault));
        }
        lock (_submissionFaults)
        {
            _submissionFaults.Clear();
            for (var i = 0; i < count && fault != FakeSubmissionFault.None; i++)
            {
                _submissionFaults.Enqueue(fault);
            }
        }
    }

    /// <summary>The fault planned for this send, if any (counts it down).</summary>
    internal FakeSubmissionFault TakeSubmissionFault()
    {
        lock (_submissionFaults)
        {
            return _submissionFaults.TryDequeue(out var fault) ? fault : FakeSubmissionFault.None;
        }
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
