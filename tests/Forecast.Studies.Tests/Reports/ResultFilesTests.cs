using System.Text.Json;
using Forecast.Engines;
using Forecast.Reports;
using Forecast.Running;

namespace Forecast.Studies.Tests.Reports;

public sealed class ResultFilesTests
{
    private static async Task<ForecastOutcome> Forecast(RunPlan plan)
    {
        await using var engine = new LocalEngine();
        return await ForecastStudy.Run(engine, new RunRequest(Seeds.Inputs(), plan), null, default);
    }

    [Fact]
    public async Task Forecast_json_holds_results_only_in_a_fixed_order()
    {
        var outcome = await Forecast(new RunPlan(2, 30, 30));

        var json = ResultFiles.ForecastJson(outcome.Forecast);

        Assert.Equal(json, ResultFiles.ForecastJson(ForecastStudy.Finalise(outcome.Run).Forecast)); // the same bytes again
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(["seed", "trials", "scenario", "quantile-definition", "targets", "joint", "indicators", "observed", "drivers-method", "drivers"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain(outcome.Run.RunId.ToString("D"), json);
        Assert.EndsWith("\n", json);
    }

    [Fact]
    public async Task Run_json_says_what_stopped_an_adaptive_run_and_leaves_it_out_of_a_fixed_one()
    {
        var adaptive = await Forecast(new RunPlan(4, 150, 100, 0.001));
        var fixedRun = await Forecast(new RunPlan(4, 50, 50));

        var a = RunInfo.Of(adaptive.Run, TimeSpan.FromSeconds(1.5));
        var f = RunInfo.Of(fixedRun.Run, TimeSpan.Zero);

        Assert.Equal(("150", "max-trials", "150", "0.001"), (a["trials"], a["stopped-by"], a["max-trials"], a["precision"]));
        Assert.Equal("1.500", a["wall-seconds"]);
        Assert.Equal("local (no Orleans)", a["engine"]);
        Assert.False(f.ContainsKey("stopped-by"));
        Assert.False(f.ContainsKey("shards")); // no shards without Orleans
        Assert.Equal(f.Keys.Order(StringComparer.Ordinal), f.Keys);
    }

    [Fact]
    public void A_folder_that_cannot_be_written_is_refused_and_nothing_is_left_behind()
    {
        var dir = Path.Combine(Path.GetTempPath(), "forecast-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "not a folder");

        var error = Assert.Throws<OutputFolderException>(() => OutputFolder.EnsureWritable(Path.Combine(blocker, "out")));
        Assert.Equal(Path.Combine(blocker, "out"), error.Folder);
        Assert.Throws<OutputFolderException>(() => OutputFolder.Commit(Path.Combine(blocker, "out"), new Dictionary<string, string> { ["a.txt"] = "a" }));
        Assert.Equal(["file"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
