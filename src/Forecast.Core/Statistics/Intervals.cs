namespace Forecast.Statistics;

/// <summary>Trial-by-trial difference b - a: mean, standard error and 95% normal interval.</summary>
public sealed record PairedDifference(double Mean, double StandardError, double Lo, double Hi);

/// <summary>95% intervals: Wilson score intervals for probabilities, normal intervals for paired differences.</summary>
public static class Intervals
{
    /// <summary>The two-sided 95% standard normal quantile, Phi^-1(0.975).</summary>
    public const double Z95 = 1.959963984540054;
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
}
