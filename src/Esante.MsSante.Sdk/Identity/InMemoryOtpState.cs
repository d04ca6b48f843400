using Microsoft.Extensions.Caching.Distributed;

namespace Esante.MsSante;

/// <summary>
/// Where <see cref="OtpProvider"/> keeps its state when the application registers no <see cref="IDistributedCache"/>:
/// in this process, each entry expiring as it was told, and at most <see cref="Capacity"/> entries (past it, the expired
/// ones go, then those closest to expiry), so a flood of accounts cannot grow it without end.
/// </summary>
internal sealed class InMemoryOtpState(TimeProvider time) : IDistributedCache
{
    /// <summary>The most entries kept: one per account or secret in use within the last minutes.</summary>
    internal const int Capacity = 100_000;

    private readonly Dictionary<string, (byte[] Value, DateTimeOffset ExpiresAt)> _entries = new(StringComparer.Ordinal);

    internal int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    public byte[]? Get(string key)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                return null;
            }
            if (entry.ExpiresAt <= time.GetUtcNow())
            {
                _entries.Remove(key);
                return null;
            }
            return entry.Value;
        }
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var now = time.GetUtcNow();
        var expiresAt = options.AbsoluteExpiration
            ?? (options.AbsoluteExpirationRelativeToNow is { } relative ? now + relative : throw new ArgumentException("The state must expire.", nameof(options)));
        lock (_entries)
        {
            if (_entries.Count >= Capacity && !_entries.ContainsKey(key))
            {
                MakeRoom(now);
            }
            _entries[key] = (value, expiresAt);
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Refresh(string key)
    {
        // Absolute expiry only: nothing slides.
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key)
    {
        lock (_entries)
        {
            _entries.Remove(key);
        }
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    /// <summary>Drops the expired entries, and if none had expired a tenth of the entries closest to expiry.</summary>
    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var expired in _entries.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList())
        {
            _entries.Remove(expired);
        }
        if (_entries.Count >= Capacity)
        {
            foreach (var soonest in _entries.OrderBy(e => e.Value.ExpiresAt).Take(Capacity / 10).Select(e => e.Key).ToList())
            {
                _entries.Remove(soonest);
            }
        }
    }
}
