using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;
using Forecast.Statistics;

namespace Forecast.Studies;

/// <summary>One lever at one end of its allowed range against the scenario, on one target: the paired change in P(met) and in cost.</summary>
public sealed record SensitivityRow(
    string Lever, string End, double Value, string Target, int Year, double BaseProbability, double Probability,
    PairedDifference Delta, PairedDifference CostDelta);

/// <summary>
/// What the planner controls beside what the planner must watch: every lever at the low and the high
/// end of its allowed range against the scenario (paired trials), and the scenario's own forecast with
/// the uncertain inputs that drive each target.
/// </summary>
public sealed record SensitivityResult(ulong Seed, int Trials, ScenarioInfo Scenario, double BaseCost, IReadOnlyList<SensitivityRow> Rows, ForecastResult Forecast)
{
    public const string CostUnit = "M yuan a year (mean over the years levers act)";

    /// <summary>The tornado of one target: its rows by lever, the lever with the largest effect (either end) first.</summary>
    public IReadOnlyList<(string Lever, SensitivityRow Low, SensitivityRow High)> Tornado(string target) =>
        Rows.Where(r => r.Target == target).GroupBy(r => r.Lever)
            .Select(g => (Lever: g.Key, Low: g.Single(r => r.End == "low"), High: g.Single(r => r.End == "high")))
            .OrderByDescending(x => Math.Max(Math.Abs(x.Low.Delta.Mean), Math.Abs(x.High.Delta.Mean)))
            .ThenBy(x => x.Lever, StringComparer.Ordinal)
            .ToList();
}

public static class SensitivityStudy
{
    /// <summary>
    /// Runs the scenario and each lever of <paramref name="levers"/> (default: every lever) at its allowed
    /// minimum and maximum, all other levers as in the scenario (a phased lever keeps its first year):
    /// 1 + 2 x levers runs, fewer where an end is the scenario's own value (that row is the scenario
    /// itself: a difference of exactly 0).
    /// </summary>
    public static async Task<SensitivityResult> Run(IForecastEngine engine, ModelInputs inputs, RunPlan plan, IReadOnlyList<string>? levers,
        IProgress<StudyProgress>? progress, CancellationToken cancellation)
    {
        var p = ParametersLoader.Load(inputs);
        var chosen = (levers is { Count: > 0 } ? levers.Select(id => Variants.Lever(p, id, "--lever")) : p.Levers).Distinct().ToList();
        var runner = new VariantRunner(engine, plan, progress, cancellation)
        {
            Expected = 1 + chosen.Sum(l => (l.Min == p.LeverValues[l.Index] ? 0 : 1) + (l.Max == p.LeverValues[l.Index] ? 0 : 1)),
        };
        var baseline = await runner.Run(inputs, p.ScenarioName, keepRun: true);
        var rows = new List<SensitivityRow>();
        foreach (var lever in chosen)
        {
            foreach (var (end, value) in new[] { ("low", lever.Min), ("high", lever.Max) })
            {
                var variant = value == p.LeverValues[lever.Index]
                    ? baseline
                    : await runner.Run(Variants.With(inputs, Variants.Setting(p, lever, value).ToString(), [Variants.Setting(p, lever, value)]), $"{lever.Id} {end}");
                var costDelta = Intervals.Paired(baseline.Cost, variant.Cost);
                rows.AddRange(baseline.Targets.Select(t =>
                {
                    var v = variant.Target(t.Id);
                    return new SensitivityRow(lever.Id, end, value, t.Id, t.Year, t.Probability, v.Probability, t.PairedTo(v), costDelta);
                }));
            }
        }

        var forecast = ForecastStudy.Finalise(baseline.Run!).Forecast;
        return new SensitivityResult(plan.Seed, plan.Trials, forecast.Scenario, baseline.MeanCost, rows, forecast);
    }
}
