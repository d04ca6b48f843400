using System.Reflection;
using Esante.MsSante.MailStackSupport;
using System.Text.RegularExpressions;

namespace Esante.MsSante.Tests.Conformity;

/// <summary>docs/CONFORMITY.md cites tests that exist, and every rule it lists names its proof (or the work that brings it).</summary>
public partial class ConformityDocumentTests
{
    private static readonly string[] Document = File.ReadAllLines(DocumentPath());

    [Fact]
    public void Every_test_cited_in_CONFORMITY_md_exists_in_the_test_project()
    {
        var tests = typeof(ConformityDocumentTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any())
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);

        var cited = Document.SelectMany(line => TestName().Matches(line).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.True(cited.Count > 50, $"Only {cited.Count} tests cited: the pattern no longer finds them.");
        var missing = cited.Where(name => !tests.Contains(name)).ToList();
        Assert.True(missing.Count == 0, "Cited in CONFORMITY.md but no such test: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_rule_row_names_a_test_or_the_work_that_brings_it()
    {
        var rows = Document.Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| Rule ", StringComparison.Ordinal)).ToList();

        Assert.True(rows.Count > 40, $"Only {rows.Count} rule rows found.");
        var unproven = rows.Where(row => !TestName().IsMatch(row) && !row.Contains("(h10a)", StringComparison.Ordinal)).ToList();
        Assert.True(unproven.Count == 0, "Rows without a test: " + string.Join(Environment.NewLine, unproven));
    }

    /// <summary>A test method's name in backticks: words joined by underscores, starting with a capital.</summary>
    [GeneratedRegex(@"`([A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)`")]
    private static partial Regex TestName();

    // Found from the binaries, not [CallerFilePath]: CI builds map source paths to /_/.
    private static string DocumentPath() => Path.Combine(MailStackScripts.RepositoryRoot(), "docs", "CONFORMITY.md");
}
