namespace Esante.MsSante;

/// <summary>
/// One holder at a time per key (a draft, a message, a setting's name), others waiting their turn: for operations that
/// read, decide, then act, which two callers must not interleave (a draft sent twice, a tag list written over). A key's
/// lock exists only while someone holds it or waits for it, so keys seen once leave nothing behind.
/// </summary>
internal sealed class KeyedGate<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Entry> _entries;

    public KeyedGate(IEqualityComparer<TKey>? comparer = null) => _entries = new Dictionary<TKey, Entry>(comparer);

    /// <summary>How many keys are held or waited for (for tests: zero once every holder has left).</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Waits for the key, then holds it until the returned handle is disposed.</summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; the key is not held.</exception>
    public async Task<IDisposable> EnterAsync(TKey key, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                _entries.Add(key, entry);
            }
            entry.Users++;
        }
        try
        {
            await entry.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, entry, held: false);
            throw;
        }
        return new Holder(this, key, entry);
    }

    private void Leave(TKey key, Entry entry, bool held)
    {
        lock (_entries)
        {
            if (held)
            {
                entry.Lock.Release();
            }
            if (--entry.Users == 0)
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        /// <summary>Holder and waiters; changed under the dictionary's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Holder(KeyedGate<TKey> gate, TKey key, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Leave(key, entry, held: true);
            }
        }
    }
}
