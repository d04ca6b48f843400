using System.Text;
using Esante.MsSante.Directory;
using Microsoft.Data.Sqlite;

namespace Esante.MsSante.Directory.Benchmarks;

/// <summary>
/// The baseline: an in-memory SQLite FTS5 table over the same rows and the same searchable text (names, structure, service,
/// street lines, city), queried by prefix (<c>"gou"* "ade"*</c>): the first 10 by FTS5 rank plus the total count.
/// </summary>
public sealed class SqliteFts : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _page;
    private readonly SqliteCommand _count;
    private readonly SqliteParameter _pageMatch;
    private readonly SqliteParameter _countMatch;

    private SqliteFts(SqliteConnection connection)
    {
        _connection = connection;
        _page = connection.CreateCommand();
        _page.CommandText = "SELECT address, name FROM directory WHERE directory MATCH $m ORDER BY rank LIMIT $limit";
        _pageMatch = _page.Parameters.Add("$m", SqliteType.Text);
        _page.Parameters.Add("$limit", SqliteType.Integer);
        _count = connection.CreateCommand();
        _count.CommandText = "SELECT count(*) FROM directory WHERE directory MATCH $m";
        _countMatch = _count.Parameters.Add("$m", SqliteType.Text);
    }

    public static SqliteFts Build(ExtractionRowSet rows)
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE VIRTUAL TABLE directory USING fts5(address UNINDEXED, name, text, tokenize = 'unicode61 remove_diacritics 2')";
            create.ExecuteNonQuery();
        }
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO directory(address, name, text) VALUES ($a, $n, $t)";
        var a = insert.Parameters.Add("$a", SqliteType.Text);
        var n = insert.Parameters.Add("$n", SqliteType.Text);
        var t = insert.Parameters.Add("$t", SqliteType.Text);
        var text = new StringBuilder();
        for (var row = 0; row < rows.Count; row++)
        {
            text.Clear();
            foreach (var c in new[] { ExtractionColumns.Organization, ExtractionColumns.Service, ExtractionColumns.L2Location, ExtractionColumns.L3Distribution,
                ExtractionColumns.L4StreetNumber, ExtractionColumns.L4StreetType, ExtractionColumns.L4StreetName, ExtractionColumns.L5Locality, ExtractionColumns.L6Delivery })
            {
                text.Append(rows.Get(row, c)).Append(' ');
            }
            a.Value = rows.Get(row, ExtractionColumns.Address);
            n.Value = rows.Get(row, ExtractionColumns.LastName) + " " + rows.Get(row, ExtractionColumns.FirstName);
            t.Value = text.ToString();
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        return new SqliteFts(connection);
    }

    /// <summary>The first <paramref name="take"/> matches and the total, as the index answers.</summary>
    public int Search(string typed, int take)
    {
        var match = string.Join(' ', typed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => "\"" + w.Replace("\"", "", StringComparison.Ordinal) + "\"*"));
        _pageMatch.Value = match;
        _page.Parameters["$limit"].Value = take;
        using (var reader = _page.ExecuteReader())
        {
            while (reader.Read())
            {
                _ = reader.GetString(0);
            }
        }
        _countMatch.Value = match;
        return Convert.ToInt32(_count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _page.Dispose();
        _count.Dispose();
        _connection.Dispose();
    }
}
