using System.Runtime.InteropServices;

namespace Forecast.Running;

/// <summary>
/// A large block of agent states outside the GC heap, aligned to 2 MiB and offered to Linux for
/// transparent huge pages (madvise MADV_HUGEPAGE: the kernel's default "madvise" mode gives them only
/// when asked). A batch's states are hundreds of megabytes, first touched all at once: in 4 KiB pages
/// that is a page fault per 4 KiB, dear on a paravirtualised machine (the README's local engine
/// section has the figures). Elsewhere, or when refused, the pages are ordinary ones. Contents start
/// as zeros or as whatever the previous user left (callers initialise). No finaliser: a span may
/// outlive the last reference to its buffer, so the memory is freed only by <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class StateBuffer<T> : IDisposable
    where T : unmanaged
{
    private const nuint HugePage = 2 << 20;

    private readonly nuint _bytes;
    private void* _pointer;

    public StateBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _bytes = Math.Max(HugePage, ((nuint)length * (nuint)sizeof(T) + HugePage - 1) & ~(HugePage - 1));
        _pointer = NativeMemory.AlignedAlloc(_bytes, HugePage);
        GC.AddMemoryPressure((long)_bytes);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                HugePagesAdvised = LinuxMemory.Madvise((nint)_pointer, _bytes, LinuxMemory.HugePage) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                HugePagesAdvised = false; // a libc without madvise: ordinary pages
            }
        }
    }

    /// <summary>Elements in the buffer.</summary>
    public int Length { get; }

    /// <summary>Whether the kernel took the advice to use huge pages (it may still use small ones: THP switched off, or memory fragmented).</summary>
    public bool HugePagesAdvised { get; }

    /// <summary>The whole buffer.</summary>
    public Span<T> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer is null, this);
            return new Span<T>(_pointer, Length);
        }
    }

    public void Dispose()
    {
        if (_pointer is null)
        {
            return;
        }

        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
        GC.RemoveMemoryPressure((long)_bytes);
    }
}

internal static class LinuxMemory
{
    public const int HugePage = 14; // MADV_HUGEPAGE in Linux's mman-common.h

    [DllImport("libc", EntryPoint = "madvise")]
    public static extern int Madvise(nint address, nuint length, int advice);
}
