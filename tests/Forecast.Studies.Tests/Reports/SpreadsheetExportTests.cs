using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Reports.Spreadsheet;
using Forecast.Running;
using MiniExcelLibs;

namespace Forecast.Studies.Tests.Reports;

/// <summary>The workbook of a run folder, read back.</summary>
public sealed class SpreadsheetExportTests
{
    [Fact]
    public async Task The_workbook_reads_back_with_the_runs_targets_indicators_drivers_and_studies()
    {
        await using var engine = new LocalEngine();
        var dir = Directory.CreateTempSubdirectory("forecast-xlsx-").FullName;
        var plan = new RunPlan(3, 40, 40);
        var outcome = await ForecastStudy.Run(engine, new RunRequest(Seeds.Inputs(), plan), null, default);
        ResultFiles.WriteForecast(dir, outcome.Forecast);
        ResultFiles.WriteComparison(dir, await CompareStudy.Run(engine, Seeds.Inputs(), Seeds.Inputs("more-coaching"), plan, null, default));
        var file = Path.Combine(dir, "run.xlsx");

        SpreadsheetExport.Write(dir, file);

        Assert.Equal(["run", "targets", "indicators", "drivers", "compare"], MiniExcel.GetSheetNames(file));
        var run = MiniExcel.Query(file, useHeaderRow: true, sheetName: "run").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(3.0, Convert.ToDouble(run.Single(r => (string)r["field"] == "seed")["value"]));
        Assert.Equal("baseline", run.Single(r => (string)r["field"] == "scenario")["value"]);
        var targets = MiniExcel.Query(file, useHeaderRow: true, sheetName: "targets").Cast<IDictionary<string, object>>().ToList();
        foreach (var t in outcome.Forecast.Targets)
        {
            var row = targets.Single(r => (string)r["id"] == t.Id);
            Assert.Equal(t.Probability, Convert.ToDouble(row["probability"]), 12);
            Assert.Equal(t.Threshold, Convert.ToDouble(row["threshold"]), 12);
        }

        Assert.Contains(targets, r => (string)r["id"] == "all-2025");
        var indicators = MiniExcel.Query(file, useHeaderRow: true, sheetName: "indicators").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(outcome.Forecast.Indicators.Count, indicators.Count);
        Assert.All(indicators, r => Assert.False(string.IsNullOrEmpty(r["unit"] as string)));
        Assert.Equal(outcome.Forecast.Drivers.Sum(d => d.Inputs.Count), MiniExcel.Query(file, useHeaderRow: true, sheetName: "drivers").Count());
        Assert.False(File.Exists(Path.Combine(dir, $".run.xlsx.{Environment.ProcessId}.tmp.xlsx")));
    }

    [Fact]
    public void A_folder_without_a_forecast_is_refused_and_nothing_is_written()
    {
        var dir = Directory.CreateTempSubdirectory("forecast-xlsx-").FullName;
        var file = Path.Combine(dir, "run.xlsx");

        Assert.Contains("forecast.json", Assert.Throws<InputException>(() => SpreadsheetExport.Write(dir, file)).Message);
        Assert.False(File.Exists(file));
    }
}
