using Forecast.Engines;
using Forecast.Running;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

public sealed class EngineTests
{
    [Fact]
    public void Results_do_not_depend_on_how_trials_are_split_into_batches()
    {
        var model = TestModels.Baseline;
        var whole = LocalEngine.Simulate(model, new RunPlan(11, 48, 48)).Table;
        var split = LocalEngine.Simulate(model, new RunPlan(11, 48, 7)).Table;

        Assert.Equal(whole.Values, split.Values); // exact, not approximate
    }

    [Fact]
    public void A_trial_is_the_same_whatever_run_it_is_part_of()
    {
        var model = TestModels.Baseline;
        var small = LocalEngine.Simulate(model, new RunPlan(5, 10, 10)).Table;
        var large = LocalEngine.Simulate(model, new RunPlan(5, 30, 16)).Table;

        for (var y = model.FirstYear; y <= model.LastYear; y++)
        {
            foreach (var i in Enum.GetValues<Indicator>())
            {
                Assert.Equal(small.Series(i, y).ToArray(), large.Series(i, y)[..10].ToArray());
            }
        }
    }

    [Fact]
    public void Different_seeds_give_different_trials()
    {
        var model = TestModels.Baseline;
        var a = LocalEngine.Simulate(model, new RunPlan(1, 8)).Table;
        var b = LocalEngine.Simulate(model, new RunPlan(2, 8)).Table;

        Assert.NotEqual(a.Series(Indicator.NewHte, 2022).ToArray(), b.Series(Indicator.NewHte, 2022).ToArray());
    }

    [Fact]
    public void Every_indicator_is_finite_and_stocks_are_consistent()
    {
        var model = TestModels.Baseline;
        var table = LocalEngine.Simulate(model, new RunPlan(3, 16)).Table;
        Assert.All(table.Values, v => Assert.True(double.IsFinite(v)));
        for (var y = model.FirstYear; y <= model.LastYear; y++)
        {
            for (var t = 0; t < table.Trials; t++)
            {
                // tech-SME stock = PTSME tier + SME-sized HTE, so at least the HTE-free part.
                Assert.True(table.Series(Indicator.IncubatorCount, y)[t] >= model.Parameters.Incubators2020);
                Assert.True(table.Series(Indicator.RdGdp, y)[t] is > 1 and < 10);
            }
        }
    }
}
