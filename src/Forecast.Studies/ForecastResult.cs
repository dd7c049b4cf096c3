using Forecast.Statistics;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Studies;

public sealed record TargetResult(
    string Id, string Indicator, int Year, double Threshold, long Met, int Trials, double Probability, double Lo, double Hi, string? Owner = null);

/// <summary>An indicator in one year: its summary, and P1..P99 so a forecast can be scored against what happened.</summary>
public sealed record IndicatorResult(string Id, string Unit, int Year, SeriesSummary Summary, IReadOnlyList<double> Percentiles);

/// <summary>What drives a target: the uncertain inputs ranked by their first-order share of the variance of "met".</summary>
public sealed record TargetDrivers(string Target, IReadOnlyList<FirstOrderShare> Inputs);

public sealed record JointResult(int Year, IReadOnlyList<string> Targets, long Met, double Probability, double Lo, double Hi);

/// <summary>A scenario as results name it: its levers' values and, for levers that start later than the first policy year, that year.</summary>
public sealed record ScenarioInfo(string Name, IReadOnlyList<(string Id, double Value)> Levers, IReadOnlyList<(string Id, int Year)> From);

/// <summary>A fact the calibration conditions on, as an indicator's observed value in the calibration year (the fans' 2021 point).</summary>
public sealed record Observation(string Fact, string Indicator, int Year, double Value);

/// <summary>The finalised forecast of one scenario: what forecast.json holds, nothing else.</summary>
public sealed record ForecastResult(
    ulong Seed,
    int Trials,
    ScenarioInfo Scenario,
    IReadOnlyList<TargetResult> Targets,
    IReadOnlyList<JointResult> Joint,
    IReadOnlyList<IndicatorResult> Indicators,
    IReadOnlyList<TargetDrivers> Drivers,
    IReadOnlyList<Observation>? Observed = null)
{
    public const string QuantileDefinition =
        "R-7 (Hyndman-Fan type 7, numpy's default): h = (n-1)p, linear interpolation between order statistics";
}

/// <summary>Turns the per-trial table into statistics, target probabilities and joint probabilities.</summary>
public static class Finaliser
{
    public static ForecastResult Summarise(SimulationModel model, TrialTable table, ulong seed)
    {
        var (targets, joint, indicators) = Statistics(model, table);
        var p = model.Parameters;
        var observed = p.CalibrationFacts.Select(f => new Observation(f.Id, Indicators.Id(f.Indicator), p.CalibrationYear, f.Observed)).ToList();
        return new ForecastResult(seed, table.Trials, Scenario(p), targets, joint, indicators, Drivers(model, table, seed), observed);
    }

    /// <summary>Every indicator's summary and percentiles, every target's and year's probability: the forecast without its drivers.</summary>
    public static (List<TargetResult> Targets, List<JointResult> Joint, List<IndicatorResult> Indicators) Statistics(SimulationModel model, TrialTable table)
    {
        var n = table.Trials;
        var scratch = new double[n];
        var indicators = new List<IndicatorResult>();
        for (var i = 0; i < Model.Indicators.Count; i++)
        {
            var indicator = (Indicator)i;
            for (var y = model.FirstYear; y <= model.LastYear; y++)
            {
                var series = table.Series(indicator, y);
                var summary = Summaries.Summarise(series, scratch, out var percentiles);
                indicators.Add(new IndicatorResult(Model.Indicators.Id(indicator), Model.Indicators.Unit(indicator), y, summary, percentiles));
            }
        }

        var targets = model.Targets.Select(t =>
        {
            var met = MetRule.Count(table.Series(t.Indicator, t.Year), t.Threshold);
            var (lo, hi) = Intervals.Wilson(met, n);
            return new TargetResult(t.Id, Model.Indicators.Id(t.Indicator), t.Year, t.Threshold, met, n, (double)met / n, lo, hi, t.Owner);
        }).ToList();

        var joint = new List<JointResult>();
        foreach (var group in model.Targets.GroupBy(t => t.Year).OrderBy(g => g.Key))
        {
            var met = MetRule.Count(MetRule.JointBits(table, group.ToArray()));
            var (lo, hi) = Intervals.Wilson(met, n);
            joint.Add(new JointResult(group.Key, group.Select(t => t.Id).ToList(), met, (double)met / n, lo, hi));
        }

        return (targets, joint, indicators);
    }

    /// <summary>The most trials drivers are estimated from.</summary>
    public const int DriverTrials = 200_000;

    /// <summary>
    /// Per target, the recorded inputs ranked by their first-order share of the variance of "met"
    /// (see <see cref="Sensitivity"/>): from the run's own trials, so it costs no simulation.
    /// </summary>
    private static List<TargetDrivers> Drivers(SimulationModel model, TrialTable table, ulong seed)
    {
        if (table.Inputs == 0 || table.Trials < 8)
        {
            return [];
        }

        // The first DriverTrials trials at most (trials are independent, so any prefix is a fair sample): bounded memory and time.
        var n = Math.Min(table.Trials, DriverTrials);
        var resamples = Sensitivity.Resamples(n, seed);
        var inputs = Sensitivity.Classify(n, model.RecordedInputIds, i => table.Input(i)[..n].ToArray());
        // Targets are independent and each is ranked the same way on any thread: in parallel, in order.
        return model.Targets.AsParallel().AsOrdered().Select(t =>
        {
            var met = new double[n];
            var series = table.Series(t.Indicator, t.Year)[..n];
            for (var k = 0; k < met.Length; k++)
            {
                met[k] = MetRule.IsMet(series[k], t.Threshold) ? 1 : 0;
            }

            return new TargetDrivers(t.Id, Sensitivity.Rank(met, inputs, resamples));
        }).ToList();
    }

    public static ScenarioInfo Scenario(Parameters p) =>
        new(p.ScenarioName, p.Levers.Select(l => (l.Id, p.LeverValues[l.Index])).ToList(),
            p.Levers.Where(l => p.LeverFrom[l.Index] != p.FirstPolicyYear).Select(l => (l.Id, p.LeverFrom[l.Index])).ToList());
}
