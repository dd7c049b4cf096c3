using System.Globalization;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Running;

/// <summary>A run that would not fit in this process's memory: refused before it starts, with the figure and the limit.</summary>
public sealed class RunTooLargeException(long needed, long limit, string detail)
    : Exception(string.Create(CultureInfo.InvariantCulture,
        $"this run needs about {RunMemory.Gib(needed)} ({detail}) and this process may use {RunMemory.Gib(limit)}: use fewer trials (or --precision to stop when the intervals are narrow enough), or a smaller --batch"))
{
    public long Needed { get; } = needed;

    public long Limit { get; } = limit;
}

/// <summary>
/// What a run holds at once, so one that cannot fit is refused up front instead of being killed by the
/// kernel part way: the per-trial table (every indicator by year and every recorded input, 8 bytes
/// each, held twice while it is finalised) and the agents' states of the batches in flight (8 bytes
/// per agent and trial, one batch per worker).
/// </summary>
public static class RunMemory
{
    /// <summary>The share of the process's available memory a run may plan to use.</summary>
    public const double Share = 0.8;

    public static (long Table, long States) Estimate(SimulationModel model, RunPlan plan, int workers)
    {
        var columns = (long)(model.Years * Indicators.Count) + model.RecordedInputIds.Length;
        var table = 2 * columns * plan.Trials * sizeof(double);
        var agents = (long)model.Population.Enterprises.Length + model.Population.Incubators.Length;
        var states = agents * Math.Min(plan.BatchSize, plan.Trials) * sizeof(long) * Math.Max(0, workers);
        return (table, states);
    }

    /// <summary>
    /// Throws <see cref="RunTooLargeException"/> when the run needs more than <see cref="Share"/> of <paramref name="available"/>
    /// bytes (default: what the GC may use here, which honours container and DOTNET_GCHeapHardLimit limits). <paramref name="workers"/>:
    /// batches stepped in this process at once (0 when the agents run elsewhere).
    /// </summary>
    public static void Check(SimulationModel model, RunPlan plan, int workers, long? available = null)
    {
        var limit = (long)(Share * (available ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes));
        var (table, states) = Estimate(model, plan, workers);
        if (table + states > limit)
        {
            throw new RunTooLargeException(table + states, limit,
                $"{Gib(table)} for the per-trial table of {plan.Trials:N0} trials, {Gib(states)} for the agents of {workers} batches of {plan.BatchSize:N0} in this process");
        }
    }

    internal static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0#} GiB");
}
