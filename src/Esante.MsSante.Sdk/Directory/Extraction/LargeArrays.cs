using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Esante.MsSante.Directory;

/// <summary>
/// The directory's large arrays (a snapshot's sections, the rows' cells, the postings), allocated so that Linux backs them
/// with 2 MiB pages where it allows it (<c>transparent_hugepage</c> set to <c>madvise</c> or <c>always</c>).
/// </summary>
/// <remarks>
/// Each 4 KiB page of new memory costs a page fault on its first touch. In a virtual machine a fault can cost 10 µs or more
/// (measured by the directory benchmarks' <c>startup</c> on a Firecracker guest: 211 MB written in ≈ 600 ms with 4 KiB pages,
/// ≈ 50 ms with 2 MiB pages when the kernel has them free), so for an index of a few hundred MB the faults, not the work,
/// set the time to be ready. The advice (<c>madvise</c> <c>MADV_HUGEPAGE</c>) only changes how the kernel backs the array's
/// pages, never their content; where it is refused or is not Linux, the array is an ordinary one. Arrays come uninitialised (the caller fills them, or asks for zeros).
/// </remarks>
internal static class LargeArrays
{
    /// <summary>Below this size the advice is not worth a system call.</summary>
    private const int MinBytes = 4 << 20;

    private const nint HugePage = 2 << 20;

    private const int MadvHugePage = 14;

    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>
    /// Asks the processor to bring <c>array[index]</c> into its cache, to be read a little later, so that random reads of a
    /// large array, known ahead, overlap their cache misses rather than wait for each in turn. A hint: nothing is read,
    /// and the address is not kept (the array may move; a stale hint costs nothing). Nothing happens without SSE (ARM).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(T[] array, int index) where T : unmanaged
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref array[index]));
        }
    }

    /// <summary>An array of <paramref name="length"/> elements whose content is left as it comes (the caller writes each element before reading it).</summary>
    public static T[] Uninitialized<T>(int length) where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length);
        Advise(array);
        return array;
    }

    /// <summary>An array of <paramref name="length"/> zeros.</summary>
    public static T[] Zeroed<T>(int length) where T : unmanaged
    {
        if (!Advisable<T>(length))
        {
            return new T[length];
        }
        var array = Uninitialized<T>(length);
        array.AsSpan().Clear();
        return array;
    }

    private static bool Advisable<T>(int length) where T : unmanaged =>
        !s_unavailable && (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() >= MinBytes;

    private static void Advise<T>(T[] array) where T : unmanaged
    {
        if (!Advisable<T>(array.Length))
        {
            return;
        }
        var bytes = (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            var address = pin.AddrOfPinnedObject();
            // Only the whole 2 MiB pages inside the array: the advice must not reach the memory around it.
            var start = (address + HugePage - 1) & ~(HugePage - 1);
            var end = (nint)((long)address + bytes) & ~(HugePage - 1);
            if (end > start)
            {
                _ = madvise(start, (nuint)(end - start), MadvHugePage);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
        finally
        {
            pin.Free();
        }
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int madvise(nint address, nuint length, int advice);
}
