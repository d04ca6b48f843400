using System.Runtime.CompilerServices;

namespace Esante.MsSante.Directory;

/// <summary>
/// The value ids of a row set's cells, packed: each column numbers its own distinct values (its dictionary maps them to the
/// row set's value ids) and a cell takes the 1 to 4 bytes its column's count needs. The national file's columns need
/// ≈ 45 bytes a row rather than 124 as 31 ints: less memory to fill at start and to hold. Read-only once built.
/// </summary>
internal sealed class PackedCells
{
    /// <summary>Bytes after the last row, so that every cell reads as 4 bytes whatever its width.</summary>
    private const int Padding = 3;

    /// <summary>
    /// Zeros (the empty value) after the last dictionary, so that any cell of 1 or 2 bytes, whatever its content, reads within
    /// the dictionaries: cells read back from a file need checking only in the few columns of 3 or 4 bytes.
    /// </summary>
    private const int DictionaryTail = 1 << 16;

    private readonly byte[] _bytes;
    private readonly int _stride;
    private readonly int[] _offset;   // per column: its byte offset in a row
    private readonly uint[] _mask;    // per column: the low bytes of a 4-byte read that are its cell
    private readonly int[] _start;    // per column, and one past the last: where its dictionary starts in _dictionary
    private readonly int[] _dictionary;

    private PackedCells(byte[] bytes, int[] widths, int[] start, int[] dictionary, int rowCount)
    {
        _bytes = bytes;
        _start = start;
        _dictionary = dictionary;
        Widths = widths;
        RowCount = rowCount;
        _offset = new int[widths.Length];
        _mask = new uint[widths.Length];
        for (var c = 0; c < widths.Length; c++)
        {
            _offset[c] = _stride;
            _mask[c] = widths[c] == 4 ? uint.MaxValue : (1u << (8 * widths[c])) - 1;
            _stride += widths[c];
        }
    }

    public int RowCount { get; }

    /// <summary>Each column's cell width in bytes (1 to 4).</summary>
    public int[] Widths { get; }

    /// <summary>Where each column's values start in <see cref="Dictionary"/>, and one past the last column's end.</summary>
    public int[] DictionaryStart => _start;

    /// <summary>The columns' dictionaries one after the other, then zeros: a column's local id to the row set's value id (local 0 is the empty value).</summary>
    public int[] Dictionary => _dictionary;

    /// <summary>The rows' cells, <c>rows × the sum of the widths</c> bytes, then padding.</summary>
    public byte[] Bytes => _bytes;

    /// <summary>The row set's value id of one cell.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ValueId(int row, int column) => _dictionary[_start[column] + LocalId(row, column)];

    /// <summary>The cell's id in its column's own numbering (0 for an empty cell).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LocalId(int row, int column) =>
        (int)(Unsafe.ReadUnaligned<uint>(ref _bytes[(row * _stride) + _offset[column]]) & _mask[column]);

    /// <summary>How many distinct values a column has, the empty one included.</summary>
    public int ColumnValueCount(int column) => _start[column + 1] - _start[column];

    /// <summary>The row set's value id of a column's local id.</summary>
    public int ColumnValue(int column, int local) => _dictionary[_start[column] + local];

    /// <summary>
    /// Packs cells of value ids (<paramref name="rowCount"/> rows of <paramref name="columns"/>, row-major). The array is
    /// overwritten with the local ids on the way: the caller gives it up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PackedCells Pack(int[] cells, int rowCount, int columns, int valueCount)
    {
        // 1. Each column's local ids, in order of first appearance: half the columns on each of two threads, which share
        //    nothing but the cells' array, each writing only its own columns.
        var dictionaries = new List<int>[columns];
        var split = columns / 2;
        BuildParallelism.Invoke(() => Number(0, split), () => Number(split, columns));

        // 2. Widths, dictionaries end to end, then the bytes: each cell written as 4 bytes, the next cell overwriting the excess.
        var widths = new int[columns];
        var start = new int[columns + 1];
        for (var c = 0; c < columns; c++)
        {
            var count = dictionaries[c].Count;
            widths[c] = count <= 1 << 8 ? 1 : count <= 1 << 16 ? 2 : count <= 1 << 24 ? 3 : 4;
            start[c + 1] = start[c] + count;
        }
        var all = new int[start[columns] + DictionaryTail];
        for (var c = 0; c < columns; c++)
        {
            dictionaries[c].CopyTo(all, start[c]);
        }
        var stride = widths.Sum();
        var bytes = LargeArrays.Uninitialized<byte>(checked((rowCount * stride) + Padding));
        bytes.AsSpan(rowCount * stride).Clear();
        var half = rowCount / 2;
        BuildParallelism.Invoke(() => WriteRows(bytes, cells, widths, 0, half), () => WriteRows(bytes, cells, widths, half, rowCount));
        return new PackedCells(bytes, widths, start, all, rowCount);

        // Numbers the values of columns [from, to). A value is usually in one column only: the column that met it first
        // keeps its local id in two arrays; the few values also in other columns go through a dictionary.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Number(int from, int to)
        {
            var owner = LargeArrays.Zeroed<byte>(valueCount);
            var localOf = LargeArrays.Uninitialized<int>(valueCount);
            var shared = new Dictionary<long, int>();
            for (var c = from; c < to; c++)
            {
                dictionaries[c] = [0];
            }
            for (var row = 0; row < rowCount; row++)
            {
                var i = row * columns;
                for (var c = from; c < to; c++)
                {
                    var value = cells[i + c];
                    if (value == 0)
                    {
                        continue;
                    }
                    var by = owner[value];
                    if (by == c + 1)
                    {
                        cells[i + c] = localOf[value];
                        continue;
                    }
                    var dictionary = dictionaries[c];
                    if (by == 0)
                    {
                        owner[value] = (byte)(c + 1);
                        localOf[value] = cells[i + c] = dictionary.Count;
                        dictionary.Add(value);
                        continue;
                    }
                    var key = ((long)c << 32) | (uint)value;
                    if (!shared.TryGetValue(key, out var local))
                    {
                        local = dictionary.Count;
                        dictionary.Add(value);
                        shared.Add(key, local);
                    }
                    cells[i + c] = local;
                }
            }
        }
    }

    /// <summary>
    /// Writes the local ids of rows [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="cells"/> into
    /// <paramref name="bytes"/>: each cell as 4 bytes, the next cell overwriting the excess, but for the last row's, written
    /// to their widths only, so that nothing past the range's last row is written (the rows after may already be, by another
    /// thread).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WriteRows(byte[] bytes, int[] cells, int[] widths, int from, int to)
    {
        if (from >= to)
        {
            return;
        }
        var columns = widths.Length;
        var stride = widths.Sum();
        ref var at = ref bytes[0];
        var position = from * stride;
        var i = from * columns;
        for (var c = 0; i < (to - 1) * columns; i++, c = c + 1 == columns ? 0 : c + 1)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, position), (uint)cells[i]);
            position += widths[c];
        }
        for (var c = 0; c < columns; c++, i++)
        {
            for (var b = 0; b < widths[c]; b++)
            {
                bytes[position++] = (byte)(cells[i] >> (8 * b));
            }
        }
    }

    /// <summary>
    /// Cells read back (from a snapshot), checked so that no read goes out of bounds: widths of 1 to 4 bytes, the bytes
    /// the rows need, dictionaries within the values, and each cell within its column's dictionary.
    /// </summary>
    /// <returns>The cells, or null when they do not fit together.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PackedCells? Read(byte[] bytes, int[] widths, int[] start, int[] dictionary, int rowCount, int valueCount)
    {
        var columns = widths.Length;
        if (rowCount < 0 || start.Length != columns + 1 || start[0] != 0 || (long)start[columns] + DictionaryTail != dictionary.Length
            || widths.AsSpan().ContainsAnyExceptInRange(1, 4) || dictionary.AsSpan().ContainsAnyExceptInRange(0, valueCount - 1))
        {
            return null;
        }
        var stride = 0;
        for (var c = 0; c < columns; c++)
        {
            var count = start[c + 1] - start[c];
            if (count < 1 || (widths[c] < 4 && count > 1L << (8 * widths[c])))
            {
                return null;
            }
            stride += widths[c];
        }
        if (bytes.Length != ((long)rowCount * stride) + Padding)
        {
            return null;
        }
        var cells = new PackedCells(bytes, widths, start, dictionary, rowCount);
        // A cell of 1 or 2 bytes reads within the dictionaries (their tail) whatever it holds, at worst another column's
        // value; a wider one is checked against its column's count. Rows read in order.
        var check = Enumerable.Range(0, columns).Where(c => widths[c] >= 3 && (widths[c] == 4 || cells.ColumnValueCount(c) < 1 << 24)).ToArray();
        var counts = check.Select(cells.ColumnValueCount).ToArray();
        for (var row = 0; row < rowCount; row++)
        {
            for (var i = 0; i < check.Length; i++)
            {
                if ((uint)cells.LocalId(row, check[i]) >= (uint)counts[i])
                {
                    return null;
                }
            }
        }
        return cells;
    }
}
