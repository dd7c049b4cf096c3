using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Benchmarks;

/// <summary>
/// Reducing stored contributions: N partial aggregates (24 metrics x trials of long, as an agent
/// chunk or a shard would hand over) summed into one accumulator, against the memory-bound floor:
/// <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/> reading the same N arrays (the baseline).
/// About 256 MB of partials, well beyond the caches, so both are bandwidth-bound. Bandwidth ratio
/// = baseline time / method time (goal: Merge at least 0.8x).
/// </summary>
public class ReductionBenchmarks
{
    /// <summary>The partials hold about this many bytes in all.</summary>
    public const long TargetBytes = 256L << 20;

    private PartialAggregate[] _partials = [];
    private PartialAggregate _acc = null!;

    [ParamsSource(nameof(TrialValues))]
    public int Trials { get; set; }

    public static IEnumerable<int> TrialValues => BenchParams.SmallOrTwo(1_000, 10_000);

    public static int Partials(int trials) => (int)(TargetBytes / (Metrics.Count * trials * (long)sizeof(long)));

    /// <summary>Bytes of stored partials one operation reads (for the report's GB/s).</summary>
    public static double SourceBytes(IReadOnlyDictionary<string, object> parameters)
    {
        var trials = Convert.ToInt32(parameters["Trials"], System.Globalization.CultureInfo.InvariantCulture);
        return (double)Partials(trials) * Metrics.Count * trials * sizeof(long);
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(1);
        _partials = new PartialAggregate[Partials(Trials)];
        for (var i = 0; i < _partials.Length; i++)
        {
            _partials[i] = new PartialAggregate(Trials);
            var v = _partials[i].Values;
            for (var k = 0; k < v.Length; k++)
            {
                v[k] = random.Next(0, 1 << 20); // counts and fixed-point money: non-negative, far from overflow
            }
        }

        _acc = new PartialAggregate(Trials);
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.Sum over the same bytes")]
    public long SumSameBytes()
    {
        long total = 0;
        foreach (var p in _partials)
        {
            total += TensorPrimitives.Sum<long>(p.Values);
        }

        return total;
    }

    /// <summary>Pairwise <see cref="PartialAggregate.Merge"/> into the accumulator, one partial per pass.</summary>
    [Benchmark(Description = "PartialAggregate.Merge, one partial per pass")]
    public long Merge()
    {
        _acc.Clear();
        foreach (var p in _partials)
        {
            _acc.Merge(p);
        }

        return _acc.Values[0];
    }

    /// <summary>The engines' reduction: tiles of the target, eight partials added per pass.</summary>
    [Benchmark(Description = "PartialAggregate.MergeAll, eight partials per pass")]
    public long MergeAll()
    {
        _acc.Clear();
        _acc.MergeAll(_partials);
        return _acc.Values[0];
    }

    /// <summary>A hand vector loop (Vector512, else Vector256) adding four partials per pass, so the accumulator is read and written a quarter as often.</summary>
    [Benchmark(Description = "hand vector loop, four partials per pass")]
    public long AddFourPerPass()
    {
        _acc.Clear();
        var acc = _acc.Values;
        var i = 0;
        for (; i + 4 <= _partials.Length; i += 4)
        {
            AddFour(acc, _partials[i].Values, _partials[i + 1].Values, _partials[i + 2].Values, _partials[i + 3].Values);
        }

        for (; i < _partials.Length; i++)
        {
            _acc.Merge(_partials[i]); // the engines' loop (TensorPrimitives.Add would switch to non-temporal stores)
        }

        return acc[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddFour(long[] acc, long[] a, long[] b, long[] c, long[] d)
    {
        var n = acc.Length;
        if (a.Length != n || b.Length != n || c.Length != n || d.Length != n)
        {
            throw new ArgumentException("partials differ in shape");
        }

        ref var r = ref MemoryMarshal.GetArrayDataReference(acc);
        ref var ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref var rb = ref MemoryMarshal.GetArrayDataReference(b);
        ref var rc = ref MemoryMarshal.GetArrayDataReference(c);
        ref var rd = ref MemoryMarshal.GetArrayDataReference(d);
        nuint k = 0;
        var w = (nuint)Vector512<long>.Count;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; k + w <= (nuint)n; k += w)
            {
                var s = Vector512.LoadUnsafe(ref r, k)
                    + (Vector512.LoadUnsafe(ref ra, k) + Vector512.LoadUnsafe(ref rb, k))
                    + (Vector512.LoadUnsafe(ref rc, k) + Vector512.LoadUnsafe(ref rd, k));
                s.StoreUnsafe(ref r, k);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; k + 4 <= (nuint)n; k += 4)
            {
                var s = Vector256.LoadUnsafe(ref r, k)
                    + (Vector256.LoadUnsafe(ref ra, k) + Vector256.LoadUnsafe(ref rb, k))
                    + (Vector256.LoadUnsafe(ref rc, k) + Vector256.LoadUnsafe(ref rd, k));
                s.StoreUnsafe(ref r, k);
            }
        }

        for (; k < (nuint)n; k++)
        {
            Unsafe.Add(ref r, k) += Unsafe.Add(ref ra, k) + Unsafe.Add(ref rb, k) + Unsafe.Add(ref rc, k) + Unsafe.Add(ref rd, k);
        }
    }
}
