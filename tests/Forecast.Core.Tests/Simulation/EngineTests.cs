using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

public sealed class EngineTests
{
    [Fact]
    public void Results_do_not_depend_on_how_trials_are_split_into_batches()
    {
        var model = TestModels.Baseline;
        var whole = LocalEngine.Run(model, seed: 11, trials: 48, batchSize: 48);
        var split = LocalEngine.Run(model, seed: 11, trials: 48, batchSize: 7);

        Assert.Equal(whole.Values, split.Values); // exact, not approximate
    }

    [Fact]
    public void A_trial_is_the_same_whatever_run_it_is_part_of()
    {
        var model = TestModels.Baseline;
        var small = LocalEngine.Run(model, seed: 5, trials: 10, batchSize: 10);
        var large = LocalEngine.Run(model, seed: 5, trials: 30, batchSize: 16);

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
        var a = LocalEngine.Run(model, seed: 1, trials: 8);
        var b = LocalEngine.Run(model, seed: 2, trials: 8);

        Assert.NotEqual(a.Series(Indicator.NewHte, 2022).ToArray(), b.Series(Indicator.NewHte, 2022).ToArray());
    }

    [Fact]
    public void Every_indicator_is_finite_and_stocks_are_consistent()
    {
        var model = TestModels.Baseline;
        var table = LocalEngine.Run(model, seed: 3, trials: 16);
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
