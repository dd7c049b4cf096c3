using Forecast.Statistics;

namespace Forecast.Core.Tests.Statistics;

/// <summary>PRIM on data with a known region of interest.</summary>
public sealed class PrimTests
{
    private static (double[][] X, bool[] Cases) Data(int n)
    {
        // Three inputs on a grid-like low-discrepancy sequence; cases where x0 < 0.3 and x1 > 0.6 (18% of the trials); x2 is noise.
        var x = new double[3][];
        for (var d = 0; d < 3; d++)
        {
            x[d] = new double[n];
        }

        var cases = new bool[n];
        for (var i = 0; i < n; i++)
        {
            x[0][i] = (i * 0.6180339887498949) % 1;
            x[1][i] = (i * 0.7548776662466927) % 1;
            x[2][i] = (i * 0.5698402909980532) % 1;
            cases[i] = x[0][i] < 0.3 && x[1][i] > 0.6;
        }

        return (x, cases);
    }

    [Fact]
    public void Peeling_finds_the_box_of_the_cases_and_pruning_drops_the_noise_input()
    {
        var (x, cases) = Data(4000);
        string[] ids = ["x0", "x1", "x2"];

        var trajectory = Prim.Peel(ids, x, cases);

        Assert.Equal((1.0, 0), (trajectory[0].Coverage, trajectory[0].Limits.Count));
        Assert.True(trajectory.Zip(trajectory.Skip(1)).All(p => p.Second.Density > p.First.Density), "each peel raises the density");
        var best = trajectory.Where(b => b.Coverage >= 0.8).MaxBy(b => b.Density)!;
        Assert.True(best.Density > 0.9, $"density {best.Density}");
        var pruned = Prim.Pruned(best, ids, x, cases);
        Assert.Equal(["x0", "x1"], pruned.Limits.Select(l => l.Input).Order());
        Assert.InRange(pruned.Limits.Single(l => l.Input == "x0").Hi, 0.25, 0.31);
        Assert.InRange(pruned.Limits.Single(l => l.Input == "x1").Lo, 0.59, 0.65);
        Assert.True(pruned.Density >= best.Density - 0.02);
    }

    [Fact]
    public void Without_cases_there_is_nothing_to_peel()
    {
        var (x, cases) = Data(500);
        Array.Clear(cases);

        var trajectory = Prim.Peel(["a", "b", "c"], x, cases);

        Assert.Single(trajectory);
        Assert.Equal(0, trajectory[0].Coverage);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(19)]
    public void A_handful_of_trials_peels_without_running_out_of_trials(int n)
    {
        var (x, cases) = Data(n);
        cases[0] = true;

        var trajectory = Prim.Peel(["a", "b", "c"], x, cases);

        Assert.All(trajectory, b => Assert.True(b.Trials >= 1));
    }
}
