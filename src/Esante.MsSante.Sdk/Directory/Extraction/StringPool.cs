using System.Runtime.CompilerServices;
namespace Esante.MsSante.Directory;

/// <summary>
/// Interns strings read as spans: each distinct value is allocated once and gets a dense id (0 is the empty string).
/// Most columns of the national file repeat a few thousand values (professions, cities, structures), so rows keep ids.
/// </summary>
/// <remarks>
/// Open addressing with linear probing over one array of slots, each the value's hash and id together: a value not yet
/// in the pool (most of the national file's distinct values are seen once) costs one memory access to find out, and a
/// hit reads the string only when the hashes agree. The table is kept at most half full.
/// </remarks>
internal sealed class StringPool
{
    private ulong[] _slots; // (hash << 32) | (id + 1); 0 is an empty slot
    private string[] _values;
    private int _count;

    /// <param name="capacity">How many distinct values are expected; the pool grows past it.</param>
    public StringPool(int capacity = 1 << 16)
    {
        var size = 16;
        while (size < capacity)
        {
            size <<= 1;
        }
        _slots = LargeArrays.Zeroed<ulong>(size * 2);
        _values = new string[size];
        _values[0] = string.Empty;
        _count = 1;
    }

    public int Count => _count;

    /// <summary>A pool whose strings are reused for equal values instead of allocating new ones (the previous index's, on a reload).</summary>
    public StringPool? Donor { get; set; }

    /// <summary>A pool holding <paramref name="values"/> (id 0 the empty string), to serve as a <see cref="Donor"/>.</summary>
    public static StringPool Of(string[] values)
    {
        var pool = new StringPool(values.Length);
        foreach (var value in values)
        {
            if (value.Length > 0)
            {
                pool.Intern(value, string.GetHashCode(value.AsSpan()));
            }
        }
        return pool;
    }

    /// <summary>The pool's string equal to <paramref name="value"/>, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? Find(ReadOnlySpan<char> value, int hash)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        var tag = (ulong)(uint)hash << 32;
        for (var i = hash & mask; slots[i] != 0; i = (i + 1) & mask)
        {
            if ((slots[i] & 0xFFFF_FFFF_0000_0000UL) == tag && value.SequenceEqual(_values[(int)(uint)slots[i] - 1]))
            {
                return _values[(int)(uint)slots[i] - 1];
            }
        }
        return null;
    }

    public string this[int id] => _values[id];

    /// <summary>The values, indexed by id; only the first <see cref="Count"/> are set.</summary>
    public string[] Values => _values;

    public int Intern(ReadOnlySpan<char> value) => value.IsEmpty ? 0 : Intern(value, string.GetHashCode(value), null);

    /// <summary>Interns a non-empty value whose <see cref="string.GetHashCode(ReadOnlySpan{char})"/> is already known (computed on another thread).</summary>
    public int Intern(ReadOnlySpan<char> value, int hash) => Intern(value, hash, null);

    /// <summary>Interns a non-empty string already allocated: kept as is when new, rather than copied.</summary>
    public int Intern(string value, int hash) => Intern(value, hash, value);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Intern(ReadOnlySpan<char> value, int hash, string? made)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        var tag = (ulong)(uint)hash << 32;
        var i = hash & mask;
        while (true)
        {
            var slot = slots[i];
            if (slot == 0)
            {
                break;
            }
            if ((slot & 0xFFFF_FFFF_0000_0000UL) == tag)
            {
                var id = (int)(uint)slot - 1;
                if (value.SequenceEqual(_values[id]))
                {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
        var added = _count++;
        if (added == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }
        _values[added] = Donor?.Find(value, hash) ?? made ?? value.ToString();
        slots[i] = tag | (uint)(added + 1);
        if (_count * 2 > slots.Length)
        {
            Grow();
        }
        return added;
    }

    /// <summary>The values, trimmed to <see cref="Count"/>; the hash table is left for the collector.</summary>
    public string[] ToArray() => _values.AsSpan(0, _count).ToArray();

    /// <summary>Drops the table once <see cref="ToArray"/> has been taken, should anything still hold the pool.</summary>
    public void Release()
    {
        _slots = [];
        _values = [];
        _count = 0;
    }

    private void Grow()
    {
        var slots = LargeArrays.Zeroed<ulong>(_slots.Length * 2);
        var mask = slots.Length - 1;
        foreach (var slot in _slots)
        {
            if (slot == 0)
            {
                continue;
            }
            var i = (int)(slot >> 32) & mask;
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }
            slots[i] = slot;
        }
        _slots = slots;
    }
}
