using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Forecast.Aggregation;

/// <summary>
/// 20 equal-width bins over [Min, Max]: bin = floor((x - Min) x (20 / (Max - Min))); a value equal to
/// Max goes into the last bin, and when Min == Max every value is in bin 0.
/// </summary>
public sealed record Histogram(double Min, double Max, ImmutableArray<int> Counts);

public sealed record SeriesSummary(
    int Count, double Mean, double StdDev, double StandardError,
    double P5, double P25, double P50, double P75, double P95, Histogram Histogram);

/// <summary>Trial-by-trial difference b - a: mean, standard error and 95% normal interval.</summary>
public sealed record PairedDifference(double Mean, double StandardError, double Lo, double Hi);

/// <summary>
/// Finalisation of one series of per-trial values (in trial order). Every result is a deterministic
/// function of the values in that order: sums run in index order, and quantiles follow R-7
/// (Hyndman-Fan type 7, numpy's default "linear"): with x sorted ascending and h = (n-1)p,
/// Q(p) = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). The order statistics are found
/// by selection on a scratch copy (O(n) expected), never by a full sort, and equal a sort's exactly.
/// NaN values are rejected: they have no place in an ordering.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // every stackalloc below is cleared or written before it is read
public static class SeriesStatistics
{
    /// <summary>The two-sided 95% standard normal quantile, Phi^-1(0.975).</summary>
    public const double Z95 = 1.959963984540054;

    public const int HistogramBins = 20;

    /// <summary>Fine buckets per histogram bin: the selection buckets refine the 20 bins exactly.</summary>
    private const int BucketsPerBin = 32;

    private const int Buckets = HistogramBins * BucketsPerBin;

    private const int Lanes = 8;

    private static readonly double[] QuantileProbabilities = [0.05, 0.25, 0.50, 0.75, 0.95];

    [ThreadStatic]
    private static ushort[]? _bucketScratch;

    /// <summary>
    /// Mean, standard deviation, Monte Carlo standard error, P5/P25/P50/P75/P95 and the histogram of
    /// one series, in four linear passes and no sort of the series:
    /// <list type="number">
    /// <item>sum, minimum and maximum (eight lanes: lane k sums the values at indices = k mod 8 in
    /// index order, and the lanes add pairwise; the same bits on any vector width);</item>
    /// <item>the centred sum of squares, laned the same way;</item>
    /// <item>each value's bucket among 640 equal-width buckets over [min, max] (bucket =
    /// floor((x - min) x s) with s = (20 / (max - min)) x 32, clamped), counted. s is the histogram's
    /// scale times a power of two, so bucket / 32 is exactly the histogram bin;</item>
    /// <item>the buckets holding the ten order statistics R-7 needs are found from the counts, only
    /// their values are gathered, and each order statistic is selected within its bucket (about n / 640
    /// values). A series of whole numbers spanning fewer than 640 holds one value per bucket: nothing is
    /// gathered.</item>
    /// </list>
    /// Buckets are monotone in the value, so this gives exactly the order statistics of a full sort.
    /// Infinite values fall back to <see cref="SummariseBySelection"/>.
    /// </summary>
    public static SeriesSummary Summarise(ReadOnlySpan<double> values, Span<double> scratch)
    {
        var n = CheckSeries(values, scratch);
        var (sum, min, max, nan) = SumMinMax(values);
        if (nan)
        {
            throw new ArgumentException("the series contains NaN", nameof(values));
        }

        var width = max - min;
        if (!double.IsFinite(width))
        {
            return SummariseBySelection(values, scratch);
        }

        var mean = sum / n;
        var ss = CentredSumOfSquares(values, mean);
        var sd = n > 1 ? Math.Sqrt(ss / (n - 1)) : 0;
        var histogram = new int[HistogramBins];
        Span<double> q = stackalloc double[QuantileProbabilities.Length];
        if (width == 0)
        {
            q.Fill(min);
            histogram[0] = n;
        }
        else
        {
            QuantilesByBuckets(values, min, width, width < Buckets && AllIntegral(values), scratch, q, histogram);
        }

        return new SeriesSummary(n, mean, sd, sd / Math.Sqrt(n), q[0], q[1], q[2], q[3], q[4],
            new Histogram(min, max, ImmutableArray.Create(histogram)));
    }

    private static int CheckSeries(ReadOnlySpan<double> values, Span<double> scratch)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("the series is empty", nameof(values));
        }

        if (scratch.Length < values.Length)
        {
            throw new ArgumentException($"scratch holds {scratch.Length} values, needs {values.Length}", nameof(scratch));
        }

        return values.Length;
    }

    /// <summary>Eight-lane sum (lane k: indices = k mod 8, in order; lanes added pairwise), minimum, maximum, any NaN.</summary>
    private static (double Sum, double Min, double Max, bool NaN) SumMinMax(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        var body = n - (n % Lanes);
        Span<double> lanes = stackalloc double[Lanes];
        double min, max;
        var nan = false;
        if (Vector512.IsHardwareAccelerated && body > 0)
        {
            var acc = Vector512<double>.Zero;
            var lo = Vector512.Create(double.PositiveInfinity);
            var hi = Vector512.Create(double.NegativeInfinity);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (var i = 0; i < body; i += Lanes)
            {
                var x = Vector512.LoadUnsafe(ref start, (nuint)i);
                acc += x;
                lo = Vector512.MinNative(lo, x);
                hi = Vector512.MaxNative(hi, x);
            }

            acc.CopyTo(lanes);
            (min, max) = ExactUnlessZero(MinOf(lo), MaxOf(hi), values[..body]);
        }
        else if (Vector256.IsHardwareAccelerated && body > 0)
        {
            // The same eight lanes as two four-lane halves: every lane adds its values in the same order.
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            Vector256<double> lo = Vector256.Create(double.PositiveInfinity), hi = Vector256.Create(double.NegativeInfinity);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (var i = 0; i < body; i += Lanes)
            {
                var x0 = Vector256.LoadUnsafe(ref start, (nuint)i);
                var x1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 4));
                acc0 += x0;
                acc1 += x1;
                lo = Vector256.MinNative(lo, Vector256.MinNative(x0, x1));
                hi = Vector256.MaxNative(hi, Vector256.MaxNative(x0, x1));
            }

            acc0.CopyTo(lanes);
            acc1.CopyTo(lanes[4..]);
            (min, max) = ExactUnlessZero(MinOf(lo), MaxOf(hi), values[..body]);
        }
        else
        {
            lanes.Clear();
            (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
            for (var i = 0; i < body; i++)
            {
                var x = values[i];
                lanes[i % Lanes] += x;
                (min, max, nan) = (Math.Min(min, x), Math.Max(max, x), nan | double.IsNaN(x));
            }
        }

        for (var i = body; i < n; i++)
        {
            var x = values[i];
            lanes[i % Lanes] += x;
            (min, max, nan) = (Math.Min(min, x), Math.Max(max, x), nan | double.IsNaN(x));
        }

        // The vector paths leave NaN to the sum: a NaN anywhere makes it NaN (so does inf - inf, hence the check).
        var sum = PairwiseLanes(lanes);
        nan |= double.IsNaN(sum) && HasNaN(values);
        return (sum, min, max, nan);
    }

    /// <summary>
    /// The machine's min and max (what the vector passes use) agree with Math.Min and Math.Max unless
    /// the extreme is a zero: between +0 and -0 they return either operand, Math.Min gives -0 and
    /// Math.Max +0. A nonzero extreme is strictly beyond every other value that is not its equal (NaN
    /// is refused elsewhere), so only a zero extreme is looked at again, with <see cref="ExactMinMax"/>.
    /// </summary>
    private static (double Min, double Max) ExactUnlessZero(double min, double max, ReadOnlySpan<double> values) =>
        min == 0 || max == 0 ? ExactMinMax(values) : (min, max);

    /// <summary>True when every value is a whole number (stops at the first that is not).</summary>
    private static bool AllIntegral(ReadOnlySpan<double> values)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(values);
            for (; i + 8 <= values.Length; i += 8)
            {
                var x0 = Vector256.LoadUnsafe(ref start, (nuint)i);
                var x1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 4));
                if (!Vector256.EqualsAll(Vector256.Floor(x0), x0) || !Vector256.EqualsAll(Vector256.Floor(x1), x1))
                {
                    return false;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (Math.Floor(values[i]) != values[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasNaN(ReadOnlySpan<double> values)
    {
        foreach (var x in values)
        {
            if (double.IsNaN(x))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sum of (x - mean)^2, laned as <see cref="SumMinMax"/>; no fused multiply-add, so every path rounds alike.</summary>
    private static double CentredSumOfSquares(ReadOnlySpan<double> values, double mean)
    {
        var n = values.Length;
        var body = n - (n % Lanes);
        Span<double> lanes = stackalloc double[Lanes];
        if (Vector512.IsHardwareAccelerated && body > 0)
        {
            var acc = Vector512<double>.Zero;
            var m = Vector512.Create(mean);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (var i = 0; i < body; i += Lanes)
            {
                var d = Vector512.LoadUnsafe(ref start, (nuint)i) - m;
                acc += d * d;
            }

            acc.CopyTo(lanes);
        }
        else if (Vector256.IsHardwareAccelerated && body > 0)
        {
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            var m = Vector256.Create(mean);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (var i = 0; i < body; i += Lanes)
            {
                var d0 = Vector256.LoadUnsafe(ref start, (nuint)i) - m;
                var d1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 4)) - m;
                acc0 += d0 * d0;
                acc1 += d1 * d1;
            }

            acc0.CopyTo(lanes);
            acc1.CopyTo(lanes[4..]);
        }
        else
        {
            lanes.Clear();
            for (var i = 0; i < body; i++)
            {
                var d = values[i] - mean;
                lanes[i % Lanes] += d * d;
            }
        }

        for (var i = body; i < n; i++)
        {
            var d = values[i] - mean;
            lanes[i % Lanes] += d * d;
        }

        return PairwiseLanes(lanes);
    }

    /// <summary>
    /// Minimum and maximum as Math.Min and Math.Max give them (-0 below +0): what the vector passes fall
    /// back to when an extreme is a zero (see <see cref="ExactUnlessZero"/>).
    /// </summary>
    private static (double Min, double Max) ExactMinMax(ReadOnlySpan<double> values)
    {
        var (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
        foreach (var x in values)
        {
            (min, max) = (Math.Min(min, x), Math.Max(max, x));
        }

        return (min, max);
    }

    private static double PairwiseLanes(ReadOnlySpan<double> l) => ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));

    private static double MinOf(Vector256<double> v) => Math.Min(Math.Min(v[0], v[1]), Math.Min(v[2], v[3]));

    private static double MaxOf(Vector256<double> v) => Math.Max(Math.Max(v[0], v[1]), Math.Max(v[2], v[3]));

    private static double MinOf(Vector512<double> v)
    {
        var m = double.PositiveInfinity;
        for (var i = 0; i < Lanes; i++)
        {
            m = Math.Min(m, v[i]);
        }

        return m;
    }

    private static double MaxOf(Vector512<double> v)
    {
        var m = double.NegativeInfinity;
        for (var i = 0; i < Lanes; i++)
        {
            m = Math.Max(m, v[i]);
        }

        return m;
    }

    /// <summary>Bucket of every value (see <see cref="Summarise"/>), into <paramref name="buckets"/>; returns the counts.</summary>
    private static void BucketsOf(ReadOnlySpan<double> values, double min, double width, Span<ushort> buckets, Span<int> counts)
    {
        var n = values.Length;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vMin = Vector512.Create(min);
            var scale = Vector512.Create(BucketScale(width));
            var last = Vector512.Create((long)(Buckets - 1));
            ref var start = ref MemoryMarshal.GetReference(values);
            ref var outStart = ref MemoryMarshal.GetReference(buckets);
            for (; i + Lanes <= n; i += Lanes)
            {
                // (x - min) * (640 / width) is in [0, about 640]; truncation is the floor.
                var b = Vector512.ConvertToInt64((Vector512.LoadUnsafe(ref start, (nuint)i) - vMin) * scale);
                System.Runtime.Intrinsics.X86.Avx512F.ConvertToVector128UInt16(Vector512.Min(b, last).AsUInt64()).StoreUnsafe(ref outStart, (nuint)i);
            }
        }
        else if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
        {
            // Eight at a time, truncating straight to 32-bit integers (the values are in [0, about 640]),
            // then packed to 16 bits.
            var vMin = Vector256.Create(min);
            var scale = Vector256.Create(BucketScale(width));
            var last = Vector128.Create(Buckets - 1);
            ref var start = ref MemoryMarshal.GetReference(values);
            ref var outStart = ref MemoryMarshal.GetReference(buckets);
            for (; i + 8 <= n; i += 8)
            {
                var b0 = System.Runtime.Intrinsics.X86.Avx.ConvertToVector128Int32WithTruncation((Vector256.LoadUnsafe(ref start, (nuint)i) - vMin) * scale);
                var b1 = System.Runtime.Intrinsics.X86.Avx.ConvertToVector128Int32WithTruncation((Vector256.LoadUnsafe(ref start, (nuint)(i + 4)) - vMin) * scale);
                System.Runtime.Intrinsics.X86.Sse41.PackUnsignedSaturate(Vector128.Min(b0, last), Vector128.Min(b1, last)).StoreUnsafe(ref outStart, (nuint)i);
            }
        }

        var tailScale = BucketScale(width);
        for (; i < n; i++)
        {
            buckets[i] = (ushort)Math.Min((int)((values[i] - min) * tailScale), Buckets - 1);
        }

        // Four interleaved tallies, so runs of equal buckets (count data) do not wait on each other's stores.
        Span<int> tallies = stackalloc int[4 * Buckets];
        tallies.Clear();
        var k = 0;
        for (; k + 4 <= n; k += 4)
        {
            tallies[buckets[k]]++;
            tallies[Buckets + buckets[k + 1]]++;
            tallies[(2 * Buckets) + buckets[k + 2]]++;
            tallies[(3 * Buckets) + buckets[k + 3]]++;
        }

        for (; k < n; k++)
        {
            tallies[buckets[k]]++;
        }

        for (var b = 0; b < Buckets; b++)
        {
            counts[b] = tallies[b] + tallies[Buckets + b] + tallies[(2 * Buckets) + b] + tallies[(3 * Buckets) + b];
        }
    }

    /// <summary>
    /// 640 / width = (20 / width) x 32 exactly (a power-of-two factor), so bucket / 32 is the histogram
    /// bin floor((x - min) x (20 / width)).
    /// </summary>
    private static double BucketScale(double width) => HistogramBins / width * BucketsPerBin;

    private static void QuantilesByBuckets(ReadOnlySpan<double> values, double min, double width, bool oneValuePerBucket, Span<double> scratch, Span<double> q, int[] histogram)
    {
        var n = values.Length;
        if (_bucketScratch is null || _bucketScratch.Length < n)
        {
            _bucketScratch = new ushort[Math.Max(n, 1024)];
        }

        var buckets = _bucketScratch.AsSpan(0, n);
        Span<int> counts = stackalloc int[Buckets];
        counts.Clear();
        BucketsOf(values, min, width, buckets, counts);
        for (var b = 0; b < Buckets; b++)
        {
            histogram[b / BucketsPerBin] += counts[b];
        }

        // The ranks R-7 needs: floor(h) and, when h has a fraction, floor(h) + 1, for h = (n - 1) p.
        Span<int> ranks = stackalloc int[2 * QuantileProbabilities.Length];
        for (var i = 0; i < QuantileProbabilities.Length; i++)
        {
            var j = (int)((n - 1) * QuantileProbabilities[i]);
            ranks[2 * i] = j;
            ranks[(2 * i) + 1] = Math.Min(j + 1, n - 1);
        }

        // Bucket of each rank, and where each needed bucket's values go in the scratch.
        Span<int> first = stackalloc int[Buckets + 1]; // values before bucket b
        first[0] = 0;
        for (var b = 0; b < Buckets; b++)
        {
            first[b + 1] = first[b] + counts[b];
        }

        Span<int> slot = stackalloc int[Buckets]; // needed bucket -> start of its gathered values, else -1
        slot.Fill(-1);
        Span<int> fill = stackalloc int[Buckets];
        var gathered = 0;
        Span<int> rankBucket = stackalloc int[ranks.Length];
        Span<int> needed = stackalloc int[ranks.Length];
        var distinct = 0;
        for (var r = 0; r < ranks.Length; r++)
        {
            var b = BucketOfRank(first, ranks[r]);
            rankBucket[r] = b;
            if (slot[b] < 0)
            {
                slot[b] = gathered;
                fill[b] = gathered;
                gathered += counts[b];
                needed[distinct++] = b;
            }
        }

        if (oneValuePerBucket)
        {
            // Whole numbers spanning fewer than 640 units (counts): consecutive values differ by at least
            // 1, more than a bucket's width, so every bucket holds one distinct value; any of its members is it.
            for (var i = 0; i < QuantileProbabilities.Length; i++)
            {
                var h = (n - 1) * QuantileProbabilities[i];
                var frac = h - (int)h;
                var a = values[buckets.IndexOf((ushort)rankBucket[2 * i])];
                q[i] = frac > 0 ? a + (frac * (values[buckets.IndexOf((ushort)rankBucket[(2 * i) + 1])] - a)) : a;
            }

            return;
        }

        // Gather the needed buckets' values in index order. With AVX-512, 32 buckets (16-bit) are compared
        // against every needed bucket at once (AVX2: 16) and only the matching lanes are visited.
        var start = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref var bStart = ref MemoryMarshal.GetReference(buckets);
            for (; start + 32 <= n; start += 32)
            {
                var v = Vector512.LoadUnsafe(ref bStart, (nuint)start);
                var hit = Vector512.Equals(v, Vector512.Create((ushort)needed[0]));
                for (var k = 1; k < distinct; k++)
                {
                    hit |= Vector512.Equals(v, Vector512.Create((ushort)needed[k]));
                }

                // Only the matching lanes, in index order.
                for (var mask = (uint)Vector512.ExtractMostSignificantBits(hit); mask != 0; mask &= mask - 1)
                {
                    var i = start + System.Numerics.BitOperations.TrailingZeroCount(mask);
                    scratch[fill[buckets[i]]++] = values[i];
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            // AVX2: sixteen buckets at a time.
            ref var bStart = ref MemoryMarshal.GetReference(buckets);
            for (; start + 16 <= n; start += 16)
            {
                var v = Vector256.LoadUnsafe(ref bStart, (nuint)start);
                var hit = Vector256.Equals(v, Vector256.Create((ushort)needed[0]));
                for (var k = 1; k < distinct; k++)
                {
                    hit |= Vector256.Equals(v, Vector256.Create((ushort)needed[k]));
                }

                // Only the matching lanes, in index order.
                for (var mask = (uint)Vector256.ExtractMostSignificantBits(hit); mask != 0; mask &= mask - 1)
                {
                    var i = start + System.Numerics.BitOperations.TrailingZeroCount(mask);
                    scratch[fill[buckets[i]]++] = values[i];
                }
            }
        }

        for (var i = start; i < n; i++)
        {
            var b = buckets[i];
            if (slot[b] >= 0)
            {
                scratch[fill[b]++] = values[i];
            }
        }

        // The order statistic of each rank within its bucket, by selection (no sort): the ranks ascend,
        // so a bucket's later ranks are selected within the part right of its previous one.
        Span<double> order = stackalloc double[ranks.Length];
        for (var r = 0; r < ranks.Length; r++)
        {
            var b = rankBucket[r];
            var segment = scratch.Slice(slot[b], counts[b]);
            var local = ranks[r] - first[b];
            Select(segment, r > 0 && rankBucket[r - 1] == b ? ranks[r - 1] - first[b] : 0, segment.Length - 1, local);
            order[r] = segment[local];
        }

        for (var i = 0; i < QuantileProbabilities.Length; i++)
        {
            var h = (n - 1) * QuantileProbabilities[i];
            var frac = h - (int)h;
            var a = order[2 * i];
            q[i] = frac > 0 ? a + (frac * (order[(2 * i) + 1] - a)) : a;
        }
    }

    /// <summary>The bucket holding the value of rank <paramref name="rank"/> (0-based): first[b] &lt;= rank &lt; first[b + 1].</summary>
    private static int BucketOfRank(ReadOnlySpan<int> first, int rank)
    {
        int lo = 0, hi = Buckets - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (first[mid] <= rank)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>
    /// <see cref="Summarise"/> by selection on a copy (sums in index order): the fallback for series
    /// with infinite values, and a second method the tests compare against.
    /// </summary>
    internal static SeriesSummary SummariseBySelection(ReadOnlySpan<double> values, Span<double> scratch)
    {
        var s = CopyToScratch(values, scratch);
        var n = values.Length;

        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var x in values)
        {
            sum += x;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }

        // Two-pass sample variance: centring first avoids the cancellation of sum(x^2) - n mean^2.
        var mean = sum / n;
        double ss = 0;
        foreach (var x in values)
        {
            var d = x - mean;
            ss += d * d;
        }

        var sd = n > 1 ? Math.Sqrt(ss / (n - 1)) : 0;

        ReadOnlySpan<double> probabilities = [0.05, 0.25, 0.50, 0.75, 0.95];
        Span<double> q = stackalloc double[5];
        QuantilesAscending(s, probabilities, q);

        // bin = floor((x - min) * (bins / (max - min))); x == max gives about index bins, folded into the
        // last. The clamp also keeps infinite ranges (infinite values or overflow of max - min) in bounds.
        var counts = new int[HistogramBins];
        var width = max - min;
        var perUnit = HistogramBins / width;
        foreach (var x in values)
        {
            var bin = width > 0 ? (int)((x - min) * perUnit) : 0;
            counts[Math.Clamp(bin, 0, HistogramBins - 1)]++;
        }

        return new SeriesSummary(n, mean, sd, sd / Math.Sqrt(n), q[0], q[1], q[2], q[3], q[4],
            new Histogram(min, max, ImmutableArray.Create(counts)));
    }

    /// <summary>The R-7 quantile of <paramref name="values"/> at <paramref name="p"/> in [0, 1], by selection.</summary>
    public static double Quantile(ReadOnlySpan<double> values, double p, Span<double> scratch)
    {
        if (!(p is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "probability must be in [0, 1]");
        }

        var s = CopyToScratch(values, scratch);
        Span<double> q = stackalloc double[1];
        QuantilesAscending(s, [p], q);
        return q[0];
    }

    /// <summary>
    /// Wilson score interval for a binomial proportion p = successes / n, clamped to [0, 1]:
    /// (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n). With no trials, (0, 1).
    /// </summary>
    public static (double Lo, double Hi) Wilson(long successes, long n, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (successes < 0 || successes > n)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"must be in [0, {n}]");
        }

        if (n == 0)
        {
            return (0, 1);
        }

        var p = (double)successes / n;
        var z2n = z * z / n;
        var denominator = 1 + z2n;
        var centre = (p + (z2n / 2)) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2n / (4.0 * n))) / denominator;

        // At 0 and n successes the interval touches 0 (resp. 1) exactly; say so rather than leave rounding.
        var lo = successes == 0 ? 0 : Math.Max(0, centre - half);
        var hi = successes == n ? 1 : Math.Min(1, centre + half);
        return (lo, hi);
    }

    /// <summary>How many values are at least <paramref name="threshold"/> (targets to reach).</summary>
    public static long CountAtLeast(ReadOnlySpan<double> values, double threshold) => Count(values, threshold, atLeast: true);

    /// <summary>How many values are at most <paramref name="threshold"/> (targets with direction "at most").</summary>
    public static long CountAtMost(ReadOnlySpan<double> values, double threshold) => Count(values, threshold, atLeast: false);

    /// <summary>Values at least (or at most) the threshold; NaN counts in neither. Vector compares, exact counts.</summary>
    private static long Count(ReadOnlySpan<double> values, double threshold, bool atLeast)
    {
        long c = 0;
        var i = 0;
        ref var start = ref MemoryMarshal.GetReference(values);
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(threshold);
            for (; i + 4 <= values.Length; i += 4)
            {
                var x = Vector256.LoadUnsafe(ref start, (nuint)i);
                var hit = atLeast ? Vector256.GreaterThanOrEqual(x, t) : Vector256.LessThanOrEqual(x, t);
                c += System.Numerics.BitOperations.PopCount(hit.ExtractMostSignificantBits());
            }
        }

        for (; i < values.Length; i++)
        {
            var x = values[i];
            c += (atLeast ? x >= threshold : x <= threshold) ? 1 : 0;
        }

        return c;
    }

    /// <summary>
    /// Per-trial differences d[i] = b[i] - a[i] (common random numbers make them much less noisy than
    /// two independent means): mean, SE = sd(d) / sqrt(n) with the n-1 sample sd (0 when n == 1), and
    /// the 95% normal interval mean +- Z95 SE.
    /// </summary>
    public static PairedDifference Paired(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length || a.Length == 0)
        {
            throw new ArgumentException($"paired series must have the same, non-zero length (got {a.Length} and {b.Length})");
        }

        var n = a.Length;
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            sum += b[i] - a[i];
        }

        var mean = sum / n;
        double ss = 0;
        for (var i = 0; i < n; i++)
        {
            var d = b[i] - a[i] - mean;
            ss += d * d;
        }

        var sd = n > 1 ? Math.Sqrt(ss / (n - 1)) : 0;
        var se = sd / Math.Sqrt(n);
        return new PairedDifference(mean, se, mean - (Z95 * se), mean + (Z95 * se));
    }

    private static Span<double> CopyToScratch(ReadOnlySpan<double> values, Span<double> scratch)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("the series is empty", nameof(values));
        }

        if (scratch.Length < values.Length)
        {
            throw new ArgumentException($"scratch holds {scratch.Length} values, needs {values.Length}", nameof(scratch));
        }

        var s = scratch[..values.Length];
        values.CopyTo(s);
        foreach (var x in s)
        {
            if (double.IsNaN(x))
            {
                throw new ArgumentException("the series contains NaN", nameof(values));
            }
        }

        return s;
    }

    /// <summary>
    /// R-7 quantiles for ascending probabilities, permuting <paramref name="data"/>. Selecting order
    /// statistic j leaves data[..j] &lt;= data[j] &lt;= data[(j+1)..], so x[j+1] is the minimum of the right
    /// part (a linear scan), and the next, larger j only needs selecting within data[j..].
    /// </summary>
    private static void QuantilesAscending(Span<double> data, ReadOnlySpan<double> probabilities, Span<double> result)
    {
        var n = data.Length;
        var lo = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var h = (n - 1) * probabilities[i];
            var j = (int)h; // floor, as h >= 0
            var frac = h - j;
            Select(data, lo, n - 1, j);
            var a = data[j];
            var b = a;
            if (frac > 0) // then h < n - 1, so j + 1 < n
            {
                b = data[j + 1];
                for (var k = j + 2; k < n; k++)
                {
                    b = Math.Min(b, data[k]);
                }
            }

            result[i] = frac > 0 ? a + (frac * (b - a)) : a;
            lo = j;
        }
    }

    /// <summary>
    /// Introselect: afterwards data[k] is the value a sort of data[lo..hi] would put there, with
    /// smaller-or-equal values left of it and greater-or-equal right. Median-of-three quickselect
    /// touches under 3 m elements in all on average for a range of m; if that passes 8 m (adversarial
    /// orderings), the remaining range is sorted instead, bounding the worst case at O(m log m).
    /// </summary>
    private static void Select(Span<double> data, int lo, int hi, int k)
    {
        var budget = (8L * (hi - lo + 1)) + 64;
        while (hi > lo)
        {
            budget -= hi - lo + 1;
            if (budget < 0)
            {
                data[lo..(hi + 1)].Sort();
                return;
            }

            // Order data[lo] <= data[mid] <= data[hi] and pivot on the middle one; the ends then act
            // as sentinels for the scans below.
            var mid = lo + ((hi - lo) / 2);
            if (data[mid] < data[lo]) (data[mid], data[lo]) = (data[lo], data[mid]);
            if (data[hi] < data[lo]) (data[hi], data[lo]) = (data[lo], data[hi]);
            if (data[hi] < data[mid]) (data[hi], data[mid]) = (data[mid], data[hi]);
            var pivot = data[mid];

            // Hoare partition: on exit j < i, data[lo..j] <= pivot, data[i..hi] >= pivot, and
            // anything strictly between j and i equals the pivot.
            int i = lo, j = hi;
            while (i <= j)
            {
                while (data[i] < pivot) i++;
                while (data[j] > pivot) j--;
                if (i <= j)
                {
                    (data[i], data[j]) = (data[j], data[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return; // j < k < i: data[k] is the pivot, in its sorted place
            }
        }
    }
}
