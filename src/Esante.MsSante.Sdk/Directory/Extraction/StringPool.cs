using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
namespace Esante.MsSante.Directory;

/// <summary>
/// Interns strings read as spans: each distinct value gets a dense id (0 is the empty string) and its characters are kept
/// once, end to end in one block, rather than as a string each. Most columns of the national file repeat a few thousand
/// values (professions, cities, structures), so rows keep ids; its 1.5 million distinct values as strings were ≈ 100 MB
/// of small objects the collector copied from generation to generation while the file loaded.
/// </summary>
/// <remarks>
/// Open addressing with linear probing over one array of slots, each the value's hash and id together: a value not yet
/// in the pool (most of the national file's distinct values are seen once) costs one memory access to find out, and a
/// hit reads the characters only when the hashes agree. The table is kept at most half full. The block is in Latin-1
/// bytes while every character fits (French text does, but for a rare Œ or €), half the memory of UTF-16, which a
/// rebuild holds beside the current index; the first value that does not fit widens it to UTF-16 for good.
/// </remarks>
internal sealed class StringPool
{
    private ulong[] _slots; // (hash << 32) | (id + 1); 0 is an empty slot
    private byte[]? _latin1; // the block while every character fits in Latin-1; else null, and _chars holds it
    private char[] _chars;
    private int _charCount;
    private int[] _offsets; // value i is the block's [_offsets[i].._offsets[i + 1])
    private int _count;

    /// <param name="capacity">How many distinct values are expected; the pool grows past it.</param>
    /// <param name="charCapacity">How many characters they are expected to hold in all; the block grows past it.</param>
    public StringPool(int capacity = 1 << 16, int charCapacity = 1 << 16)
    {
        var size = 16;
        while (size < capacity)
        {
            size <<= 1;
        }
        _slots = LargeArrays.Zeroed<ulong>(size * 2);
        _offsets = LargeArrays.Uninitialized<int>(size + 1);
        _offsets[0] = 0;
        _offsets[1] = 0;
        _latin1 = LargeArrays.Uninitialized<byte>(Math.Max(charCapacity, 16));
        _chars = [];
        _count = 1;
    }

    public int Count => _count;

    public int Intern(ReadOnlySpan<char> value) => value.IsEmpty ? 0 : Intern(value, string.GetHashCode(value));

    /// <summary>
    /// Brings the slot of <paramref name="hash"/> into the processor's cache for an <see cref="Intern(ReadOnlySpan{char}, int)"/>
    /// of it a little later: with the hashes known ahead (a batch's), the table's cache misses overlap rather than wait one
    /// after the other (a fifth of the national file's load).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash) => LargeArrays.Prefetch(_slots, hash & (_slots.Length - 1));

    /// <summary>Interns a non-empty value whose <see cref="string.GetHashCode(ReadOnlySpan{char})"/> is already known (computed on another thread).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Intern(ReadOnlySpan<char> value, int hash)
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
                var start = _offsets[id];
                var length = _offsets[id + 1] - start;
                if (_latin1 is { } latin1 ? Same(value, latin1.AsSpan(start, length)) : Same(value, _chars.AsSpan(start, length)))
                {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
        var added = _count++;
        if (added + 1 == _offsets.Length)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
        }
        if (_latin1 is not null && !Narrow(value))
        {
            Widen();
        }
        if (_latin1 is null)
        {
            if (_charCount + value.Length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + value.Length));
            }
            value.CopyTo(_chars.AsSpan(_charCount));
        }
        _charCount += value.Length;
        _offsets[added + 1] = _charCount;
        slots[i] = tag | (uint)(added + 1);
        if (_count * 2 > slots.Length)
        {
            Grow();
        }
        return added;
    }

    /// <summary>Appends a value to the Latin-1 block; false, and nothing appended, when a character does not fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Narrow(ReadOnlySpan<char> value)
    {
        if (_charCount + value.Length > _latin1!.Length)
        {
            Array.Resize(ref _latin1, Math.Max(_latin1.Length * 2, _charCount + value.Length));
        }
        var bytes = _latin1.AsSpan(_charCount, value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c > '\u00FF')
            {
                return false;
            }
            bytes[i] = (byte)c;
        }
        return true;
    }

    /// <summary>The block from Latin-1 to UTF-16, for good.</summary>
    private void Widen()
    {
        _chars = LargeArrays.Uninitialized<char>(Math.Max(_latin1!.Length, 16));
        System.Text.Encoding.Latin1.GetChars(_latin1.AsSpan(0, _charCount), _chars);
        _latin1 = null;
    }

    /// <summary>The values as strings, indexed by id.</summary>
    public string[] ToArray()
    {
        var values = new string[_count];
        values[0] = string.Empty;
        for (var id = 1; id < _count; id++)
        {
            var start = _offsets[id];
            var length = _offsets[id + 1] - start;
            values[id] = _latin1 is { } latin1
                ? System.Text.Encoding.Latin1.GetString(latin1, start, length)
                : new string(_chars.AsSpan(start, length));
        }
        return values;
    }

    /// <summary>
    /// The values' characters and their <see cref="Count"/> + 1 offsets, trimmed: in Latin-1 bytes when every character fits,
    /// else as characters. The pool is emptied.
    /// </summary>
    public (byte[]? Latin1, char[]? Chars, int[] Offsets) TakeBlock()
    {
        // The table (tens of MB for a national file) let go first: a rebuild's peak of memory is here.
        _slots = [];
        var offsets = _offsets.AsSpan(0, _count + 1).ToArray();
        (byte[]?, char[]?, int[]) block = _latin1 is { } latin1
            ? (Trimmed(latin1, _charCount), null, offsets)
            : (null, Trimmed(_chars, _charCount), offsets);
        _latin1 = [];
        _chars = [];
        _offsets = [0, 0];
        _charCount = 0;
        _count = 1;
        return block;

        static T[] Trimmed<T>(T[] block, int length) where T : unmanaged
        {
            if (block.Length == length)
            {
                return block;
            }
            var trimmed = LargeArrays.Uninitialized<T>(length);
            block.AsSpan(0, length).CopyTo(trimmed);
            return trimmed;
        }
    }

    /// <summary>
    /// Whether two values have the same characters, compared here rather than by SequenceEqual: values are short, and a
    /// load compares millions, where the runtime's method ran in an instrumented tier for much of a fresh process's load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Same(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        ref var x = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(a));
        ref var y = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(b));
        var bytes = a.Length * sizeof(char);
        var i = 0;
        for (; i + sizeof(ulong) <= bytes; i += sizeof(ulong))
        {
            if (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref x, i)) != Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref y, i)))
            {
                return false;
            }
        }
        for (; i < bytes; i += sizeof(char))
        {
            if (Unsafe.ReadUnaligned<char>(ref Unsafe.Add(ref x, i)) != Unsafe.ReadUnaligned<char>(ref Unsafe.Add(ref y, i)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether a value has the characters of a Latin-1 one, four at a time (each byte spread to a character's two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Same(ReadOnlySpan<char> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        ref var x = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(a));
        ref var y = ref MemoryMarshal.GetReference(b);
        var i = 0;
        for (; i + 4 <= b.Length; i += 4)
        {
            ulong wide = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref y, i));
            wide = (wide | (wide << 16)) & 0x0000_FFFF_0000_FFFFUL;
            wide = (wide | (wide << 8)) & 0x00FF_00FF_00FF_00FFUL;
            if (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref x, i * sizeof(char))) != wide)
            {
                return false;
            }
        }
        for (; i < b.Length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }
        return true;
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
