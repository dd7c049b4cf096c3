using Forecast.Statistics;
using MathNet.Numerics.Distributions;

namespace Forecast.Core.Tests.Statistics;

public sealed class ScoringTests
{
    private static double[] NormalPercentiles(double mu, double sigma) =>
        Enumerable.Range(1, 99).Select(k => Normal.InvCDF(mu, sigma, k / 100.0)).ToArray();

    /// <summary>Closed form for a normal forecast: sigma (z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)), z = (y - mu) / sigma (Gneiting et al. 2005).</summary>
    private static double NormalCrps(double mu, double sigma, double y)
    {
        var z = (y - mu) / sigma;
        return sigma * ((z * ((2 * Normal.CDF(0, 1, z)) - 1)) + (2 * Normal.PDF(0, 1, z)) - (1 / Math.Sqrt(Math.PI)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(-1.5)]
    [InlineData(2.5)]
    public void Crps_from_percentiles_matches_the_normal_closed_form(double y)
    {
        var crps = Scoring.Crps(NormalPercentiles(10, 2), 10 + (2 * y));
        var exact = NormalCrps(10, 2, 10 + (2 * y));

        Assert.True(Math.Abs(crps - exact) <= 0.02 * exact, $"CRPS {crps} vs closed form {exact}");
    }

    [Fact]
    public void Crps_of_a_point_forecast_is_the_absolute_error()
    {
        var point = Enumerable.Repeat(5.0, 99).ToArray();
        Assert.Equal(3.0, Scoring.Crps(point, 8), 12);
        Assert.Equal(2.0, Scoring.Crps(point, 3), 12);
    }

    [Fact]
    public void Pit_is_the_predictive_cdf_at_the_actual()
    {
        var q = NormalPercentiles(0, 1);
        Assert.Equal(0.5, Scoring.Pit(q, 0), 6);
        Assert.Equal(Normal.CDF(0, 1, 1.0), Scoring.Pit(q, 1.0), 3);
        Assert.Equal(0, Scoring.Pit(q, -10));
        Assert.Equal(1, Scoring.Pit(q, 10));
        Assert.Equal(0.5, Scoring.Pit(Enumerable.Repeat(4.0, 99).ToArray(), 4), 12); // a point mass: the middle of its levels
    }

    [Theory]
    [InlineData(0.8, true, 0.04)]
    [InlineData(0.8, false, 0.64)]
    [InlineData(0.0, false, 0.0)]
    [InlineData(1.0, false, 1.0)]
    public void Brier_is_the_squared_probability_error(double p, bool met, double expected) =>
        Assert.Equal(expected, Scoring.Brier(p, met), 12);

    [Fact]
    public void Log_score_is_minus_log_of_the_probability_given_to_what_happened_kept_finite_at_0_and_1()
    {
        Assert.Equal(-Math.Log(0.8), Scoring.Log(0.8, met: true, trials: 1000), 12);
        Assert.Equal(-Math.Log(0.2), Scoring.Log(0.8, met: false, trials: 1000), 12);
        Assert.Equal(-Math.Log(0.5 / 1000), Scoring.Log(0.0, met: true, trials: 1000), 12);
        Assert.Equal(-Math.Log(1 - (0.5 / 1000)), Scoring.Log(0.0, met: false, trials: 1000), 12);
    }
}
