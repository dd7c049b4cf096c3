using System.Collections.Immutable;

namespace Forecast.Aggregation;

public sealed record Histogram(double Min, double Max, ImmutableArray<int> Counts);

public sealed record SeriesSummary(
    int Count, double Mean, double StdDev, double StandardError,
    double P5, double P25, double P50, double P75, double P95, Histogram Histogram);

public sealed record PairedDifference(double Mean, double StandardError, double Lo, double Hi);

/// <summary>
/// Finalisation of one series of per-trial values (in trial order). Quantiles follow R-7
/// (Hyndman-Fan type 7, numpy's default): h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]),
/// found by selection on a scratch copy rather than a sort.
/// </summary>
public static class SeriesStatistics
{
    public const double Z95 = 1.959963984540054;
    public const int HistogramBins = 20;

    private static readonly double[] Probabilities = [0.05, 0.25, 0.50, 0.75, 0.95];

    public static SeriesSummary Summarise(ReadOnlySpan<double> values, Span<double> scratch)
    {
        var n = values.Length;
        if (n == 0)
        {
            throw new ArgumentException("cannot summarise an empty series", nameof(values));
        }

        if (scratch.Length < n)
        {
            throw new ArgumentException($"scratch holds {scratch.Length} values, needs {n}", nameof(scratch));
        }

        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var x in values)
        {
            sum += x;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }

        var mean = sum / n;
        double ss = 0;
        foreach (var x in values)
        {
            ss += (x - mean) * (x - mean);
        }

        var sd = n > 1 ? Math.Sqrt(ss / (n - 1)) : 0;

        var s = scratch[..n];
        values.CopyTo(s);
        Span<double> q = stackalloc double[Probabilities.Length];
        QuantilesSorted(s, Probabilities, q);

        var counts = new int[HistogramBins];
        var width = max - min;
        foreach (var x in values)
        {
            var bin = width > 0 ? (int)((x - min) / width * HistogramBins) : 0;
            counts[Math.Min(bin, HistogramBins - 1)]++;
        }

        return new SeriesSummary(n, mean, sd, sd / Math.Sqrt(n), q[0], q[1], q[2], q[3], q[4],
            new Histogram(min, max, ImmutableArray.Create(counts)));
    }

    /// <summary>The R-7 quantile of <paramref name="values"/> by selection.</summary>
    public static double Quantile(ReadOnlySpan<double> values, double p, Span<double> scratch)
    {
        if (values.Length == 0 || scratch.Length < values.Length)
        {
            throw new ArgumentException("need a non-empty series and scratch at least as long");
        }

        var s = scratch[..values.Length];
        values.CopyTo(s);
        Span<double> q = stackalloc double[1];
        QuantilesSorted(s, [p], q);
        return q[0];
    }

    /// <summary>
    /// Quantiles for ascending probabilities. Each selection of order statistic j partitions the
    /// data so everything right of j is >= x[j]; the next order statistic is the minimum of that
    /// right part, and the next selection only needs to look right of j.
    /// </summary>
    private static void QuantilesSorted(Span<double> data, ReadOnlySpan<double> probabilities, Span<double> result)
    {
        var n = data.Length;
        var lo = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var h = (n - 1) * probabilities[i];
            var j = (int)Math.Floor(h);
            var frac = h - j;
            Select(data, lo, n - 1, j);
            var a = data[j];
            var b = a;
            if (frac > 0 && j + 1 < n)
            {
                b = double.PositiveInfinity;
                for (var k = j + 1; k < n; k++)
                {
                    b = Math.Min(b, data[k]);
                }
            }

            result[i] = a + (frac * (b - a));
            lo = j;
        }
    }

    /// <summary>Quickselect (median-of-three pivot): afterwards data[k] is the k-th smallest of data[lo..hi].</summary>
    private static void Select(Span<double> data, int lo, int hi, int k)
    {
        while (hi > lo)
        {
            var mid = lo + ((hi - lo) / 2);
            if (data[mid] < data[lo]) (data[mid], data[lo]) = (data[lo], data[mid]);
            if (data[hi] < data[lo]) (data[hi], data[lo]) = (data[lo], data[hi]);
            if (data[hi] < data[mid]) (data[hi], data[mid]) = (data[mid], data[hi]);
            var pivot = data[mid];
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
                return; // j < k < i: data[k] == pivot, in place
            }
        }
    }

    /// <summary>Wilson score interval for a binomial proportion, clamped to [0, 1].</summary>
    public static (double Lo, double Hi) Wilson(long successes, long n, double z = Z95)
    {
        if (n <= 0)
        {
            return (0, 1);
        }

        var p = (double)successes / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n))) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    public static long CountAtLeast(ReadOnlySpan<double> values, double threshold)
    {
        long c = 0;
        foreach (var x in values)
        {
            c += x >= threshold ? 1 : 0;
        }

        return c;
    }

    /// <summary>Trial-by-trial differences b - a: mean, standard error and 95% normal interval.</summary>
    public static PairedDifference Paired(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length || a.Length == 0)
        {
            throw new ArgumentException("paired series must have the same, non-zero length");
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

        var se = n > 1 ? Math.Sqrt(ss / (n - 1) / n) : 0;
        return new PairedDifference(mean, se, mean - (Z95 * se), mean + (Z95 * se));
    }
}
