using Forecast.Statistics;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Studies;

public sealed record TargetResult(
    string Id, string Indicator, int Year, double Threshold, long Met, int Trials, double Probability, double Lo, double Hi);

public sealed record IndicatorResult(string Id, string Unit, int Year, SeriesSummary Summary);

public sealed record JointResult(int Year, IReadOnlyList<string> Targets, long Met, double Probability, double Lo, double Hi);

public sealed record ScenarioInfo(string Name, IReadOnlyList<(string Id, double Value)> Levers);

/// <summary>The finalised forecast of one scenario: what forecast.json holds, nothing else.</summary>
public sealed record ForecastResult(
    ulong Seed,
    int Trials,
    ScenarioInfo Scenario,
    IReadOnlyList<TargetResult> Targets,
    IReadOnlyList<JointResult> Joint,
    IReadOnlyList<IndicatorResult> Indicators)
{
    public const string QuantileDefinition =
        "R-7 (Hyndman-Fan type 7, numpy's default): h = (n-1)p, linear interpolation between order statistics";
}

/// <summary>Turns the per-trial table into statistics, target probabilities and joint probabilities.</summary>
public static class Finaliser
{
    public static ForecastResult Summarise(SimulationModel model, TrialTable table, ulong seed)
    {
        var n = table.Trials;
        var scratch = new double[n];
        var indicators = new List<IndicatorResult>();
        for (var i = 0; i < Model.Indicators.Count; i++)
        {
            var indicator = (Indicator)i;
            for (var y = model.FirstYear; y <= model.LastYear; y++)
            {
                var summary = Summaries.Summarise(table.Series(indicator, y), scratch);
                indicators.Add(new IndicatorResult(Model.Indicators.Id(indicator), Model.Indicators.Unit(indicator), y, summary));
            }
        }

        var targets = model.Targets.Select(t =>
        {
            var met = MetRule.Count(table.Series(t.Indicator, t.Year), t.Threshold);
            var (lo, hi) = Intervals.Wilson(met, n);
            return new TargetResult(t.Id, Model.Indicators.Id(t.Indicator), t.Year, t.Threshold, met, n, (double)met / n, lo, hi);
        }).ToList();

        var joint = new List<JointResult>();
        foreach (var group in model.Targets.GroupBy(t => t.Year).OrderBy(g => g.Key))
        {
            var met = MetRule.Count(MetRule.JointBits(table, group.ToArray()));
            var (lo, hi) = Intervals.Wilson(met, n);
            joint.Add(new JointResult(group.Key, group.Select(t => t.Id).ToList(), met, (double)met / n, lo, hi));
        }

        return new ForecastResult(seed, n, Scenario(model.Parameters), targets, joint, indicators);
    }

    public static ScenarioInfo Scenario(Parameters p) =>
        new(p.ScenarioName, p.Levers.Select(l => (l.Id, p.LeverValues[l.Index])).ToList());
}
