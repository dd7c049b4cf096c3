using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Running;

namespace Forecast.Studies.Tests;

public sealed class CompareStudyTests
{
    [Fact]
    public async Task A_scenario_compared_with_itself_differs_by_exactly_nothing()
    {
        await using var engine = new LocalEngine();

        var r = await CompareStudy.Run(engine, Seeds.Inputs(), Seeds.Inputs(), new RunPlan(5, 40, 20), null, default);

        Assert.All(r.Targets.Concat(r.Joint), t =>
        {
            Assert.Equal(t.BaseProbability, t.OtherProbability);
            Assert.Equal(new Forecast.Statistics.PairedDifference(0, 0, 0, 0), t.Difference);
        });
        Assert.All(r.Cost, c => Assert.Equal((0.0, 0.0), (c.Difference.Lo, c.Difference.Hi)));
    }

    [Fact]
    public async Task More_coaching_is_compared_trial_by_trial_with_its_cost()
    {
        await using var engine = new LocalEngine();

        var r = await CompareStudy.Run(engine, Seeds.Inputs(), Seeds.Inputs("more-coaching"), new RunPlan(3, 80, 40), null, default);

        Assert.Equal(("baseline", "more-coaching", 80), (r.Base.Name, r.Other.Name, r.Trials));
        Assert.All(r.Targets, t => Assert.Equal(t.OtherProbability - t.BaseProbability, t.Difference.Mean, 12));
        Assert.All(r.Cost.Skip(1), c => Assert.True(c.OtherMean > c.BaseMean, $"{c.Year}: coaching everyone costs more"));
    }

    [Fact]
    public async Task A_bad_second_scenario_or_an_adaptive_plan_is_refused_before_anything_runs()
    {
        await using var engine = new LocalEngine();
        var bad = Seeds.Inputs() with { ScenarioName = "bad.yaml", ScenarioYaml = "name: x\nlevers:\n  coaching-coverage: 3\n" };

        await Assert.ThrowsAsync<InputException>(() => CompareStudy.Run(engine, Seeds.Inputs(), bad, new RunPlan(1, 10), null, default));
        await Assert.ThrowsAsync<ArgumentException>(() => CompareStudy.Run(engine, Seeds.Inputs(), Seeds.Inputs(), new RunPlan(1, 10, Precision: 0.1), null, default));
        Assert.Empty(await engine.Runs.List(default));
    }
}
