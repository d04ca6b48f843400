using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Esante.MsSante.Directory;

/// <summary>
/// XXH64 (Yann Collet's 64-bit xxHash): a fast non-cryptographic hash, several GB/s, used to tie an index snapshot to its
/// extraction and to detect a damaged snapshot. It detects accidental change (truncation, a flipped byte, another file),
/// not a deliberate forgery, which needs write access to the folder anyway.
/// </summary>
internal struct SnapshotHash
{
    private const ulong P1 = 11400714785074694791UL;
    private const ulong P2 = 14029467366897019727UL;
    private const ulong P3 = 1609587929392839161UL;
    private const ulong P4 = 9650029242287828579UL;
    private const ulong P5 = 2870177450012600261UL;

    private ulong _v1, _v2, _v3, _v4;
    private ulong _length;
    private readonly byte[] _pending;
    private int _pendingCount;

    public SnapshotHash()
    {
        _v1 = unchecked(P1 + P2);
        _v2 = P2;
        _v3 = 0;
        _v4 = unchecked(0 - P1);
        _pending = new byte[32];
    }

    /// <summary>Adds bytes to the hash; any split of the same bytes gives the same result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        if (_pendingCount > 0)
        {
            var take = Math.Min(32 - _pendingCount, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            data = data[take..];
            if (_pendingCount < 32)
            {
                return;
            }
            Stripes(_pending);
            _pendingCount = 0;
        }
        var whole = data.Length & ~31;
        if (whole > 0)
        {
            Stripes(data[..whole]);
        }
        data[whole..].CopyTo(_pending);
        _pendingCount = data.Length - whole;
    }

    /// <summary>Adds the bytes of an array of primitives.</summary>
    public void Append<T>(ReadOnlySpan<T> data) where T : unmanaged => Append(MemoryMarshal.AsBytes(data));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Stripes(ReadOnlySpan<byte> data)
    {
        ulong v1 = _v1, v2 = _v2, v3 = _v3, v4 = _v4;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Index snapshots need a little-endian machine.");
        }
        for (var i = 0; i + 3 < words.Length; i += 4)
        {
            v1 = Round(v1, words[i]);
            v2 = Round(v2, words[i + 1]);
            v3 = Round(v3, words[i + 2]);
            v4 = Round(v4, words[i + 3]);
        }
        (_v1, _v2, _v3, _v4) = (v1, v2, v3, v4);
    }

    /// <summary>The hash of everything appended.</summary>
    public readonly ulong Finish()
    {
        ulong h;
        if (_length >= 32)
        {
            h = BitOperations.RotateLeft(_v1, 1) + BitOperations.RotateLeft(_v2, 7) + BitOperations.RotateLeft(_v3, 12) + BitOperations.RotateLeft(_v4, 18);
            h = Merge(h, _v1);
            h = Merge(h, _v2);
            h = Merge(h, _v3);
            h = Merge(h, _v4);
        }
        else
        {
            h = P5;
        }
        h += _length;
        var rest = _pending.AsSpan(0, _pendingCount);
        while (rest.Length >= 8)
        {
            h ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(rest));
            h = (BitOperations.RotateLeft(h, 27) * P1) + P4;
            rest = rest[8..];
        }
        if (rest.Length >= 4)
        {
            h ^= BinaryPrimitives.ReadUInt32LittleEndian(rest) * P1;
            h = (BitOperations.RotateLeft(h, 23) * P2) + P3;
            rest = rest[4..];
        }
        foreach (var b in rest)
        {
            h ^= b * P5;
            h = BitOperations.RotateLeft(h, 11) * P1;
        }
        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        h ^= h >> 32;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong acc, ulong input) => BitOperations.RotateLeft(acc + (input * P2), 31) * P1;

    private static ulong Merge(ulong h, ulong v) => ((h ^ Round(0, v)) * P1) + P4;
}
