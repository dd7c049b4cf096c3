using Forecast.Engines;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Studies.Tests;

public sealed class ForecastStudyTests
{
    [Fact]
    public async Task A_forecast_counts_each_target_and_year_from_the_runs_trials()
    {
        await using var engine = new LocalEngine();
        var plan = new RunPlan(3, 60, 25);
        var reports = new List<StudyProgress>();

        var outcome = await ForecastStudy.Run(engine, new RunRequest(Seeds.Inputs(), plan), new InlineProgress<StudyProgress>(reports.Add), default);

        var (model, table) = (outcome.Run.Model, outcome.Run.Result.Table);
        Assert.Equal(LocalEngine.Simulate(model, plan).Table.Values, table.Values);
        Assert.Equal((3UL, 60, "baseline"), (outcome.Forecast.Seed, outcome.Forecast.Trials, outcome.Forecast.Scenario.Name));
        foreach (var t in model.Targets)
        {
            var result = outcome.Forecast.Targets.Single(r => r.Id == t.Id);
            var met = Enumerable.Range(0, 60).Count(k => table.Series(t.Indicator, t.Year)[k] >= t.Threshold);
            Assert.Equal(met, result.Met);
            Assert.Equal(met / 60.0, result.Probability);
            Assert.InRange(result.Probability, result.Lo, result.Hi);
        }

        foreach (var joint in outcome.Forecast.Joint)
        {
            var targets = model.Targets.Where(t => t.Year == joint.Year).ToList();
            Assert.Equal(targets.Select(t => t.Id), joint.Targets);
            Assert.Equal(Enumerable.Range(0, 60).Count(k => targets.All(t => table.Series(t.Indicator, t.Year)[k] >= t.Threshold)), joint.Met);
        }

        Assert.Equal(Forecast.Model.Indicators.Count * model.Years, outcome.Forecast.Indicators.Count);
        Assert.All(reports, r => Assert.Equal((0, 1), (r.Run, r.Runs)));
        Assert.Equal(1.0, reports[^1].Fraction);
    }
}
