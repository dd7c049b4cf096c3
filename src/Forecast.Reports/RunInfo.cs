using System.Globalization;
using Forecast.Engines;
using Forecast.Running;

namespace Forecast.Reports;

/// <summary>
/// run.json: how a run was made (engine, host, times, batch, shards, what stopped it), kept apart
/// from the results so forecast.json stays the same bytes on any engine, machine or day.
/// </summary>
public static class RunInfo
{
    public const string File = "run.json";

    /// <summary>The run's metadata, keys in ordinal order as written.</summary>
    public static SortedDictionary<string, string> Of(CompletedRun run, TimeSpan wall)
    {
        var plan = run.Request.Plan;
        var result = run.Result;
        var info = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["run-id"] = run.RunId.ToString("D"),
            ["engine"] = run.Execution.Engine,
            ["host"] = Environment.MachineName,
            ["processors"] = I(Environment.ProcessorCount),
            ["finished-utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["wall-seconds"] = wall.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
            ["scenario-file"] = run.Request.Inputs.ScenarioName,
            ["seed"] = plan.Seed.ToString(CultureInfo.InvariantCulture),
            ["batch"] = I(plan.BatchSize),
            ["trials"] = I(result.Table.Trials),
        };
        if (run.Execution.Shards is { } shards)
        {
            info["shards"] = I(shards);
        }

        if (run.Execution.SiloAggregation is { } pooled)
        {
            info["silo-aggregation"] = pooled ? "true" : "false";
        }

        if (plan.Precision is { } precision)
        {
            info["precision"] = precision.ToString("R", CultureInfo.InvariantCulture);
            info["max-trials"] = I(plan.Trials);
            info["widest-half-width"] = result.WidestHalfWidth!.Value.ToString("R", CultureInfo.InvariantCulture);
            info["stopped-by"] = result.StoppedBy == StopReason.Precision ? "precision" : "max-trials";
        }

        return info;
    }

    public static IReadOnlyList<string> Write(string dir, CompletedRun run, TimeSpan wall) =>
        OutputFolder.Commit(dir, new Dictionary<string, string> { [File] = Json(Of(run, wall)) });

    private static string Json(SortedDictionary<string, string> info) => ResultFiles.Json(w =>
    {
        w.WriteStartObject();
        foreach (var (k, v) in info)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    });

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
