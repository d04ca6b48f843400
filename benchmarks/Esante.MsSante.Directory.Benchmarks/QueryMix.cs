using Esante.MsSante.Directory;

namespace Esante.MsSante.Directory.Benchmarks;

/// <summary>The fixed mix of 1,000 autocomplete prefixes, as people type them: drawn with a fixed seed from the generated rows.</summary>
public static class QueryMix
{
    public static string[] Build(ExtractionRowSet rows, int count = 1_000, int seed = 42)
    {
        var random = new Random(seed);
        var queries = new List<string>(count);
        string Prefix(string s, int min, int max)
        {
            var folded = DirectoryTextProxy.Fold(s);
            var first = folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "a";
            return first[..Math.Min(first.Length, random.Next(min, max + 1))];
        }
        string Column(int column)
        {
            for (var attempt = 0; ; attempt++)
            {
                var v = rows.Get(random.Next(rows.Count), column);
                if (v.Length > 0 || attempt > 50)
                {
                    return v.Length > 0 ? v : "martin";
                }
            }
        }
        string[] fixedOnes = ["chu na", "gou ade", "chu nan", "pharm", "gou", "ade gou nan", "clin", "chu de re", "mar", "dup"];
        while (queries.Count < count)
        {
            var kind = random.Next(100);
            queries.Add(kind switch
            {
                < 35 => Prefix(Column(ExtractionColumns.LastName), 1, 4),                                            // « gou »
                < 55 => Prefix(Column(ExtractionColumns.LastName), 2, 5) + " " + Prefix(Column(ExtractionColumns.FirstName), 1, 3), // « gou ade »
                < 70 => Prefix(Column(ExtractionColumns.L6Delivery).Split(' ', 2)[^1], 2, 5),                        // city
                < 80 => Prefix(Column(ExtractionColumns.FirstName), 1, 4) + " " + Prefix(Column(ExtractionColumns.LastName), 1, 4),
                < 90 => Prefix(Column(ExtractionColumns.Organization), 3, 5) + " " + Prefix(Column(ExtractionColumns.L6Delivery).Split(' ', 2)[^1], 1, 3), // « chu na »
                _ => fixedOnes[random.Next(fixedOnes.Length)],
            });
        }
        return [.. queries];
    }
}

/// <summary>The SDK's folding is internal; this copy gives the same words for the mix.</summary>
internal static class DirectoryTextProxy
{
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(System.Text.NormalizationForm.FormD);
        var b = new System.Text.StringBuilder();
        var pending = false;
        foreach (var c in decomposed)
        {
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                if (pending && b.Length > 0)
                {
                    b.Append(' ');
                }
                pending = false;
                b.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pending = true;
            }
        }
        return b.ToString();
    }
}
