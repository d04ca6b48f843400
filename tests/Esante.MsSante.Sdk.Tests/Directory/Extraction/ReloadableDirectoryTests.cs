using Esante.MsSante.Directory;

namespace Esante.MsSante.Tests.Directory.Extraction;

public class ReloadableDirectoryTests
{
    [Fact]
    public async Task Searches_keep_answering_while_a_newer_index_is_swapped_in()
    {
        var older = ExtractionFiles.Index(null, ExtractionFiles.Row("adeline.goudal@chu-nantes.mssante.fr", last: "GOUDAL", first: "Adeline"));
        var newer = ExtractionFiles.Index(null,
            ExtractionFiles.Row("adeline.goudal@chu-nantes.mssante.fr", last: "GOUDAL", first: "Adeline"),
            ExtractionFiles.Row("paul.goudal@chu-nantes.mssante.fr", last: "GOUDAL", first: "Paul"));
        var directory = new ReloadableDirectory(older);
        using var stop = new CancellationTokenSource();
        var counts = new System.Collections.Concurrent.ConcurrentBag<int>();
        var searchers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested || n < 100)
            {
                var page = await directory.SearchAsync(new DirectoryQuery { Text = "goudal" });
                counts.Add(page.TotalCount);
                n++;
            }
        })).ToArray();

        for (var i = 0; i < 50; i++)
        {
            await directory.ReloadAsync(_ => Task.FromResult(i % 2 == 0 ? newer : older));
            await Task.Yield();
        }
        await directory.ReloadAsync(_ => Task.FromResult(newer));
        stop.Cancel();
        await Task.WhenAll(searchers);

        Assert.All(counts, c => Assert.True(c is 1 or 2));
        Assert.Equal(51, directory.Generation);
        Assert.Same(newer, directory.Current);
        Assert.Equal(2, (await directory.SearchAsync(new DirectoryQuery { Text = "goudal" })).TotalCount);
    }

    [Fact]
    public async Task A_failed_reload_keeps_the_current_directory()
    {
        var current = ExtractionFiles.Index(null, ExtractionFiles.Row("a.b@medecin.mssante.fr", last: "B"));
        var directory = new ReloadableDirectory(current);
        await Assert.ThrowsAsync<InvalidDataException>(() => directory.ReloadAsync<ExtractionDirectoryIndex>(_ => throw new InvalidDataException("truncated")));
        Assert.Same(current, directory.Current);
        Assert.Equal(0, directory.Generation);
    }

    [Fact]
    public async Task A_reload_that_runs_out_of_memory_keeps_the_current_directory_answering()
    {
        // What a refresh gets in a container too small for two indexes at once (the benchmarks' capped rebuild).
        var current = ExtractionFiles.Index(null, ExtractionFiles.Row("a.b@medecin.mssante.fr", last: "Goudal"));
        var directory = new ReloadableDirectory(current);
#pragma warning disable CA2201 // the runtime's own exception, as an allocation of the new index would throw it
        var outOfMemory = new OutOfMemoryException();
#pragma warning restore CA2201
        await Assert.ThrowsAsync<OutOfMemoryException>(() => directory.ReloadAsync(_ => Task.FromException<ExtractionDirectoryIndex>(outOfMemory)));
        Assert.Same(current, directory.Current);
        Assert.Equal(1, (await directory.SearchAsync(new DirectoryQuery { Text = "goudal" })).TotalCount);
    }
}
