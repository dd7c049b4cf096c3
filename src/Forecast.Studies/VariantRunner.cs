using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;
using Forecast.Statistics;

namespace Forecast.Studies;

/// <summary>One target or a year's joint ("all-YEAR") as a study scores it: which trials met it.</summary>
public sealed record TargetOutcome(string Id, int Year, double Threshold, ulong[] Met, int Trials)
{
    public long Count => MetRule.Count(Met);

    public double Probability => (double)Count / Trials;

    public (double Lo, double Hi) Interval => Intervals.Wilson(Count, Trials);

    /// <summary>The paired difference <paramref name="other"/> - this, trial by trial.</summary>
    public PairedDifference PairedTo(TargetOutcome other) =>
        Intervals.Paired(MetRule.ZeroOne(Met, Trials), MetRule.ZeroOne(other.Met, other.Trials));
}

/// <summary>
/// What a study keeps of a run: every target's and every year's joint met-bits, and each trial's
/// policy cost (the mean over the years levers act, M yuan a year). Kept instead of the run's
/// table, so a study of many variants holds bits, not tables.
/// </summary>
public sealed record VariantOutcome(string Name, Parameters Parameters, IReadOnlyList<TargetOutcome> Targets, double[] Cost, CompletedRun? Run)
{
    public int Trials => Cost.Length;

    /// <summary>The mean yearly policy cost over the years levers act (M yuan a year).</summary>
    public double MeanCost => Cost.Average();

    public TargetOutcome Target(string id) => Targets.First(t => t.Id == id);

    public static VariantOutcome Of(string name, CompletedRun run, bool keepRun)
    {
        var (model, table) = (run.Model, run.Result.Table);
        var targets = model.Targets
            .Select(t => new TargetOutcome(t.Id, t.Year, t.Threshold, MetRule.Bits(table.Series(t.Indicator, t.Year), t.Threshold), table.Trials))
            .Concat(model.Targets.Select(t => t.Year).Distinct().Order().Select(y =>
                new TargetOutcome(JointId(y), y, double.NaN, MetRule.JointBits(table, model.Targets.Where(t => t.Year == y).ToList()), table.Trials)))
            .ToList();
        var p = model.Parameters;
        var cost = new double[table.Trials];
        var years = p.LastYear - p.FirstPolicyYear + 1;
        for (var y = p.FirstPolicyYear; y <= p.LastYear; y++)
        {
            var series = table.Series(Indicator.PolicyCost, y);
            for (var k = 0; k < cost.Length; k++)
            {
                cost[k] += series[k] / years;
            }
        }

        return new VariantOutcome(name, p, targets, cost, keepRun ? run : null);
    }

    /// <summary>The id of a year's joint target: every target of that year met in the same trial.</summary>
    public static string JointId(int year) => $"all-{year}";
}

/// <summary>
/// Runs a study's variants on one engine under one plan (so trial k of every variant draws the same
/// numbers: common random numbers), one after another, each variant once: asking again for a variant
/// that computes the same (same scenario text but for its name) returns the first answer.
/// </summary>
public sealed class VariantRunner(IForecastEngine engine, RunPlan plan, IProgress<StudyProgress>? progress, CancellationToken cancellation)
{
    private readonly Dictionary<string, VariantOutcome> _done = new(StringComparer.Ordinal);

    public RunPlan Plan { get; } = plan.Adaptive
        ? throw new ArgumentException("a study compares variants trial by trial: it needs a fixed number of trials, not a precision", nameof(plan))
        : plan;

    /// <summary>How many runs the study expects in all (for the progress bar); a study may raise it as it learns.</summary>
    public int Expected { get; set; } = 1;

    /// <summary>Runs actually made (variants answered from earlier runs are not counted).</summary>
    public int Runs { get; private set; }

    public async Task<VariantOutcome> Run(ModelInputs inputs, string name, bool keepRun = false)
    {
        var key = Variants.Key(inputs);
        if (_done.TryGetValue(key, out var known) && (known.Run is not null || !keepRun))
        {
            return known with { Name = name };
        }

        // Read and checked before it runs: a bad variant names its file and field, nothing is submitted.
        SimulationModel.Build(inputs);
        Expected = Math.Max(Expected, Runs + 1);
        var id = await engine.Runs.Submit(new RunRequest(inputs, Plan), cancellation);
        var run = await engine.Runs.Wait(id, StudyProgress.Of(progress, name, Runs, Expected), cancellation);
        Runs++;
        var outcome = VariantOutcome.Of(name, run, keepRun);
        _done[key] = outcome;
        return outcome;
    }
}
