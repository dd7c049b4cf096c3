using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;

namespace Forecast.Studies;

/// <summary>A what-if: the same plan run on two scenarios, so trial k of both draws the same numbers (common random numbers).</summary>
public static class CompareStudy
{
    public static async Task<ComparisonResult> Run(IForecastEngine engine, ModelInputs baseline, ModelInputs other, RunPlan plan,
        IProgress<StudyProgress>? progress, CancellationToken cancellation)
    {
        if (plan.Adaptive)
        {
            throw new ArgumentException("a paired comparison needs the same fixed number of trials on both sides, not a precision", nameof(plan));
        }

        // Both scenarios are read before anything runs, so a bad second file costs no first run.
        var names = new[] { ParametersLoader.Load(baseline).ScenarioName, ParametersLoader.Load(other).ScenarioName };
        var runs = new CompletedRun[2];
        ModelInputs[] inputs = [baseline, other];
        for (var i = 0; i < 2; i++)
        {
            runs[i] = await engine.Runs.Wait(await engine.Runs.Submit(new RunRequest(inputs[i], plan), cancellation),
                StudyProgress.Of(progress, names[i], i, 2), cancellation);
        }

        return ComparisonResult.Compare(runs[0].Model, runs[0].Result.Table, runs[1].Model, runs[1].Result.Table, plan.Seed);
    }
}
