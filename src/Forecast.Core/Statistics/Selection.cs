
namespace Forecast.Statistics;

/// <summary>Order statistics by selection (introselect), and R-7 quantiles from them: the reference method.</summary>
public static class Selection
{
    /// <summary>The R-7 quantile of <paramref name="values"/> at <paramref name="p"/> in [0, 1], by selection.</summary>
    public static double R7Quantile(ReadOnlySpan<double> values, double p, Span<double> scratch)
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

    internal static Span<double> CopyToScratch(ReadOnlySpan<double> values, Span<double> scratch)
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
    internal static void QuantilesAscending(Span<double> data, ReadOnlySpan<double> probabilities, Span<double> result)
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
    internal static void Select(Span<double> data, int lo, int hi, int k)
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
