using System.Runtime.CompilerServices;
namespace Esante.MsSante.Directory;

/// <summary>
/// The rows of an extraction file held compactly: every distinct value once, each row 31 value ids packed per column
/// (see <see cref="PackedCells"/>).
/// Read-only and thread-safe once built.
/// </summary>
public sealed class ExtractionRowSet
{
    private readonly PackedCells _cells;

    // The values' characters, one block (Latin-1 bytes when they all fit, else UTF-16), and where each starts; a value's
    // string is made when first read (most are never read by searches), rather than 1.5 million strings at start.
    private readonly char[]? _chars;
    private readonly byte[]? _latin1;
    private readonly int[] _offsets;

    // The strings made, by value id: allocated (12 MB for the national file) when a first string is, so that a rebuild's
    // new row set, whose build reads characters, holds none at the rebuild's peak of memory.
    private string?[]? _values;

    /// <summary>Rows of value ids, 31 per row, whose values are <paramref name="values"/>; <paramref name="cells"/> is packed (and overwritten on the way).</summary>
    internal ExtractionRowSet((byte[]? Latin1, char[]? Chars, int[] Offsets) values, int[] cells, int count, TrustedDomainList trustedDomains)
        : this(values, PackedCells.Pack(cells, count, ExtractionColumns.Count, values.Offsets.Length - 1), trustedDomains)
    {
    }

    /// <summary>
    /// Rows whose values are made when read from Latin-1 <c>Latin1</c> or, when null, from <c>Chars</c>: value <c>i</c> is
    /// the range <c>Offsets[i]..Offsets[i + 1]</c>; as many rows as <paramref name="cells"/> holds.
    /// </summary>
    internal ExtractionRowSet((byte[]? Latin1, char[]? Chars, int[] Offsets) values, PackedCells cells, TrustedDomainList trustedDomains)
    {
        _latin1 = values.Latin1;
        _chars = values.Latin1 is null ? values.Chars ?? throw new ArgumentNullException(nameof(values)) : null;
        _offsets = values.Offsets;
        _cells = cells;
        TrustedDomains = trustedDomains;
    }

    /// <summary>The trust space the addresses were checked against.</summary>
    public TrustedDomainList TrustedDomains { get; }

    /// <summary>How many rows.</summary>
    public int Count => _cells.RowCount;

    /// <summary>How many distinct values the rows hold.</summary>
    public int DistinctValueCount => _offsets.Length - 1;

    /// <summary>One column of one row; empty when the column is empty.</summary>
    /// <param name="row">The row, from 0.</param>
    /// <param name="column">The column, from 0 (see <see cref="ExtractionColumns"/>).</param>
    public string Get(int row, int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, ExtractionColumns.Count);
        return Value(_cells.ValueId(row, column));
    }

    /// <summary>The 31 columns of one row, in the file's order.</summary>
    /// <param name="row">The row, from 0.</param>
    public string[] GetColumns(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        var columns = new string[ExtractionColumns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = Value(_cells.ValueId(row, i));
        }
        return columns;
    }

    /// <summary>A read-only view of one row's 31 columns, reading the row set on each access (nothing copied).</summary>
    internal IReadOnlyList<string> View(int row) => new RowView(this, row);

    internal int ValueId(int row, int column) => _cells.ValueId(row, column);

    /// <summary>A cell's id among its column's distinct values (0 when empty), below <see cref="PackedCells.ColumnValueCount(int)"/>.</summary>
    internal int LocalId(int row, int column) => _cells.LocalId(row, column);

    internal string Value(int id)
    {
        var values = Volatile.Read(ref _values) ?? Strings();
        return values[id] ?? Make(values, id);
    }

    /// <summary>The array of strings made, made now; two threads may both make it, and either is kept.</summary>
    private string?[] Strings()
    {
        var values = new string?[_offsets.Length - 1];
        values[0] = string.Empty;
        return Interlocked.CompareExchange(ref _values, values, null) ?? values;
    }

    /// <summary>Makes a value's string from its characters; two threads may both make it, and either is kept.</summary>
    private string Make(string?[] values, int id)
    {
        var made = _latin1 is { } latin1
            ? System.Text.Encoding.Latin1.GetString(latin1, _offsets[id], _offsets[id + 1] - _offsets[id])
            : new string(_chars.AsSpan(_offsets[id], _offsets[id + 1] - _offsets[id]));
        return Interlocked.CompareExchange(ref values[id], made, null) ?? made;
    }

    /// <summary>A value's characters, no string made: in the block, or decoded into <paramref name="buffer"/> (grown as needed) from Latin-1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal ReadOnlySpan<char> Chars(int id, ref char[] buffer)
    {
        var start = _offsets[id];
        var length = _offsets[id + 1] - start;
        if (_latin1 is null)
        {
            return _chars.AsSpan(start, length);
        }
        if (buffer.Length < length)
        {
            buffer = new char[Math.Max(length, buffer.Length * 2)];
        }
        // Widened here rather than by Encoding.Latin1: values are short, and the build calls this millions of times.
        var source = _latin1.AsSpan(start, length);
        var chars = buffer.AsSpan(0, length);
        for (var i = 0; i < source.Length; i++)
        {
            chars[i] = (char)source[i];
        }
        return chars;
    }

    /// <summary>The values' characters as held: Latin-1 bytes, or UTF-16 characters when <c>Latin1</c> is null; value <c>i</c> is the range <c>Offsets[i]..Offsets[i + 1]</c>.</summary>
    internal (byte[]? Latin1, char[]? Chars, int[] Offsets) Block => (_latin1, _chars, _offsets);

    /// <summary>The value ids of the rows, packed per column.</summary>
    internal PackedCells Cells => _cells;
}

/// <summary>One row's columns as a list, read from the row set when asked (a search page builds many entries and few callers read every column).</summary>
internal sealed class RowView(ExtractionRowSet rows, int row) : IReadOnlyList<string>
{
    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ExtractionColumns.Count);
            return rows.Value(rows.ValueId(row, index));
        }
    }

    public int Count => ExtractionColumns.Count;

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < ExtractionColumns.Count; i++)
        {
            yield return rows.Value(rows.ValueId(row, i));
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
