using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Forecast.Model;

namespace Forecast.Aggregation;

/// <summary>
/// One year's metrics for a contiguous range of trials: a <see cref="long"/> per (metric, trial),
/// metric-major so each metric's trials are contiguous. Integer addition makes merging exact,
/// commutative and associative: any merge order gives the same bits. The empty aggregate is the
/// identity.
/// </summary>
public sealed class PartialAggregate
{
    public PartialAggregate(int trials)
    {
        Trials = trials;
        Values = new long[Metrics.Count * trials];
    }

    public PartialAggregate(int trials, long[] values)
    {
        if (values.Length != Metrics.Count * trials)
        {
            throw new ArgumentException($"expected {Metrics.Count * trials} values, got {values.Length}", nameof(values));
        }

        Trials = trials;
        Values = values;
    }

    public int Trials { get; }

    public long[] Values { get; }

    public Span<long> Row(Metric metric) => Values.AsSpan((int)metric * Trials, Trials);

    public long this[Metric metric, int trial] => Values[((int)metric * Trials) + trial];

    public void Add(Metric metric, int trial, long value) => Values[((int)metric * Trials) + trial] += value;

    /// <summary>Adds another partial of the same shape into this one.</summary>
    public void Merge(PartialAggregate other)
    {
        if (other.Trials != Trials)
        {
            throw new ArgumentException($"cannot merge a partial of {other.Trials} trials into one of {Trials}", nameof(other));
        }

        AddInto(Values, other.Values, 0, Values.Length);
    }

    /// <summary>
    /// acc[start..start + n) += b[start..start + n), widest vectors first. Not TensorPrimitives.Add: past a
    /// size threshold it writes with non-temporal stores, which send a partial that fits in L2/L3 out to
    /// memory (measured here: 4x slower than this loop at 10,000 trials).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddInto(long[] acc, long[] b, int start, int n)
    {
        if ((uint)start > (uint)acc.Length || (uint)n > (uint)(acc.Length - start) || b.Length < start + n)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "the range is outside the partials");
        }

        ref var a = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), start);
        ref var r = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(b), start);
        nuint k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Scalar up to the first 64-byte boundary of the target, so no vector store splits a cache line
            // (a hint only: were the GC to move the array meanwhile, the sums would be the same, just slower).
            var offset = (int)((nuint)Unsafe.AsPointer(ref a) % (nuint)Vector512<byte>.Count) / sizeof(long);
            var head = offset == 0 ? 0 : Math.Min(n, Vector512<long>.Count - offset);
            for (; (int)k < head; k++)
            {
                Unsafe.Add(ref a, k) += Unsafe.Add(ref r, k);
            }

            for (; (int)k + (2 * Vector512<long>.Count) <= n; k += (nuint)(2 * Vector512<long>.Count))
            {
                (Vector512.LoadUnsafe(ref a, k) + Vector512.LoadUnsafe(ref r, k)).StoreUnsafe(ref a, k);
                (Vector512.LoadUnsafe(ref a, k + 8) + Vector512.LoadUnsafe(ref r, k + 8)).StoreUnsafe(ref a, k + 8);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; (int)k + (2 * Vector256<long>.Count) <= n; k += (nuint)(2 * Vector256<long>.Count))
            {
                (Vector256.LoadUnsafe(ref a, k) + Vector256.LoadUnsafe(ref r, k)).StoreUnsafe(ref a, k);
                (Vector256.LoadUnsafe(ref a, k + 4) + Vector256.LoadUnsafe(ref r, k + 4)).StoreUnsafe(ref a, k + 4);
            }
        }

        for (; (int)k < n; k++)
        {
            Unsafe.Add(ref a, k) += Unsafe.Add(ref r, k);
        }
    }

    public void Clear() => Array.Clear(Values);

    /// <summary>
    /// Adds every partial of <paramref name="parts"/> into this one, a 64 KB tile of this one at a time
    /// (it stays in cache while the partials add into it, eight per pass), so the reduction runs near the
    /// bandwidth of reading the partials once (pairwise <see cref="Merge"/> reads and writes the
    /// target once per partial). Integer sums: the result is the same bits as merging one by one, in any order.
    /// </summary>
    public void MergeAll(IReadOnlyList<PartialAggregate> parts)
    {
        foreach (var p in parts)
        {
            if (p.Trials != Trials)
            {
                throw new ArgumentException($"cannot merge a partial of {p.Trials} trials into one of {Trials}", nameof(parts));
            }
        }

        // Tiles of this partial small enough to stay in cache while every partial adds its slice: the
        // target is then read and written once in all, and the partials stream through once. 8,192
        // longs measured best here (2,048: more page switches per byte; 32,768: out of L2).
        const int Tile = 8192;
        var n = Values.Length;
        for (var start = 0; start < n; start += Tile)
        {
            var length = Math.Min(Tile, n - start);
            var i = 0;
            for (; i + 8 <= parts.Count; i += 8)
            {
                AddEight(Values, start, length, parts[i].Values, parts[i + 1].Values, parts[i + 2].Values, parts[i + 3].Values,
                    parts[i + 4].Values, parts[i + 5].Values, parts[i + 6].Values, parts[i + 7].Values);
            }

            for (; i < parts.Count; i++)
            {
                AddInto(Values, parts[i].Values, start, length);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddEight(long[] acc, int start, int n, long[] p0, long[] p1, long[] p2, long[] p3, long[] p4, long[] p5, long[] p6, long[] p7)
    {
        // Every array has acc's length (MergeAll checked the shapes) and [start, start + n) lies in it,
        // so the unchecked loads stay in bounds.
        ref var a = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(acc), start);
        ref var r0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p0), start);
        ref var r1 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p1), start);
        ref var r2 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p2), start);
        ref var r3 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p3), start);
        ref var r4 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p4), start);
        ref var r5 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p5), start);
        ref var r6 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p6), start);
        ref var r7 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p7), start);
        nuint k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; (int)k + Vector512<long>.Count <= n; k += (nuint)Vector512<long>.Count)
            {
                var s = (Vector512.LoadUnsafe(ref r0, k) + Vector512.LoadUnsafe(ref r1, k))
                    + (Vector512.LoadUnsafe(ref r2, k) + Vector512.LoadUnsafe(ref r3, k))
                    + ((Vector512.LoadUnsafe(ref r4, k) + Vector512.LoadUnsafe(ref r5, k))
                    + (Vector512.LoadUnsafe(ref r6, k) + Vector512.LoadUnsafe(ref r7, k)));
                (Vector512.LoadUnsafe(ref a, k) + s).StoreUnsafe(ref a, k);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; (int)k + Vector256<long>.Count <= n; k += (nuint)Vector256<long>.Count)
            {
                var s = (Vector256.LoadUnsafe(ref r0, k) + Vector256.LoadUnsafe(ref r1, k))
                    + (Vector256.LoadUnsafe(ref r2, k) + Vector256.LoadUnsafe(ref r3, k))
                    + ((Vector256.LoadUnsafe(ref r4, k) + Vector256.LoadUnsafe(ref r5, k))
                    + (Vector256.LoadUnsafe(ref r6, k) + Vector256.LoadUnsafe(ref r7, k)));
                (Vector256.LoadUnsafe(ref a, k) + s).StoreUnsafe(ref a, k);
            }
        }

        for (; (int)k < n; k++)
        {
            Unsafe.Add(ref a, k) += Unsafe.Add(ref r0, k) + Unsafe.Add(ref r1, k) + Unsafe.Add(ref r2, k) + Unsafe.Add(ref r3, k)
                + Unsafe.Add(ref r4, k) + Unsafe.Add(ref r5, k) + Unsafe.Add(ref r6, k) + Unsafe.Add(ref r7, k);
        }
    }
}
