using Esante.MsSante.Directory;
using Xunit;

namespace Esante.MsSante.Tests.Directory.Extraction;

public sealed class BuildParallelismTests
{
    [Fact]
    public async Task An_index_built_one_part_after_the_other_as_a_rebuild_does_answers_as_one_built_on_two_threads()
    {
        var generator = new ExtractionFileGenerator { RowCount = 6_000, Seed = 7 };
        var onTwoThreads = ExtractionFiles.Index(generator);
        var oneAfterTheOther = await BuildParallelism.OneAfterTheOther(() => Task.FromResult(ExtractionFiles.Index(generator)));

        Assert.Equal(onTwoThreads.Count, oneAfterTheOther.Count);
        var first = onTwoThreads.Search(new DirectoryQuery { Text = "a", Take = 1 }).Entries[0];
        DirectoryQuery[] queries =
        [
            new() { Text = "gou ade" }, new() { Text = "a" }, new() { Text = "nan" }, new() { Text = "chu" },
            new() { Text = "marie dup" }, new() { Text = "44" }, new() { PostalCode = "44000" }, new() { Email = "mssante" },
            new() { Text = first.Identifier?.Value ?? "0" }, new() { Organization = "centre" },
        ];
        foreach (var query in queries)
        {
            var expected = onTwoThreads.Search(query with { Take = 50 });
            var actual = oneAfterTheOther.Search(query with { Take = 50 });
            Assert.Equal(expected.TotalCount, actual.TotalCount);
            Assert.Equal(expected.Entries.Select(e => e.Address.Value), actual.Entries.Select(e => e.Address.Value));
        }
    }

    [Fact]
    public async Task Room_is_made_by_a_full_collection_in_a_rebuild_only()
    {
        var before = GC.CollectionCount(GC.MaxGeneration);
        BuildParallelism.MakeRoom();
        var outside = GC.CollectionCount(GC.MaxGeneration) - before;
        var inside = await BuildParallelism.OneAfterTheOther(() =>
        {
            var start = GC.CollectionCount(GC.MaxGeneration);
            BuildParallelism.MakeRoom();
            return Task.FromResult(GC.CollectionCount(GC.MaxGeneration) - start);
        });

        Assert.True(inside >= 1);
        Assert.True(outside == 0 || outside < inside); // another test may collect meanwhile; MakeRoom itself does not
    }

    [Fact]
    public async Task The_one_after_the_other_mode_stays_within_its_call()
    {
        Assert.False(BuildParallelism.IsOneAfterTheOther);
        var inside = await BuildParallelism.OneAfterTheOther(() => Task.Run(() => BuildParallelism.IsOneAfterTheOther));
        Assert.True(inside);
        Assert.False(BuildParallelism.IsOneAfterTheOther);
    }
}
