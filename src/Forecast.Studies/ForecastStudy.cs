using Forecast.Engines;

namespace Forecast.Studies;

/// <summary>A forecast: one run finalised into target probabilities, joint probabilities and indicator summaries.</summary>
public sealed record ForecastOutcome(CompletedRun Run, ForecastResult Forecast);

/// <summary>Today's question: how likely is each target to be met under this scenario.</summary>
public static class ForecastStudy
{
    /// <summary>Submits the run and waits for it.</summary>
    public static async Task<ForecastOutcome> Run(IForecastEngine engine, RunRequest request, IProgress<StudyProgress>? progress,
        CancellationToken cancellation) =>
        await Wait(engine, await engine.Runs.Submit(request, cancellation), progress, cancellation);

    /// <summary>Waits for a submitted run (perhaps submitted by another process) and finalises it.</summary>
    public static async Task<ForecastOutcome> Wait(IForecastEngine engine, Guid runId, IProgress<StudyProgress>? progress,
        CancellationToken cancellation) =>
        Finalise(await engine.Runs.Wait(runId, StudyProgress.Of(progress, runId.ToString("D"), 0, 1), cancellation));

    public static ForecastOutcome Finalise(CompletedRun run) =>
        new(run, Finaliser.Summarise(run.Model, run.Result.Table, run.Request.Plan.Seed));
}
