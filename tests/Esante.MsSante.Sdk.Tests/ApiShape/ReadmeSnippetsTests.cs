using System.Text.RegularExpressions;
using Esante.MsSante.MailStackSupport;

namespace Esante.MsSante.Tests.ApiShape;

/// <summary>
/// Every C# block of the READMEs is code that compiles: it is found, line for line, in samples/ReadmeSnippets, which the
/// solution builds.
/// </summary>
public partial class ReadmeSnippetsTests
{
    private static readonly string Root = MailStackScripts.RepositoryRoot();

    public static TheoryData<string> Readmes() => ["README.md", "src/Esante.MsSante.Sdk/README.md", "src/Esante.MsSante.Sdk.Testing/README.md"];

    [Theory]
    [MemberData(nameof(Readmes))]
    public void Every_csharp_block_is_compiled_code_from_the_snippets_project(string readme)
    {
        var snippets = System.IO.Directory.GetFiles(Path.Combine(Root, "samples", "ReadmeSnippets"), "*.cs")
            .Select(f => Normalise(File.ReadAllText(f))).ToList();
        var blocks = CSharpBlock().Matches(File.ReadAllText(Path.Combine(Root, readme))).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);
        Assert.All(blocks, block => Assert.True(snippets.Any(s => s.Contains(Normalise(block), StringComparison.Ordinal)), $"{readme}: not in samples/ReadmeSnippets:\n{block}"));
    }

    [Fact]
    public async Task The_readmes_fake_operator_journey_runs_and_delivers_the_letter()
    {
        Assert.Equal("bob.durand@esante-test.mssante.fr", await Esante.MsSante.Samples.Readme.FakeOperatorTest.RunAsync());
    }

    [Fact]
    public void The_readme_says_how_to_add_the_packages()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.Contains("dotnet add package Esante.MsSante.Sdk", readme, StringComparison.Ordinal);
        Assert.Contains("dotnet add package Esante.MsSante.Sdk.Testing", readme, StringComparison.Ordinal);
    }

    // Lines compared without their indentation, blank lines dropped.
    private static string Normalise(string code) =>
        string.Join('\n', code.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
