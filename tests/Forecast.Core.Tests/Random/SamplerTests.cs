using Forecast.Random;
using MathNet.Numerics.Distributions;

namespace Forecast.Core.Tests.Random;

/// <summary>The Poisson sampler against exact moments and a chi-square goodness of fit, from 1e-3 to 1e6 and across the inversion/PTRS switch.</summary>
public sealed class SamplerTests
{
    private const int Draws = 50_000;

    public static TheoryData<double> Means => [1e-3, 0.1, 1, 9.99, 10, 30, 745, 760, 2_000, 1e4, 1e6];

    [Theory]
    [MemberData(nameof(Means))]
    public void Poisson_draws_have_the_exact_mean_and_variance(double lambda)
    {
        var x = Draw(lambda);
        var mean = x.Average();
        var variance = x.Sum(v => (v - mean) * (v - mean)) / (Draws - 1);

        // Five standard errors: the mean's is sqrt(lambda / n), the variance's sqrt((lambda + 2 lambda^2) / n).
        Assert.True(Math.Abs(mean - lambda) <= 5 * Math.Sqrt(lambda / Draws), $"mean {mean} vs {lambda}");
        Assert.True(Math.Abs(variance - lambda) <= 5 * Math.Sqrt((lambda + (2 * lambda * lambda)) / Draws), $"variance {variance} vs {lambda}");
    }

    [Theory]
    [MemberData(nameof(Means))]
    public void Poisson_draws_fit_the_distribution_by_chi_square(double lambda)
    {
        var x = Draw(lambda);
        var dist = new Poisson(lambda);
        // Bins of consecutive counts, each with at least 20 expected draws; the tails merged into the end bins.
        var edges = new List<long>();
        long k = 0;
        var hi = (long)Math.Ceiling(lambda + (12 * Math.Sqrt(lambda)) + 20);
        var mass = 0.0;
        for (; k <= hi; k++)
        {
            mass += dist.Probability((int)k);
            if (mass * Draws >= 20 && 1 - dist.CumulativeDistribution(k) >= 20.0 / Draws)
            {
                edges.Add(k); // a bin ends at k
                mass = 0;
            }
        }

        var observed = new double[edges.Count + 1];
        foreach (var v in x)
        {
            var bin = edges.BinarySearch(v);
            observed[bin >= 0 ? bin : ~bin]++;
        }

        var statistic = 0.0;
        var lo = 0L;
        for (var b = 0; b <= edges.Count; b++)
        {
            var p = b < edges.Count
                ? dist.CumulativeDistribution(edges[b]) - (lo == 0 ? 0 : dist.CumulativeDistribution(lo - 1))
                : 1 - dist.CumulativeDistribution(edges[^1]);
            var expected = p * Draws;
            statistic += (observed[b] - expected) * (observed[b] - expected) / expected;
            lo = b < edges.Count ? edges[b] + 1 : lo;
        }

        var df = edges.Count; // bins - 1
        Assert.True(df >= 1, "at least two bins");
        var critical = ChiSquared.InvCDF(df, 1 - 1e-4);
        Assert.True(statistic <= critical, $"chi-square {statistic:F1} on {df} df exceeds {critical:F1}");
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(2e9)]
    public void A_mean_the_sampler_cannot_take_is_refused_not_clamped(double lambda)
    {
        var u = new KeyedUniforms(1, 0, Streams.Counts, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Samplers.Poisson(lambda, ref u));
    }

    [Fact]
    public void A_zero_mean_gives_zero()
    {
        var u = new KeyedUniforms(1, 0, Streams.Counts, 0);
        Assert.Equal(0, Samplers.Poisson(0, ref u));
    }

    private static long[] Draw(double lambda)
    {
        var x = new long[Draws];
        for (var i = 0; i < Draws; i++)
        {
            var u = new KeyedUniforms(20220218, (uint)i, Streams.Counts, (uint)BitConverter.DoubleToInt64Bits(lambda));
            x[i] = Samplers.Poisson(lambda, ref u);
        }

        return x;
    }
}
