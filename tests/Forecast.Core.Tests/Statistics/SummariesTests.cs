using Forecast.Statistics;
using MathNet.Numerics.Statistics;

namespace Forecast.Core.Tests.Statistics;

public sealed class SummariesTests
{
    private static readonly double[] Probabilities = [0.05, 0.25, 0.5, 0.75, 0.95];

    private static double[] Quantiles(SeriesSummary s) => [s.P5, s.P25, s.P50, s.P75, s.P95];

    /// <summary>Reference R-7 by full sort: h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).</summary>
    private static double SortedR7(double[] values, double p)
    {
        var x = values.ToArray();
        Array.Sort(x);
        var h = (x.Length - 1) * p;
        var j = (int)Math.Floor(h);
        var frac = h - j;
        return frac > 0 ? x[j] + (frac * (x[j + 1] - x[j])) : x[j];
    }

    /// <summary>Random series of assorted shapes, ties and orderings included.</summary>
    public static TheoryData<string, int> Shapes()
    {
        var data = new TheoryData<string, int>();
        foreach (var shape in new[] { "uniform", "ties", "constant", "ascending", "descending", "organ-pipe", "sawtooth", "two-values" })
        {
            foreach (var n in new[] { 1, 2, 3, 4, 10, 11, 100, 101, 1000, 4097 })
            {
                data.Add(shape, n);
            }
        }

        return data;
    }

    private static double[] Series(string shape, int n)
    {
        var random = new System.Random((shape.Length * 7919) + n);
        return Enumerable.Range(0, n).Select(i => shape switch
        {
            "uniform" => (random.NextDouble() * 200) - 100,
            "ties" => random.NextDouble() < 0.5 ? random.Next(5) : random.NextDouble() * 5,
            "constant" => 3.25,
            "ascending" => i,
            "descending" => n - i,
            "organ-pipe" => Math.Min(i, n - i),
            "sawtooth" => i % 7,
            "two-values" => random.Next(2) * 1e6,
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        }).ToArray();
    }

    [Fact]
    public void Quantiles_of_one_to_ten_follow_R7()
    {
        double[] x = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];
        var s = Summaries.Summarise(x, new double[x.Length]);

        // n = 10, sorted x = 1..10, so x[j] = j + 1 (0-based) and h = 9p:
        //   P5:  h = 0.45 -> x[0] + 0.45 (x[1] - x[0]) = 1 + 0.45 = 1.45
        //   P25: h = 2.25 -> x[2] + 0.25 (x[3] - x[2]) = 3 + 0.25 = 3.25
        //   P50: h = 4.5  -> x[4] + 0.5  (x[5] - x[4]) = 5 + 0.5  = 5.5
        //   P75: h = 6.75 -> x[6] + 0.75 (x[7] - x[6]) = 7 + 0.75 = 7.75
        //   P95: h = 8.55 -> x[8] + 0.55 (x[9] - x[8]) = 9 + 0.55 = 9.55
        Assert.Equal(1.45, s.P5, 1e-12);
        Assert.Equal(3.25, s.P25, 1e-12);
        Assert.Equal(5.5, s.P50, 1e-12);
        Assert.Equal(7.75, s.P75, 1e-12);
        Assert.Equal(9.55, s.P95, 1e-12);

        // Mean 55 / 10 = 5.5; squared deviations 2 (4.5^2 + 3.5^2 + 2.5^2 + 1.5^2 + 0.5^2) = 82.5,
        // so sd = sqrt(82.5 / 9) = 3.0276503540974917 and SE = sd / sqrt(10).
        Assert.Equal(10, s.Count);
        Assert.Equal(5.5, s.Mean, 1e-12);
        Assert.Equal(Math.Sqrt(82.5 / 9), s.StdDev, 1e-12);
        Assert.Equal(Math.Sqrt(82.5 / 9) / Math.Sqrt(10), s.StandardError, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Quantiles_by_selection_are_identical_to_sorting(string shape, int n)
    {
        var x = Series(shape, n);
        var s = Summaries.Summarise(x, new double[n]);

        Assert.Equal(Probabilities.Select(p => SortedR7(x, p)), Quantiles(s));
        foreach (var p in new[] { 0, 0.001, 0.05, 0.1, 1 / 3.0, 0.5, 0.9, 0.95, 0.999, 1 })
        {
            Assert.Equal(SortedR7(x, p), Selection.R7Quantile(x, p, new double[n]));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Percentiles_by_buckets_are_identical_to_sorting(string shape, int n)
    {
        var x = Series(shape, n);
        var expected = Enumerable.Range(1, 99).Select(k => SortedR7(x, k / 100.0)).ToArray();
        Assert.Equal(expected, Summaries.Percentiles(x, new double[n]));
        var together = Summaries.Summarise(x, new double[n], out var percentiles);
        Assert.Equal(expected, percentiles);
        var alone = Summaries.Summarise(x, new double[n]);
        Assert.Equal(Quantiles(alone), Quantiles(together));
        Assert.Equal((alone.Mean, alone.StdDev), (together.Mean, together.StdDev));
        Assert.Equal(alone.Histogram.Counts.ToArray(), together.Histogram.Counts.ToArray());
    }

    [Fact]
    public void The_summary_quantiles_are_among_the_percentiles()
    {
        Assert.Equal(Summaries.QuantileProbabilities, Summaries.QuantilePercentile.Select(k => Summaries.PercentileProbabilities[k - 1]));
    }

    [Fact]
    public void Percentiles_of_wide_whole_numbers_and_of_infinite_values_are_identical_to_sorting()
    {
        var random = new System.Random(3);
        var wide = Enumerable.Range(0, 5000).Select(_ => (double)random.Next(100_000)).ToArray(); // whole numbers over more than 2,560 buckets
        var narrow = Enumerable.Range(0, 5000).Select(_ => (double)random.Next(300)).ToArray(); // one value per bucket
        var infinite = Enumerable.Range(0, 500).Select(i => i == 7 ? double.PositiveInfinity : i == 9 ? double.NegativeInfinity : random.NextDouble()).ToArray();
        foreach (var x in new[] { wide, narrow, infinite })
        {
            Assert.Equal(Enumerable.Range(1, 99).Select(k => SortedR7(x, k / 100.0)), Summaries.Percentiles(x, new double[x.Length]));
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(8, 4)]
    [InlineData(101, 5)]
    [InlineData(1000, 6)]
    [InlineData(2001, 7)]
    public void Quantiles_agree_with_MathNet_R7(int n, int seed)
    {
        var random = new System.Random(seed);
        // Ties on purpose: half the values come from a small set of integers.
        var x = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.5 ? random.Next(5) : random.NextDouble() * 100).ToArray();
        var s = Summaries.Summarise(x, new double[n]);

        var quantiles = Quantiles(s);
        for (var i = 0; i < Probabilities.Length; i++)
        {
            Assert.Equal(MathNet.Numerics.Statistics.Statistics.QuantileCustom(x, Probabilities[i], QuantileDefinition.R7), quantiles[i], 1e-12);
        }

        foreach (var p in new[] { 0, 0.01, 0.37, 0.99, 1 })
        {
            Assert.Equal(MathNet.Numerics.Statistics.Statistics.QuantileCustom(x, p, QuantileDefinition.R7), Selection.R7Quantile(x, p, new double[n]), 1e-12);
        }

        Assert.Equal(x.Mean(), s.Mean, 1e-9);
        Assert.Equal(n > 1 ? x.StandardDeviation() : 0, s.StdDev, 1e-9);
        Assert.Equal(s.StdDev / Math.Sqrt(n), s.StandardError, 1e-15);
    }

    [Fact]
    public void A_single_value_has_no_spread()
    {
        var s = Summaries.Summarise([4.5], new double[1]);

        Assert.Equal(new[] { 4.5, 4.5, 4.5, 4.5, 4.5 }, Quantiles(s));
        Assert.Equal((1, 4.5, 0.0, 0.0), (s.Count, s.Mean, s.StdDev, s.StandardError));
        Assert.Equal(1, s.Histogram.Counts[0]);
    }

    [Fact]
    public void Summarise_leaves_the_input_alone_and_accepts_a_longer_scratch()
    {
        double[] x = [5, 1, 4, 2, 3];
        var scratch = new double[50];
        var s = Summaries.Summarise(x, scratch);

        Assert.Equal(new double[] { 5, 1, 4, 2, 3 }, x);
        Assert.Equal(3, s.P50);
    }

    [Fact]
    public void Histogram_has_twenty_equal_bins_with_the_maximum_in_the_last()
    {
        // 0, 1, ..., 20 over [0, 20]: bins of width 1, value v in bin floor(v), and 20 (the max) joins 19 in bin 19.
        var x = Enumerable.Range(0, 21).Select(i => (double)i).Reverse().ToArray();
        var h = Summaries.Summarise(x, new double[x.Length]).Histogram;

        Assert.Equal((0.0, 20.0), (h.Min, h.Max));
        Assert.Equal(Summaries.HistogramBins, h.Counts.Length);
        int[] expected = [.. Enumerable.Repeat(1, 19), 2];
        Assert.Equal(expected, h.Counts.ToArray());
    }

    [Fact]
    public void Histogram_of_a_constant_series_is_all_in_the_first_bin()
    {
        var h = Summaries.Summarise([2, 2, 2], new double[3]).Histogram;

        Assert.Equal((2.0, 2.0), (h.Min, h.Max));
        Assert.Equal(3, h.Counts[0]);
        Assert.Equal(3, h.Counts.Sum());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Histogram_counts_sum_to_the_number_of_trials(string shape, int n)
    {
        var h = Summaries.Summarise(Series(shape, n), new double[n]).Histogram;

        Assert.Equal(n, h.Counts.Sum());
        Assert.Equal(Summaries.HistogramBins, h.Counts.Length);
    }

    [Fact]
    public void Empty_series_short_scratch_NaN_and_bad_probabilities_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Summaries.Summarise([], new double[4]));
        Assert.Throws<ArgumentException>(() => Summaries.Summarise([1, 2, 3], new double[2]));
        Assert.Throws<ArgumentException>(() => Summaries.Summarise([1, double.NaN], new double[2]));
        Assert.Throws<ArgumentException>(() => Selection.R7Quantile([], 0.5, new double[1]));
        Assert.Throws<ArgumentException>(() => Selection.R7Quantile([1, 2], 0.5, new double[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Selection.R7Quantile([1, 2], 1.5, new double[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Selection.R7Quantile([1, 2], double.NaN, new double[2]));
    }

    [Fact]
    public void A_negative_zero_minimum_is_kept_as_the_scalar_minimum_keeps_it()
    {
        var x = Enumerable.Range(0, 1000).Select(i => (double)(i % 17)).ToArray(); // +0 at index 0, 17, ...
        x[333] = -0.0;
        var s = Summaries.Summarise(x, new double[x.Length]);
        Assert.True(double.IsNegative(s.Histogram.Min)); // Math.Min(+0, -0) is -0, whatever the order
        Assert.Equal(Summaries.SummariseBySelection(x, new double[x.Length]).Histogram.Min, s.Histogram.Min);
    }

    [Fact]
    public void A_zero_maximum_is_positive_zero_when_both_zeros_occur()
    {
        var x = Enumerable.Range(0, 1000).Select(i => -(double)(i % 17)).ToArray(); // -0 at index 0, 17, ...
        x[500] = 0.0;
        var s = Summaries.Summarise(x, new double[x.Length]);
        Assert.True(double.IsPositive(s.Histogram.Max)); // Math.Max(-0, +0) is +0, whatever the order
        Assert.Equal(-16, s.Histogram.Min);
    }

    [Fact]
    public void Zeros_of_both_signs_inside_the_range_leave_the_summary_as_the_second_method_gives_it()
    {
        var x = Enumerable.Range(0, 1003).Select(i => (i % 29) - 9.5).ToArray();
        x[100] = -0.0;
        x[101] = 0.0;
        x[999] = -0.0;
        var s = Summaries.Summarise(x, new double[x.Length]);
        var reference = Summaries.SummariseBySelection(x, new double[x.Length]);
        Assert.Equal((reference.P5, reference.P25, reference.P50, reference.P75, reference.P95), (s.P5, s.P25, s.P50, s.P75, s.P95));
        Assert.Equal(reference.Histogram.Counts.ToArray(), s.Histogram.Counts.ToArray());
        Assert.Equal(-9.5, s.Histogram.Min);
        Assert.Equal(18.5, s.Histogram.Max);
    }

    [Fact]
    public void A_NaN_inside_the_vector_body_is_refused_but_opposite_infinities_are_not_mistaken_for_one()
    {
        var x = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray();
        x[500] = double.NaN;
        Assert.Throws<ArgumentException>(() => Summaries.Summarise(x, new double[x.Length]));

        x[500] = double.PositiveInfinity;
        x[501] = double.NegativeInfinity; // the sum is NaN, yet no value is
        var s = Summaries.Summarise(x, new double[x.Length]);
        Assert.Equal(double.NegativeInfinity, s.Histogram.Min);
        Assert.Equal(double.PositiveInfinity, s.Histogram.Max);
    }
}

public sealed class BucketSelectionTests
{
    public static TheoryData<string> Shapes => ["uniform", "normal", "counts", "wide-counts", "mostly-zero", "two-values", "heavy-tail", "constant", "tiny"];

    private static double[] Series(string shape, int n, int seed)
    {
        var r = new System.Random(seed);
        return shape switch
        {
            "uniform" => [.. Enumerable.Range(0, n).Select(_ => r.NextDouble() * 1e6)],
            "normal" => [.. Enumerable.Range(0, n).Select(_ => MathNet.Numerics.Distributions.Normal.Sample(r, 470, 25))],
            "counts" => [.. Enumerable.Range(0, n).Select(_ => (double)r.Next(440, 500))], // whole numbers, one per bucket
            "wide-counts" => [.. Enumerable.Range(0, n).Select(_ => (double)r.Next(0, 5000))], // whole numbers wider than the buckets
            "mostly-zero" => [.. Enumerable.Range(0, n).Select(_ => r.NextDouble() < 0.97 ? 0.0 : r.NextDouble())],
            "two-values" => [.. Enumerable.Range(0, n).Select(_ => r.Next(2) == 0 ? 0.1 : 0.3)],
            "heavy-tail" => [.. Enumerable.Range(0, n).Select(_ => Math.Exp(MathNet.Numerics.Distributions.Normal.Sample(r, 0, 6)))],
            "constant" => [.. Enumerable.Repeat(2.5, n)],
            _ => [.. Enumerable.Range(0, Math.Min(n, 3)).Select(_ => r.NextDouble())],
        };
    }

    /// <summary>Quantiles and histogram equal a second method's (selection) bit for bit; sums agree to rounding.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Bucket_selection_matches_plain_selection(string shape)
    {
        foreach (var (n, seed) in new[] { (1, 1), (2, 2), (7, 3), (10_000, 4), (10_007, 5) })
        {
            var x = Series(shape, n, seed);
            var fast = Summaries.Summarise(x, new double[x.Length]);
            var reference = Summaries.SummariseBySelection(x, new double[x.Length]);
            Assert.Equal(reference.P5, fast.P5);
            Assert.Equal(reference.P25, fast.P25);
            Assert.Equal(reference.P50, fast.P50);
            Assert.Equal(reference.P75, fast.P75);
            Assert.Equal(reference.P95, fast.P95);
            Assert.Equal(reference.Histogram.Counts.ToArray(), fast.Histogram.Counts.ToArray());
            Assert.Equal(reference.Histogram.Min, fast.Histogram.Min);
            Assert.Equal(reference.Histogram.Max, fast.Histogram.Max);
            Assert.Equal(reference.Mean, fast.Mean, Math.Abs(reference.Mean) * 1e-12);
            Assert.Equal(reference.StdDev, fast.StdDev, Math.Max(reference.StdDev * 1e-9, 1e-300));
        }
    }

    [Fact]
    public void Infinite_values_fall_back_and_NaN_is_rejected()
    {
        double[] x = [1, double.PositiveInfinity, 3, 2];
        var s = Summaries.Summarise(x, new double[4]);
        Assert.Equal(Summaries.SummariseBySelection(x, new double[4]).P50, s.P50);
        Assert.Throws<ArgumentException>(() => Summaries.Summarise([1, double.NaN, 3, 4, 5, 6, 7, 8, 9], new double[9]));
    }
}
