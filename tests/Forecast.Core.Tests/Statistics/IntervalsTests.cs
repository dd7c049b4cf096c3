using Forecast.Statistics;

namespace Forecast.Core.Tests.Statistics;

public sealed class IntervalsTests
{
    [Theory]
    // z = 1.959963984540054, z^2 = 3.8414588206941254; with n = 10: 1 + z^2/n = 1.3841458820694126,
    // z^2/2n = 0.19207294103470626, z^2/4n^2 = 0.009603647051735314.
    // 0/10: centre = 0.19207294.../1.38414588... = 0.1387663999314446, half = z sqrt(0.0096036...)/1.384... = the same,
    //       so (0, 0.2775327998628892).
    // 10/10: the mirror image, (1 - 0.2775327998628892, 1) = (0.7224672001371107, 1).
    // 5/10: centre = (0.5 + 0.19207...)/1.38414... = 0.5; half = z sqrt(0.025 + 0.0096036...)/1.38414... = 0.263406909487436,
    //       so (0.236593090512564, 0.7634069094874361).
    [InlineData(0, 10, 0.0, 0.2775327998628892)]
    [InlineData(10, 10, 0.7224672001371107, 1.0)]
    [InlineData(5, 10, 0.236593090512564, 0.7634069094874361)]
    public void Wilson_interval_matches_hand_values(long successes, long n, double lo, double hi)
    {
        var (l, h) = Intervals.Wilson(successes, n);

        Assert.Equal(lo, l, 1e-9);
        Assert.Equal(hi, h, 1e-9);
    }

    [Fact]
    public void Wilson_interval_is_exact_at_the_edges_and_uninformative_without_trials()
    {
        Assert.Equal((0.0, 1.0), Intervals.Wilson(0, 0));
        Assert.Equal(0.0, Intervals.Wilson(0, 1000).Lo);
        Assert.Equal(1.0, Intervals.Wilson(1000, 1000).Hi);
        var (lo, hi) = Intervals.Wilson(1, 3);
        Assert.InRange(1 / 3.0, lo, hi);
        Assert.Throws<ArgumentOutOfRangeException>(() => Intervals.Wilson(11, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Intervals.Wilson(-1, 10));
    }

    [Fact]
    public void Paired_difference_of_a_hand_example()
    {
        double[] a = [10, 12, 9, 11];
        double[] b = [12, 13, 12, 11];
        var d = Intervals.Paired(a, b);

        // b - a = 2, 1, 3, 0: mean 1.5; squared deviations 0.25 + 0.25 + 2.25 + 2.25 = 5,
        // sd = sqrt(5 / 3), SE = sqrt(5 / 3) / 2 = 0.6454972243679028,
        // interval 1.5 -+ 1.959963984540054 * 0.6454972243679028 = (0.23485..., 2.76514...).
        var se = Math.Sqrt(5.0 / 3) / 2;
        Assert.Equal(1.5, d.Mean, 1e-12);
        Assert.Equal(0.6454972243679028, d.StandardError, 1e-12);
        Assert.Equal(1.5 - (Intervals.Z95 * se), d.Lo, 1e-12);
        Assert.Equal(1.5 + (Intervals.Z95 * se), d.Hi, 1e-12);
    }

    [Fact]
    public void Paired_difference_needs_equal_nonempty_series()
    {
        Assert.Throws<ArgumentException>(() => Intervals.Paired([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => Intervals.Paired([], []));
        Assert.Equal(new PairedDifference(2, 0, 2, 2), Intervals.Paired([1], [3]));
    }
}
