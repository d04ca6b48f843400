namespace Esante.MsSante.Directory;

/// <summary>
/// Whether the directory's stages run their parts on two threads or one after the other. A first load (an application
/// starting) uses both; a rebuild (<see cref="ReloadableDirectory.ReloadExtractionAsync"/>) runs beside searches with the
/// current index still in memory, and is not waited for: it runs its parts one after the other, so that it holds less
/// memory at once (its goal: within 400 MB with the current index) and leaves a core to the searches, and it makes room
/// before its largest arrays (<see cref="MakeRoom"/>). The loader's two stages (parsing, interning) and the build's two
/// tasks (address words, identifiers) run beside it either way.
/// </summary>
internal static class BuildParallelism
{
    private static readonly AsyncLocal<bool> s_oneAfterTheOther = new();

    /// <summary>Whether this runs within <see cref="OneAfterTheOther"/>.</summary>
    public static bool IsOneAfterTheOther => s_oneAfterTheOther.Value;

    /// <summary>Runs <paramref name="load"/> (and what it starts) with its parts one after the other.</summary>
    public static async Task<T> OneAfterTheOther<T>(Func<Task<T>> load)
    {
        // Set within this async method, the flag flows into `load` and the tasks it starts, and not back to the caller.
        s_oneAfterTheOther.Value = true;
        return await load().ConfigureAwait(false);
    }

    /// <summary>
    /// In a rebuild (within <see cref="OneAfterTheOther"/>), a blocking collection that compacts the heap and gives the
    /// memory freed back to the system (<see cref="GCCollectionMode.Aggressive"/>); nothing in a first load. Called before
    /// the build's largest arrays: the collector otherwise keeps regions it freed committed for a while, and with its heap
    /// capped (a container's memory limit) it could not place a large array beside the current index though the live data
    /// fit: with the national file, the capped rebuild ran out of memory in 1 run of 16 at 400 MB; with these collections,
    /// in none of 24 at 400 and at 356 MB. Costs ≈ 70 ms of pauses (the searches beside wait through each).
    /// </summary>
    public static void MakeRoom()
    {
        if (IsOneAfterTheOther)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>Runs two independent parts: on two threads, or one after the other within <see cref="OneAfterTheOther"/>.</summary>
    public static void Invoke(Action first, Action second)
    {
        if (IsOneAfterTheOther)
        {
            first();
            second();
        }
        else
        {
            Parallel.Invoke(first, second);
        }
    }

    /// <summary>Runs <paramref name="body"/> for 0 to <paramref name="count"/> - 1: in parallel, or in order within <see cref="OneAfterTheOther"/>.</summary>
    public static void For(int count, Action<int> body)
    {
        if (IsOneAfterTheOther)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }
        }
        else
        {
            Parallel.For(0, count, body);
        }
    }
}
