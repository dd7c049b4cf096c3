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

        var a = Values.AsSpan();
        var b = other.Values.AsSpan();
        System.Numerics.Tensors.TensorPrimitives.Add(a, b, a);
    }

    public void Clear() => Array.Clear(Values);

    /// <summary>
    /// Adds every partial of <paramref name="parts"/> into this one, eight at a time: each pass reads
    /// eight partials and this one once and writes this one once, so the reduction runs near the
    /// bandwidth of reading the partials (pairwise <see cref="Merge"/> reads and writes the target once
    /// per partial). Integer sums: the result is the same bits as merging one by one, in any order.
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

        var i = 0;
        for (; i + 8 <= parts.Count; i += 8)
        {
            AddEight(Values, parts[i].Values, parts[i + 1].Values, parts[i + 2].Values, parts[i + 3].Values,
                parts[i + 4].Values, parts[i + 5].Values, parts[i + 6].Values, parts[i + 7].Values);
        }

        for (; i < parts.Count; i++)
        {
            Merge(parts[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddEight(long[] acc, long[] p0, long[] p1, long[] p2, long[] p3, long[] p4, long[] p5, long[] p6, long[] p7)
    {
        // Every array has acc's length (MergeAll checked the shapes), so the unchecked loads stay in bounds.
        var n = acc.Length;
        ref var a = ref MemoryMarshal.GetArrayDataReference(acc);
        ref var r0 = ref MemoryMarshal.GetArrayDataReference(p0);
        ref var r1 = ref MemoryMarshal.GetArrayDataReference(p1);
        ref var r2 = ref MemoryMarshal.GetArrayDataReference(p2);
        ref var r3 = ref MemoryMarshal.GetArrayDataReference(p3);
        ref var r4 = ref MemoryMarshal.GetArrayDataReference(p4);
        ref var r5 = ref MemoryMarshal.GetArrayDataReference(p5);
        ref var r6 = ref MemoryMarshal.GetArrayDataReference(p6);
        ref var r7 = ref MemoryMarshal.GetArrayDataReference(p7);
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
