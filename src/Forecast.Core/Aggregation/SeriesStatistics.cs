using System.Collections.Immutable;

namespace Forecast.Aggregation;

/// <summary>
/// 20 equal-width bins over [Min, Max]; a value equal to Max goes into the last bin, and when
/// Min == Max every value is in bin 0.
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
public static class SeriesStatistics
{
    /// <summary>The two-sided 95% standard normal quantile, Phi^-1(0.975).</summary>
    public const double Z95 = 1.959963984540054;

    public const int HistogramBins = 20;

    public static SeriesSummary Summarise(ReadOnlySpan<double> values, Span<double> scratch)
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

        // bin = floor((x - min) / (max - min) * bins); x == max gives index bins, folded into the last.
        // The clamp also keeps infinite ranges (infinite values or overflow of max - min) in bounds.
        var counts = new int[HistogramBins];
        var width = max - min;
        foreach (var x in values)
        {
            var bin = width > 0 ? (int)((x - min) / width * HistogramBins) : 0;
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
    public static long CountAtLeast(ReadOnlySpan<double> values, double threshold)
    {
        long c = 0;
        foreach (var x in values)
        {
            c += x >= threshold ? 1 : 0;
        }

        return c;
    }

    /// <summary>How many values are at most <paramref name="threshold"/> (targets with direction "at most").</summary>
    public static long CountAtMost(ReadOnlySpan<double> values, double threshold)
    {
        long c = 0;
        foreach (var x in values)
        {
            c += x <= threshold ? 1 : 0;
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
