using System.Collections.Immutable;

namespace Forecast.Statistics;

/// <summary>
/// Finalisation of one series of per-trial values (in trial order). Every result is a deterministic
/// function of the values in that order: sums run in eight fixed lanes (<see cref="LanedPasses"/>), and
/// quantiles follow R-7 (Hyndman-Fan type 7, numpy's default "linear"): with x sorted ascending and
/// h = (n-1)p, Q(p) = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). The order statistics are
/// found by buckets and selection (<see cref="BucketQuantiles"/>, <see cref="Selection"/>), never by a
/// full sort, and equal a sort's exactly. NaN values are rejected: they have no place in an ordering.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // every stackalloc below is written before it is read
public static class Summaries
{
    public const int HistogramBins = 20;

    /// <summary>The quantiles every summary reports: P5, P25, P50, P75, P95.</summary>
    internal static readonly double[] QuantileProbabilities = [0.05, 0.25, 0.50, 0.75, 0.95];

    /// <summary>0.01, 0.02, ..., 0.99: the probabilities of <see cref="Percentiles"/>.</summary>
    internal static readonly double[] PercentileProbabilities = Enumerable.Range(1, 99).Select(k => k / 100.0).ToArray();

    /// <summary>The percentile each of <see cref="QuantileProbabilities"/> is (5, 25, 50, 75, 95).</summary>
    internal static readonly int[] QuantilePercentile = [5, 25, 50, 75, 95];

    /// <summary>
    /// Mean, standard deviation, Monte Carlo standard error, P5/P25/P50/P75/P95 and the histogram of
    /// one series, in four linear passes and no sort of the series:
    /// <list type="number">
    /// <item>sum, minimum and maximum (eight lanes: lane k sums the values at indices = k mod 8 in
    /// index order, and the lanes add pairwise; the same bits on any vector width);</item>
    /// <item>the centred sum of squares, laned the same way;</item>
    /// <item>each value's bucket among 2,560 equal-width buckets over [min, max] (bucket =
    /// floor((x - min) x s) with s = (20 / (max - min)) x 128, clamped), counted. s is the histogram's
    /// scale times a power of two, so bucket / 128 is exactly the histogram bin;</item>
    /// <item>the buckets holding the order statistics R-7 needs are found from the counts. For the
    /// five summary quantiles only those buckets' values are gathered and each order statistic is
    /// selected within its bucket; for the ninety-nine percentiles (whose buckets hold most values)
    /// every value is placed by bucket and each needed bucket sorted (a few values each). A series of
    /// whole numbers spanning fewer than 2,560 holds one value per bucket: nothing is gathered.</item>
    /// </list>
    /// Buckets are monotone in the value, so this gives exactly the order statistics of a full sort.
    /// Infinite values fall back to <see cref="SummariseBySelection"/>.
    /// </summary>
    public static SeriesSummary Summarise(ReadOnlySpan<double> values, Span<double> scratch) => Summarise(values, scratch, null);

    /// <summary>
    /// <see cref="Summarise(ReadOnlySpan{double}, Span{double})"/> and <see cref="Percentiles"/> from one
    /// pass of buckets: P5, P25, P50, P75 and P95 are among P1..P99 (k / 100.0 is the same double as the
    /// literal), so the summary reads them from the percentiles.
    /// </summary>
    public static SeriesSummary Summarise(ReadOnlySpan<double> values, Span<double> scratch, out double[] percentiles)
    {
        percentiles = new double[PercentileProbabilities.Length];
        return Summarise(values, scratch, percentiles);
    }

    private static SeriesSummary Summarise(ReadOnlySpan<double> values, Span<double> scratch, double[]? percentiles)
    {
        var n = CheckSeries(values, scratch);
        var (sum, min, max, nan) = LanedPasses.SumMinMax(values);
        if (nan)
        {
            throw new ArgumentException("the series contains NaN", nameof(values));
        }

        var width = max - min;
        if (!double.IsFinite(width))
        {
            if (percentiles is not null)
            {
                Percentiles(values, scratch).CopyTo(percentiles, 0); // infinite values: a sorted copy
            }

            return SummariseBySelection(values, scratch);
        }

        var mean = sum / n;
        var ss = LanedPasses.CentredSumOfSquares(values, mean);
        var sd = n > 1 ? Math.Sqrt(ss / (n - 1)) : 0;
        var histogram = new int[HistogramBins];
        Span<double> q = stackalloc double[QuantileProbabilities.Length];
        if (width == 0)
        {
            q.Fill(min);
            percentiles?.AsSpan().Fill(min);
            histogram[0] = n;
        }
        else if (percentiles is null)
        {
            BucketQuantiles.Compute(values, min, width, width < BucketQuantiles.Buckets && LanedPasses.AllIntegral(values), scratch, QuantileProbabilities, q, histogram);
        }
        else
        {
            BucketQuantiles.Compute(values, min, width, width < BucketQuantiles.Buckets && LanedPasses.AllIntegral(values), scratch, PercentileProbabilities, percentiles, histogram);
            for (var i = 0; i < q.Length; i++)
            {
                q[i] = percentiles[QuantilePercentile[i] - 1];
            }
        }

        return new SeriesSummary(n, mean, sd, sd / Math.Sqrt(n), q[0], q[1], q[2], q[3], q[4],
            new Histogram(min, max, ImmutableArray.Create(histogram)));
    }

    /// <summary>P1..P99 by the same buckets as <see cref="Summarise"/>: exactly a full sort's, without the sort.</summary>
    public static double[] Percentiles(ReadOnlySpan<double> values, Span<double> scratch)
    {
        var n = CheckSeries(values, scratch);
        var (_, min, max, nan) = LanedPasses.SumMinMax(values);
        if (nan)
        {
            throw new ArgumentException("the series contains NaN", nameof(values));
        }

        var result = new double[PercentileProbabilities.Length];
        var width = max - min;
        if (width == 0)
        {
            Array.Fill(result, min);
        }
        else if (double.IsFinite(width))
        {
            BucketQuantiles.Compute(values, min, width, width < BucketQuantiles.Buckets && LanedPasses.AllIntegral(values), scratch,
                PercentileProbabilities, result, histogram: null);
        }
        else
        {
            // Infinite values: a sorted copy.
            var sorted = scratch[..n];
            values.CopyTo(sorted);
            sorted.Sort();
            for (var i = 0; i < result.Length; i++)
            {
                var h = (n - 1) * PercentileProbabilities[i];
                var lo = (int)h;
                var hi = Math.Min(lo + 1, n - 1);
                var frac = h - lo;
                result[i] = frac > 0 ? sorted[lo] + (frac * (sorted[hi] - sorted[lo])) : sorted[lo];
            }
        }

        return result;
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

    /// <summary>
    /// <see cref="Summarise"/> by selection on a copy (sums in index order): the fallback for series
    /// with infinite values, and a second method the tests compare against.
    /// </summary>
    internal static SeriesSummary SummariseBySelection(ReadOnlySpan<double> values, Span<double> scratch)
    {
        var s = Selection.CopyToScratch(values, scratch);
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
        Selection.QuantilesAscending(s, probabilities, q);

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
}
