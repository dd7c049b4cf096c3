using Forecast.Aggregation;
using MathNet.Numerics.Statistics;

namespace Forecast.Core.Tests.Aggregation;

public sealed class SeriesStatisticsTests
{
    [Fact]
    public void Quantiles_of_one_to_ten_follow_R7()
    {
        double[] x = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];
        var s = SeriesStatistics.Summarise(x, new double[x.Length]);

        // h = (n-1)p. P5: h = 0.45 -> 1 + 0.45 (2 - 1) = 1.45. P50: h = 4.5 -> 5.5. P95: h = 8.55 -> 9.55.
        Assert.Equal(1.45, s.P5, 12);
        Assert.Equal(3.25, s.P25, 12); // h = 2.25 -> 3 + 0.25
        Assert.Equal(5.5, s.P50, 12);
        Assert.Equal(7.75, s.P75, 12); // h = 6.75 -> 7 + 0.75
        Assert.Equal(9.55, s.P95, 12);
        Assert.Equal(5.5, s.Mean, 12);
        Assert.Equal(Math.Sqrt(82.5 / 9), s.StdDev, 12); // sum of squared deviations of 1..10 is 82.5
        Assert.Equal(s.StdDev / Math.Sqrt(10), s.StandardError, 12);
        Assert.Equal(10, s.Histogram.Counts.Sum());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(7, 3)]
    [InlineData(100, 4)]
    [InlineData(1001, 5)]
    [InlineData(2000, 6)]
    public void Quantiles_by_selection_equal_MathNets_sorted_R7(int n, int seed)
    {
        var random = new System.Random(seed);
        // Ties on purpose: values drawn from a small set half of the time.
        var x = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.5 ? random.Next(5) : random.NextDouble() * 100).ToArray();
        var s = SeriesStatistics.Summarise(x, new double[n]);

        foreach (var (p, q) in new[] { (0.05, s.P5), (0.25, s.P25), (0.5, s.P50), (0.75, s.P75), (0.95, s.P95) })
        {
            Assert.Equal(Statistics.QuantileCustom(x, p, QuantileDefinition.R7), q, 12);
            Assert.Equal(q, SeriesStatistics.Quantile(x, p, new double[n]), 12);
        }

        Assert.Equal(x.Mean(), s.Mean, 9);
        Assert.Equal(n > 1 ? x.StandardDeviation() : 0, s.StdDev, 9);
    }

    [Fact]
    public void Wilson_interval_matches_the_formula()
    {
        // p = 5/10, z = 1.96: centre = (0.5 + z^2/20) / (1 + z^2/10) = 0.5;
        // half = z sqrt(0.025 + z^2/400) / (1 + z^2/10) = 0.2634, so the interval is [0.2366, 0.7634].
        var (lo, hi) = SeriesStatistics.Wilson(5, 10);
        var z = SeriesStatistics.Z95;
        var half = z * Math.Sqrt(0.025 + (z * z / 400)) / (1 + (z * z / 10));
        Assert.Equal(0.5 - half, lo, 12);
        Assert.Equal(0.5 + half, hi, 12);
        Assert.Equal(0.2366, lo, 4);

        // 0 of 10: lower bound 0, upper bound z^2/n / (1 + z^2/n) = 0.2775...
        var (lo0, hi0) = SeriesStatistics.Wilson(0, 10);
        Assert.Equal(0, lo0, 12);
        Assert.Equal(z * z / 10 / (1 + (z * z / 10)), hi0, 12);
        var (lo1, hi1) = SeriesStatistics.Wilson(10, 10);
        Assert.Equal(1 - hi0, lo1, 12);
        Assert.Equal(1, hi1, 12);
    }

    [Fact]
    public void Paired_difference_of_a_hand_example()
    {
        double[] a = [1, 0, 1, 0];
        double[] b = [1, 1, 1, 0];
        var d = SeriesStatistics.Paired(a, b);

        // differences 0, 1, 0, 0: mean 0.25, sd = sqrt(0.75 / 3) = 0.5, se = 0.25
        Assert.Equal(0.25, d.Mean, 12);
        Assert.Equal(0.25, d.StandardError, 12);
        Assert.Equal(0.25 - (SeriesStatistics.Z95 * 0.25), d.Lo, 12);
    }

    [Fact]
    public void Counting_at_a_threshold_includes_equality()
    {
        Assert.Equal(2, SeriesStatistics.CountAtLeast([1, 2, 3], 2));
    }
}
