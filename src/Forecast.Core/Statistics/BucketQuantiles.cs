using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Forecast.Statistics;

/// <summary>
/// R-7 quantiles and the histogram of a finite series without sorting it: each value falls in one of
/// 2,560 equal-width buckets over [min, max] (a refinement of the 20 histogram bins). For a few order
/// statistics only their buckets' values are gathered and selected into; for many (the percentiles),
/// every value is placed by bucket and each needed bucket sorted.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // every stackalloc below is cleared or written before it is read
internal static class BucketQuantiles
{
    /// <summary>Fine buckets per histogram bin: the selection buckets refine the 20 bins exactly.</summary>
    private const int BucketsPerBin = 128;

    public const int Buckets = Summaries.HistogramBins * BucketsPerBin;

    /// <summary>Up to this many needed buckets, only their values are gathered (every bucket compared against each, vectorised); past it, every value is placed by bucket.</summary>
    private const int FewBuckets = 16;

    [ThreadStatic]
    private static ushort[]? _bucketScratch;

    /// <summary>Bucket of every value (see <see cref="Summaries.Summarise"/>), into <paramref name="buckets"/>; returns the counts.</summary>
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
            for (; i + 8 <= n; i += 8)
            {
                // (x - min) * (2560 / width) is in [0, about 2560]; truncation is the floor.
                var b = Vector512.ConvertToInt64((Vector512.LoadUnsafe(ref start, (nuint)i) - vMin) * scale);
                System.Runtime.Intrinsics.X86.Avx512F.ConvertToVector128UInt16(Vector512.Min(b, last).AsUInt64()).StoreUnsafe(ref outStart, (nuint)i);
            }
        }
        else if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
        {
            // Eight at a time, truncating straight to 32-bit integers (the values are in [0, about 2560]),
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

        // Two interleaved tallies, so runs of equal buckets (count data) do not wait on each other's stores.
        Span<int> tallies = stackalloc int[Buckets];
        tallies.Clear();
        var k = 0;
        for (; k + 2 <= n; k += 2)
        {
            counts[buckets[k]]++;
            tallies[buckets[k + 1]]++;
        }

        for (; k < n; k++)
        {
            counts[buckets[k]]++;
        }

        for (var b = 0; b < Buckets; b++)
        {
            counts[b] += tallies[b];
        }
    }

    /// <summary>
    /// 2560 / width = (20 / width) x 128 exactly (a power-of-two factor), so bucket / 128 is the histogram
    /// bin floor((x - min) x (20 / width)).
    /// </summary>
    private static double BucketScale(double width) => Summaries.HistogramBins / width * BucketsPerBin;

    /// <summary>
    /// R-7 quantiles <paramref name="q"/> at <paramref name="probabilities"/> (ascending) of a finite
    /// series with more than one value, and its histogram when <paramref name="histogram"/> is given.
    /// </summary>
    public static void Compute(ReadOnlySpan<double> values, double min, double width, bool oneValuePerBucket, Span<double> scratch,
        ReadOnlySpan<double> probabilities, Span<double> q, int[]? histogram)
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

        // The ranks R-7 needs: floor(h) and, when h has a fraction, floor(h) + 1, for h = (n - 1) p.
        Span<int> ranks = stackalloc int[2 * probabilities.Length];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var j = (int)((n - 1) * probabilities[i]);
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

        if (histogram is not null)
        {
            for (var bin = 0; bin < Summaries.HistogramBins; bin++)
            {
                histogram[bin] += first[(bin + 1) * BucketsPerBin] - first[bin * BucketsPerBin];
            }
        }

        Span<int> slot = stackalloc int[Buckets]; // needed bucket -> start of its gathered values, else -1
        slot.Fill(-1);
        Span<int> fill = stackalloc int[Buckets];
        var gathered = 0;
        Span<int> rankBucket = stackalloc int[ranks.Length];
        Span<int> needed = stackalloc int[ranks.Length];
        var distinct = 0;
        var at = 0;
        for (var r = 0; r < ranks.Length; r++)
        {
            // The ranks nearly ascend (a rank + 1 may pass the next one): walk from the last rank's bucket.
            while (first[at] > ranks[r])
            {
                at--;
            }

            while (first[at + 1] <= ranks[r])
            {
                at++;
            }

            var b = at;
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
            // Whole numbers spanning fewer than 2,560 units (counts): consecutive values differ by at least
            // 1, more than a bucket's width, so every bucket holds one distinct value; any of its members is it.
            // Few buckets: found by a search each; many: every bucket's value from one pass.
            Span<double> member = stackalloc double[distinct > FewBuckets ? Buckets : 0];
            if (distinct > FewBuckets)
            {
                for (var i = 0; i < n; i++)
                {
                    member[buckets[i]] = values[i];
                }
            }

            for (var i = 0; i < probabilities.Length; i++)
            {
                var h = (n - 1) * probabilities[i];
                var frac = h - (int)h;
                var (lo, hi) = (rankBucket[2 * i], rankBucket[(2 * i) + 1]);
                var a = distinct > FewBuckets ? member[lo] : values[buckets.IndexOf((ushort)lo)];
                q[i] = frac > 0 ? a + (frac * ((distinct > FewBuckets ? member[hi] : values[buckets.IndexOf((ushort)hi)]) - a)) : a;
            }

            return;
        }

        Span<double> order = stackalloc double[ranks.Length];
        if (distinct > FewBuckets)
        {
            // Many needed buckets (a hundred percentiles hold most values): every value goes to its bucket's
            // place (a counting sort by bucket, no branch a value), and each needed bucket is sorted once;
            // then the value of rank r is at index r.
            first[..Buckets].CopyTo(fill);
            for (var i = 0; i < n; i++)
            {
                scratch[fill[buckets[i]]++] = values[i];
            }

            for (var k = 0; k < distinct; k++)
            {
                SortSmall(scratch.Slice(first[needed[k]], counts[needed[k]]));
            }

            for (var r = 0; r < ranks.Length; r++)
            {
                order[r] = scratch[ranks[r]];
            }

            Interpolate(n, probabilities, order, q);
            return;
        }

        // Few needed buckets: gather their values in index order. With AVX-512, 32 buckets (16-bit) are
        // compared against every needed bucket at once (AVX2: 16) and only the matching lanes are visited.
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
        for (var r = 0; r < ranks.Length; r++)
        {
            var b = rankBucket[r];
            var segment = scratch.Slice(slot[b], counts[b]);
            var local = ranks[r] - first[b];
            Selection.Select(segment, r > 0 && rankBucket[r - 1] == b ? ranks[r - 1] - first[b] : 0, segment.Length - 1, local);
            order[r] = segment[local];
        }

        Interpolate(n, probabilities, order, q);
    }

    /// <summary>Sorts a bucket's values: insertion sort for the few a bucket usually holds (no NaN here), else <see cref="MemoryExtensions.Sort{T}(Span{T})"/>.</summary>
    private static void SortSmall(Span<double> values)
    {
        if (values.Length > 24)
        {
            values.Sort();
            return;
        }

        for (var i = 1; i < values.Length; i++)
        {
            var x = values[i];
            var j = i - 1;
            for (; j >= 0 && values[j] > x; j--)
            {
                values[j + 1] = values[j];
            }

            values[j + 1] = x;
        }
    }

    /// <summary>R-7 from the order statistics of ranks floor(h) and floor(h) + 1 (<paramref name="order"/>, two per probability).</summary>
    private static void Interpolate(int n, ReadOnlySpan<double> probabilities, ReadOnlySpan<double> order, Span<double> q)
    {
        for (var i = 0; i < probabilities.Length; i++)
        {
            var h = (n - 1) * probabilities[i];
            var frac = h - (int)h;
            var a = order[2 * i];
            q[i] = frac > 0 ? a + (frac * (order[(2 * i) + 1] - a)) : a;
        }
    }
}
