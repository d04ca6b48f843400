using Esante.MsSante.Directory;
using Xunit;

namespace Esante.MsSante.Tests.Directory.Extraction;

public sealed class PackedCellsTests
{
    private const int Columns = 4;

    /// <summary>
    /// 70,000 rows: column 0 repeats 3 values (1 byte a cell), column 1 has 300 (2 bytes), column 2 a value per row
    /// (3 bytes), column 3 is empty but for a value also in column 0 (a value in two columns).
    /// </summary>
    private static (int[] Cells, int Rows, int Values) Sample()
    {
        const int rows = 70_000;
        var cells = new int[rows * Columns];
        for (var row = 0; row < rows; row++)
        {
            cells[(row * Columns) + 0] = 1 + (row % 3);
            cells[(row * Columns) + 1] = row % 7 == 0 ? 0 : 10 + (row % 300);
            cells[(row * Columns) + 2] = 1_000 + row;
            cells[(row * Columns) + 3] = row % 5 == 0 ? 2 : 0;
        }
        return (cells, rows, 1_000 + rows);
    }

    [Fact]
    public void Every_cell_reads_back_its_value_id_with_the_width_its_column_needs()
    {
        var (cells, rows, values) = Sample();
        var expected = (int[])cells.Clone();
        var packed = PackedCells.Pack(cells, rows, Columns, values);
        Assert.Equal([1, 2, 3, 1], packed.Widths);
        Assert.Equal((rows * 7) + 3, packed.Bytes.Length);
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < Columns; column++)
            {
                Assert.Equal(expected[(row * Columns) + column], packed.ValueId(row, column));
            }
        }
        // Local ids number each column's values from 1 in order of appearance; 0 is the empty value.
        Assert.Equal(1, packed.LocalId(0, 3));
        Assert.Equal(2, packed.ColumnValueCount(3));
        Assert.Equal(2, packed.ColumnValue(3, packed.LocalId(0, 3)));
        Assert.Equal(0, packed.LocalId(7, 1));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(1_001, 500)]
    public void Rows_written_in_two_ranges_in_either_order_leave_the_same_bytes(int rows, int split)
    {
        // Each cell is written as 4 bytes, the excess overwritten by the next cells: across two ranges written by two
        // threads, the excess of the first range's last cells must not zero the second range's first row if it is already
        // written. Columns of 1 byte have the most excess.
        const int columns = 5;
        var cells = new int[rows * columns];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = 1 + (i % 7);
        }
        var expected = (int[])cells.Clone();
        var packed = PackedCells.Pack(cells, rows, columns, 8);
        Assert.Equal([1, 1, 1, 1, 1], packed.Widths);
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                Assert.Equal(expected[(row * columns) + column], packed.ValueId(row, column));
            }
        }
        // The second range first, then the first: the same bytes as packed.
        var local = new int[cells.Length];
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                local[(row * columns) + column] = packed.LocalId(row, column);
            }
        }
        var bytes = new byte[packed.Bytes.Length];
        PackedCells.WriteRows(bytes, local, packed.Widths, split, rows);
        PackedCells.WriteRows(bytes, local, packed.Widths, 0, split);
        Assert.Equal(packed.Bytes, bytes);
    }

    [Fact]
    public void Cells_read_back_from_their_parts_are_the_same()
    {
        var (cells, rows, values) = Sample();
        var packed = PackedCells.Pack(cells, rows, Columns, values);
        var read = PackedCells.Read(packed.Bytes, packed.Widths, packed.DictionaryStart, packed.Dictionary, rows, values);
        Assert.NotNull(read);
        for (var row = 0; row < rows; row += 97)
        {
            for (var column = 0; column < Columns; column++)
            {
                Assert.Equal(packed.ValueId(row, column), read.ValueId(row, column));
            }
        }
    }

    [Fact]
    public void Parts_that_do_not_fit_together_are_refused_rather_than_read_out_of_bounds()
    {
        var (cells, rows, values) = Sample();
        var packed = PackedCells.Pack(cells, rows, Columns, values);
        var bytes = packed.Bytes;
        var widths = packed.Widths;
        var start = packed.DictionaryStart;
        var dictionary = packed.Dictionary;

        // A cell of 3 bytes past its column's values; one of 1 byte past its column's still reads within the dictionaries.
        var wrongCell = (byte[])bytes.Clone();
        wrongCell[(7 * 5) + 3 + 2] = 0xFF;
        Assert.Null(PackedCells.Read(wrongCell, widths, start, dictionary, rows, values));
        var strayCell = (byte[])bytes.Clone();
        strayCell[(7 * rows) - 1] = 0xFF;
        var stray = PackedCells.Read(strayCell, widths, start, dictionary, rows, values);
        Assert.NotNull(stray);
        Assert.InRange(stray.ValueId(rows - 1, 3), 0, values - 1);
        // Fewer bytes than the rows need.
        Assert.Null(PackedCells.Read(bytes[..^1], widths, start, dictionary, rows, values));
        // A width out of 1..4, or one too narrow for its column's values.
        Assert.Null(PackedCells.Read(bytes, [1, 2, 5, 1], start, dictionary, rows, values));
        Assert.Null(PackedCells.Read(bytes, [1, 1, 3, 2], start, dictionary, rows, values));
        // A dictionary naming a value the row set does not have, or whose starts do not cover it.
        Assert.Null(PackedCells.Read(bytes, widths, start, dictionary, rows, values - 1));
        Assert.Null(PackedCells.Read(bytes, widths, [.. start[..^1], start[^1] - 1], dictionary, rows, values));
        Assert.Null(PackedCells.Read(bytes, widths, start, dictionary[..^1], rows, values));
    }

    [Fact]
    public void A_row_set_of_no_rows_packs_and_reads_back()
    {
        var packed = PackedCells.Pack([], 0, Columns, 1);
        Assert.Equal([1, 1, 1, 1], packed.Widths);
        Assert.NotNull(PackedCells.Read(packed.Bytes, packed.Widths, packed.DictionaryStart, packed.Dictionary, 0, 1));
    }
}
