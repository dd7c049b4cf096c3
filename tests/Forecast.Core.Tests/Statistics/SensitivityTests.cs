using Forecast.Statistics;

namespace Forecast.Core.Tests.Statistics;

public sealed class SensitivityTests
{
    private const int N = 8_000;

    /// <summary>Independent uniforms x1, x2, x3 from a fixed generator.</summary>
    private static double[][] Inputs()
    {
        var rng = new System.Random(20220218);
        return Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray()).ToArray();
    }

    private static IReadOnlyList<FirstOrderShare> Rank(double[] y, double[][] x) =>
        Sensitivity.Rank(y, ["x1", "x2", "x3"], i => x[i], Sensitivity.Resamples(N, 7, 100));

    [Fact]
    public void An_output_set_by_one_input_gives_it_the_whole_variance()
    {
        var x = Inputs();
        var y = x[0].Select(v => v > 0.5 ? 1.0 : 0.0).ToArray(); // met when x1 is above its median

        var ranked = Rank(y, x);

        Assert.Equal("x1", ranked[0].Input);
        // Not quite 1: the class holding the median mixes met and not met (binning's resolution, 1 / 17 of the trials).
        Assert.True(ranked[0].Share > 0.9, $"x1 share {ranked[0].Share}");
        Assert.All(ranked.Skip(1), r => Assert.True(Math.Abs(r.Share) < 0.01 && r.Lo <= 0.005, $"{r.Input}: {r.Share} [{r.Lo}, {r.Hi}]"));
    }

    [Fact]
    public void Shares_match_the_analytic_first_order_indices_of_an_additive_model()
    {
        // y = x1 + 2 x2 with independent uniforms: S1 = 1 / 5, S2 = 4 / 5, S3 = 0.
        var x = Inputs();
        var y = x[0].Zip(x[1], (a, b) => a + (2 * b)).ToArray();

        var ranked = Rank(y, x).ToDictionary(r => r.Input);

        Assert.InRange(ranked["x2"].Share, 0.78, 0.82);
        Assert.InRange(ranked["x1"].Share, 0.18, 0.22);
        Assert.InRange(0.8, ranked["x2"].Lo, ranked["x2"].Hi);
        Assert.True(Math.Abs(ranked["x3"].Share) < 0.01);
    }

    [Fact]
    public void An_output_that_never_varies_has_no_drivers()
    {
        var x = Inputs();
        Assert.Empty(Rank(new double[N], x));
    }

    [Fact]
    public void An_output_that_is_not_finite_is_refused()
    {
        // Share adds zero-weight trials as exact zeros, which holds for finite outputs only.
        var x = Inputs();
        var y = x[0].ToArray();
        y[17] = double.NaN;
        Assert.Throws<ArgumentException>(() => Rank(y, x));
        y[17] = double.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => Rank(y, x));
    }

    [Fact]
    public void A_bootstrap_share_equals_the_share_of_the_resample_written_out()
    {
        // Weights are copies of trials: the weighted share must equal the plain share over the resample itself.
        var x = Inputs();
        var y = x[0].Zip(x[1], (a, b) => a + (2 * b)).ToArray();
        var classes = Sensitivity.ClassesOf(x[1], Sensitivity.Classes(N))!;
        var weights = Sensitivity.Resamples(N, 11, 1)[0];
        var expandedY = new List<double>();
        var expandedClasses = new List<int>();
        for (var t = 0; t < N; t++)
        {
            for (var k = 0; k < weights[t]; k++)
            {
                expandedY.Add(y[t]);
                expandedClasses.Add(classes[t]);
            }
        }

        var weighted = Sensitivity.Share(y, classes, Sensitivity.Classes(N), weights);
        var plain = Sensitivity.Share([.. expandedY], [.. expandedClasses], Sensitivity.Classes(N), null);
        Assert.Equal(plain, weighted, 9);
    }

    [Fact]
    public void Tied_values_share_a_class()
    {
        var x = Enumerable.Range(0, 100).Select(i => (double)(i / 30)).ToArray(); // four runs of ties: 30, 30, 30, 10

        var classes = Sensitivity.ClassesOf(x, 10)!;

        for (var i = 1; i < x.Length; i++)
        {
            Assert.True(x[i] != x[i - 1] || classes[i] == classes[i - 1], $"trials {i - 1} and {i} tie but sit in classes {classes[i - 1]} and {classes[i]}");
        }

        Assert.Equal(4, classes.Distinct().Count());
    }

    [Fact]
    public void The_same_seed_gives_the_same_intervals()
    {
        var x = Inputs();
        var y = x[2].Select(v => v > 0.3 ? 1.0 : 0.0).ToArray();
        Assert.Equal(Rank(y, x), Rank(y, x));
    }
}
