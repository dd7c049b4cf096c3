using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;
using Forecast.Statistics;

namespace Forecast.Studies;

/// <summary>A box chosen from the trajectory (the densest whose coverage is at least <see cref="MinCoverage"/>), and that box pruned to its significant limits.</summary>
public sealed record RiskBox(double MinCoverage, PrimBox Box, PrimBox Pruned);

public sealed record RiskResult(ulong Seed, int Trials, string Scenario, string Target, double MissRate, int Missed,
    IReadOnlyList<PrimBox> Trajectory, IReadOnlyList<RiskBox> Boxes, double Alpha, double MinMass)
{
    public const string Method =
        "PRIM peeling (Friedman and Fisher 1999) over the uncertain inputs each trial drew, cases = trials that miss the target; "
        + "chosen boxes pruned to the limits whose quasi-p-value (one-sided binomial, as in the EMA Workbench) is below 0.05";
}

/// <summary>
/// Risk discovery from one run: every trial is one world with its own draws of the uncertain inputs,
/// so the regions of those inputs where the target is most often missed are found by PRIM over the
/// trials (scenario discovery, as the EMA Workbench does it). Boxes are reported at coverage 0.8,
/// 0.5 and 0.2: the densest box on the trajectory that still holds that share of the misses.
/// </summary>
public static class RiskStudy
{
    public static readonly double[] Coverages = [0.8, 0.5, 0.2];

    public static async Task<RiskResult> Run(IForecastEngine engine, ModelInputs inputs, RunPlan plan, string target,
        IProgress<StudyProgress>? progress, CancellationToken cancellation)
    {
        var p = ParametersLoader.Load(inputs);
        SeekStudy.CheckTarget(p, target);
        var runner = new VariantRunner(engine, plan, progress, cancellation);
        var run = await runner.Run(inputs, p.ScenarioName, keepRun: true);
        return Discover(run, target, plan.Seed);
    }

    public static RiskResult Discover(VariantOutcome outcome, string target, ulong seed, double alpha = Prim.DefaultAlpha, double minMass = Prim.DefaultMinMass)
    {
        var (model, table) = (outcome.Run!.Model, outcome.Run.Result.Table);
        var t = outcome.Target(target);
        var missed = MetRule.ZeroOne(t.Met, t.Trials).Select(v => v == 0).ToArray();
        var x = Enumerable.Range(0, model.RecordedInputIds.Length).Select(i => table.Input(i).ToArray()).ToList();
        var trajectory = Prim.Peel(model.RecordedInputIds, x, missed, alpha, minMass);
        var boxes = Coverages
            .Select(c => trajectory.Where(b => b.Coverage >= c).OrderByDescending(b => b.Density).ThenBy(b => b.Step).FirstOrDefault() is { } b ? new RiskBox(c, b, Prim.Pruned(b, model.RecordedInputIds, x, missed)) : null)
            .OfType<RiskBox>().ToList();
        var count = missed.Count(m => m);
        return new RiskResult(seed, t.Trials, outcome.Parameters.ScenarioName, target, (double)count / t.Trials, count, trajectory, boxes, alpha, minMass);
    }
}
