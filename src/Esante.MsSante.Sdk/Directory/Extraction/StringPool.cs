namespace Esante.MsSante.Directory.Extraction;

/// <summary>
/// Interns strings read as spans: each distinct value is allocated once and gets a dense id (0 is the empty string).
/// Most columns of the national file repeat a few thousand values (professions, cities, structures), so rows keep ids.
/// </summary>
internal sealed class StringPool
{
    private int[] _buckets;
    private int[] _next;
    private int[] _hashes;
    private string[] _values;
    private int _count;

    public StringPool(int capacity = 1 << 16)
    {
        var size = 1;
        while (size < capacity)
        {
            size <<= 1;
        }
        _buckets = new int[size];
        _next = new int[size];
        _hashes = new int[size];
        _values = new string[size];
        _values[0] = string.Empty;
        _hashes[0] = 0;
        _count = 1;
    }

    public int Count => _count;

    public string this[int id] => _values[id];

    /// <summary>The values, indexed by id; only the first <see cref="Count"/> are set.</summary>
    public string[] Values => _values;

    public int Intern(ReadOnlySpan<char> value) => value.IsEmpty ? 0 : Intern(value, string.GetHashCode(value), null);

    /// <summary>Interns a non-empty value whose <see cref="string.GetHashCode(ReadOnlySpan{char})"/> is already known (computed on another thread).</summary>
    public int Intern(ReadOnlySpan<char> value, int hash) => Intern(value, hash, null);

    /// <summary>Interns a non-empty string already allocated: kept as is when new, rather than copied.</summary>
    public int Intern(string value, int hash) => Intern(value, hash, value);

    private int Intern(ReadOnlySpan<char> value, int hash, string? made)
    {
        var bucket = hash & (_buckets.Length - 1);
        for (var i = _buckets[bucket] - 1; i >= 0; i = _next[i] - 1)
        {
            if (_hashes[i] == hash && value.SequenceEqual(_values[i]))
            {
                return i;
            }
        }
        if (_count == _values.Length)
        {
            Grow();
            bucket = hash & (_buckets.Length - 1);
        }
        var id = _count++;
        _values[id] = made ?? value.ToString();
        _hashes[id] = hash;
        _next[id] = _buckets[bucket];
        _buckets[bucket] = id + 1;
        return id;
    }

    /// <summary>The values, trimmed to <see cref="Count"/>; the hash table is left for the collector.</summary>
    public string[] ToArray() => _values.AsSpan(0, _count).ToArray();

    /// <summary>Drops the table once <see cref="ToArray"/> has been taken, should anything still hold the pool.</summary>
    public void Release()
    {
        _buckets = [];
        _next = [];
        _hashes = [];
        _values = [];
        _count = 0;
    }

    private void Grow()
    {
        var size = _values.Length * 2;
        Array.Resize(ref _values, size);
        Array.Resize(ref _hashes, size);
        _next = new int[size];
        _buckets = new int[size];
        for (var i = 1; i < _count; i++)
        {
            var bucket = _hashes[i] & (size - 1);
            _next[i] = _buckets[bucket];
            _buckets[bucket] = i + 1;
        }
    }
}
