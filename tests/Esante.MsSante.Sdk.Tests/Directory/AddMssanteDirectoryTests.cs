using Esante.MsSante.Directory;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Tests.Directory;

public class AddMssanteDirectoryTests
{
    [Fact]
    public async Task The_extraction_file_source_loads_in_the_background_and_can_be_reloaded()
    {
        var path = Path.Combine(Path.GetTempPath(), $"extraction-{Guid.NewGuid():N}.txt");
        new ExtractionFileGenerator { RowCount = 500 }.WriteFile(path);
        try
        {
            await using var provider = new ServiceCollection().AddMssanteDirectory(o => o.ExtractionFilePath = path).Services.BuildServiceProvider();
            var directory = provider.GetRequiredService<IDirectorySearch>();
            Assert.Same(provider.GetRequiredService<ReloadableDirectory>(), directory);
            var found = await directory.SearchAsync(new DirectoryQuery { Text = "gou ade nan" });
            Assert.Equal("adeline.goudal@chu-nantes.mssante.fr", found.Entries[0].Address.Value);
        }
        finally
        {
            File.Delete(path);
            File.Delete(ExtractionDirectoryIndex.DefaultSnapshotPath(path));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_extraction_file_source_writes_its_snapshot_and_reads_it_at_the_next_start_unless_told_not_to(bool useSnapshot)
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("di-snapshot-").FullName;
        var path = Path.Combine(folder, "extraction.txt");
        new ExtractionFileGenerator { RowCount = 300 }.WriteFile(path);
        try
        {
            for (var start = 0; start < 2; start++)
            {
                await using var provider = new ServiceCollection().AddMssanteDirectory(o =>
                {
                    o.ExtractionFilePath = path;
                    o.UseSnapshot = useSnapshot;
                }).Services.BuildServiceProvider();
                var directory = provider.GetRequiredService<ReloadableDirectory>();
                Assert.Equal("adeline.goudal@chu-nantes.mssante.fr", (await directory.SearchAsync(new DirectoryQuery { Text = "gou ade nan" })).Entries[0].Address.Value);
                var index = (ExtractionDirectoryIndex)await ((LoadingDirectory)directory.Current).Load;
                Assert.Equal(useSnapshot && start == 1, index.IsFromSnapshot);
                Assert.Equal(useSnapshot, File.Exists(ExtractionDirectoryIndex.DefaultSnapshotPath(path)));
            }
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_extraction_file_is_reported_at_the_first_search()
    {
        await using var provider = new ServiceCollection().AddMssanteDirectory(o => o.ExtractionFilePath = "/nonexistent/extraction.txt").Services.BuildServiceProvider();
        await Assert.ThrowsAnyAsync<IOException>(() => provider.GetRequiredService<IDirectorySearch>().SearchAsync(new DirectoryQuery { City = "Nantes" }));
    }

    [Fact]
    public void The_FHIR_source_is_chosen_by_its_options_and_exactly_one_source_is_required()
    {
        using var provider = new ServiceCollection().AddMssanteDirectory(o => o.Fhir = new AnnuaireSanteFhirOptions { ApiKey = "test-key" }).Services.BuildServiceProvider();
        Assert.IsType<AnnuaireSanteFhirDirectory>(provider.GetRequiredService<IDirectorySearch>());
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMssanteDirectory(_ => { }));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMssanteDirectory(o =>
        {
            o.ExtractionFilePath = "x.txt";
            o.Fhir = new AnnuaireSanteFhirOptions { ApiKey = "k" };
        }));
    }
}
