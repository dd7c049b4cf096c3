using Forecast.Model;
using MathNet.Numerics.Distributions;

namespace Forecast.Core.Tests.Model;

/// <summary>Every prior family: the truncated inverse CDF inverts the CDF, stays in range, and matches the untruncated law inside it.</summary>
public sealed class PriorTests
{
    public static TheoryData<Prior> Priors =>
    [
        new Prior(PriorFamily.Uniform, 0, 0, 0.25, 0.65),
        new Prior(PriorFamily.Normal, 0.06, 0.02, 0.0, 0.12),
        new Prior(PriorFamily.LogNormal, 1.0, 1.2, 0.05, 20.0),
        new Prior(PriorFamily.LogNormal, 1400, 0.3, 500, 2500),
        new Prior(PriorFamily.LogitNormal, 0.5, 0.25, 0.30, 0.70),
        new Prior(PriorFamily.Triangular, 0.7, 0, 0.5, 0.9),
        new Prior(PriorFamily.Normal, 0, 1, -1e6, 1e6), // effectively untruncated
    ];

    [Theory]
    [MemberData(nameof(Priors))]
    public void Quantile_inverts_the_cdf_and_stays_in_range(Prior prior)
    {
        prior.Validated();
        for (var u = 0.001; u < 1; u += 0.0371)
        {
            var x = prior.Quantile(u);
            Assert.InRange(x, prior.Lo, prior.Hi);
            Assert.Equal(u, prior.Cdf(x), 9);
        }

        Assert.Equal(0, prior.Cdf(prior.Lo), 12);
        Assert.Equal(1, prior.Cdf(prior.Hi), 12);
    }

    [Theory]
    [MemberData(nameof(Priors))]
    public void The_standard_normal_map_round_trips(Prior prior)
    {
        foreach (var z in new[] { -3.0, -1.0, 0.0, 0.5, 2.5 })
        {
            Assert.Equal(z, prior.ToStandard(prior.FromStandard(z)), 6);
        }
    }

    [Fact]
    public void A_truncated_normal_is_the_normal_renormalised_inside_its_range()
    {
        var prior = new Prior(PriorFamily.Normal, 0.06, 0.02, 0.03, 0.12);
        var law = new Normal(0.06, 0.02);
        var mass = law.CumulativeDistribution(0.12) - law.CumulativeDistribution(0.03);
        foreach (var x in new[] { 0.04, 0.06, 0.09 })
        {
            Assert.Equal((law.CumulativeDistribution(x) - law.CumulativeDistribution(0.03)) / mass, prior.Cdf(x), 12);
        }
    }

    [Fact]
    public void Lognormal_and_logitnormal_medians_are_their_first_parameter_when_the_range_is_symmetric_around_it()
    {
        Assert.Equal(2.0, new Prior(PriorFamily.LogNormal, 2.0, 0.5, 0.5, 8.0).Median, 9);
        Assert.Equal(0.5, new Prior(PriorFamily.LogitNormal, 0.5, 0.3, 0.2, 0.8).Median, 9);
    }

    [Theory]
    [InlineData(PriorFamily.LogNormal, -1.0, 0.5, 0.0, 5.0)]
    [InlineData(PriorFamily.Normal, 0.0, 0.0, -1.0, 1.0)]
    [InlineData(PriorFamily.LogitNormal, 1.5, 0.2, 0.0, 1.0)]
    [InlineData(PriorFamily.Triangular, 2.0, 0.0, 0.0, 1.0)]
    [InlineData(PriorFamily.Uniform, 0.0, 0.0, 1.0, 1.0)]
    [InlineData(PriorFamily.Normal, 0.0, 0.01, 5.0, 6.0)] // no mass in range
    public void An_improper_prior_is_refused(PriorFamily family, double a, double b, double lo, double hi)
    {
        Assert.Throws<ArgumentException>(() => new Prior(family, a, b, lo, hi).Validated());
    }
}
