using System.Text.Json.Nodes;
using Forecast.Inputs;
using Forecast.Reports.Html;
using MiniExcel = MiniExcelLibs.MiniExcel;

namespace Forecast.Reports.Spreadsheet;

/// <summary>
/// A run folder as one .xlsx workbook (MiniExcel): a sheet saying which run it is (seed, trials,
/// scenario, levers), targets, indicators by year with units, drivers, and the folder's studies
/// (sensitivity, compare, seek) where present. Numbers stay numbers; ids stay as in the JSON files.
/// </summary>
public static class SpreadsheetExport
{
    public static IReadOnlyList<string> Sheets(string runDir) => Build(runDir).Keys.ToList();

    /// <summary>Writes the workbook to <paramref name="file"/> (via a temporary file in its folder, so a failure leaves no half-written workbook).</summary>
    public static void Write(string runDir, string file)
    {
        var sheets = Build(runDir);
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        OutputFolder.EnsureWritable(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(file)}.{Environment.ProcessId}.tmp.xlsx");
        try
        {
            Directory.CreateDirectory(folder);
            MiniExcel.SaveAs(temp, sheets.ToDictionary(s => s.Key, s => (object)s.Value), overwriteFile: true);
            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new OutputFolderException(folder, $"cannot write the workbook ({e.Message})");
        }
    }

    private static Dictionary<string, List<Dictionary<string, object?>>> Build(string runDir)
    {
        var forecast = RunFolder.Read(runDir, ResultFiles.ForecastFile)
            ?? throw new InputException(runDir, null, null, $"no {ResultFiles.ForecastFile} here: give the --out folder of a `forecast run` (or of a study)");
        var sheets = new Dictionary<string, List<Dictionary<string, object?>>>(StringComparer.Ordinal);
        var scenario = forecast["scenario"]!.AsObject();
        var run = new List<Dictionary<string, object?>>
        {
            Row(("field", "seed"), ("value", forecast["seed"]!.GetValue<double>())),
            Row(("field", "trials"), ("value", forecast["trials"]!.GetValue<double>())),
            Row(("field", "scenario"), ("value", scenario["name"]!.GetValue<string>())),
            Row(("field", "quantile-definition"), ("value", forecast["quantile-definition"]!.GetValue<string>())),
        };
        run.AddRange(scenario["levers"]!.AsObject().Select(l => Row(("field", $"lever {l.Key}"), ("value", l.Value!.GetValue<double>()))));
        sheets["run"] = run;
        sheets["targets"] = forecast["targets"]!.AsArray().Select(t => Row(
            ("id", S(t!["id"])), ("indicator", S(t["indicator"])), ("year", D(t["year"])), ("threshold", D(t["threshold"])),
            ("probability", D(t["probability"])), ("ci95_lo", D(t["ci95"]![0])), ("ci95_hi", D(t["ci95"]![1])), ("met_trials", D(t["met"])),
            ("status", HtmlReport.Status(D(t["probability"]))), ("owner", t["owner"] is { } o ? S(o) : null))).Concat(forecast["joint"]!.AsArray().Select(j => Row(
            ("id", $"all-{j!["year"]}"), ("indicator", "joint"), ("year", D(j["year"])), ("threshold", null),
            ("probability", D(j["probability"])), ("ci95_lo", D(j["ci95"]![0])), ("ci95_hi", D(j["ci95"]![1])), ("met_trials", null),
            ("status", HtmlReport.Status(D(j["probability"]))), ("owner", null)))).ToList();
        sheets["indicators"] = forecast["indicators"]!.AsArray().Select(i => Row(
            ("id", S(i!["id"])), ("unit", S(i["unit"])), ("year", D(i["year"])), ("mean", D(i["mean"])), ("sd", D(i["sd"])),
            ("p5", D(i["p5"])), ("p25", D(i["p25"])), ("p50", D(i["p50"])), ("p75", D(i["p75"])), ("p95", D(i["p95"])))).ToList();
        sheets["drivers"] = forecast["drivers"]!.AsArray().SelectMany(d => d!["inputs"]!.AsArray().Select((x, k) => Row(
            ("target", S(d["target"])), ("rank", (double)(k + 1)), ("input", S(x!["id"])), ("share", D(x["share"])),
            ("ci90_lo", D(x["ci90"]![0])), ("ci90_hi", D(x["ci90"]![1]))))).ToList();
        if (RunFolder.Read(runDir, "sensitivity.json") is { } sensitivity)
        {
            sheets["sensitivity"] = sensitivity["rows"]!.AsArray().Select(r => Row(
                ("lever", S(r!["lever"])), ("end", S(r["end"])), ("value", D(r["value"])), ("target", S(r["target"])), ("year", D(r["year"])),
                ("base_probability", D(r["base-probability"])), ("probability", D(r["probability"])), ("delta", D(r["delta"])),
                ("ci95_lo", D(r["ci95"]![0])), ("ci95_hi", D(r["ci95"]![1])), ("cost_delta_m_yuan_a_year", D(r["cost_delta"])))).ToList();
        }

        if (RunFolder.Read(runDir, ResultFiles.CompareFile) is { } compare)
        {
            sheets["compare"] = compare["targets"]!.AsArray().Concat(compare["joint"]!.AsArray()).Select(t => Row(
                ("id", S(t!["id"])), ("year", D(t["year"])), ("base_probability", D(t["base-probability"])), ("other_probability", D(t["other-probability"])),
                ("difference", D(t["difference"])), ("ci95_lo", D(t["ci95"]![0])), ("ci95_hi", D(t["ci95"]![1])))).ToList();
        }

        if (RunFolder.Read(runDir, "seek.json") is { } seek)
        {
            var rows = new List<Dictionary<string, object?>>
            {
                Row(("field", "target"), ("value", S(seek["target"]))),
                Row(("field", "goal"), ("value", D(seek["goal"]))),
                Row(("field", "reached"), ("value", seek["reached"]!.GetValue<bool>() ? "yes" : "no")),
                Row(("field", "probability"), ("value", D(seek["probability"]))),
                Row(("field", "cost_m_yuan_a_year"), ("value", D(seek["cost"]))),
            };
            rows.AddRange(seek["levers"]!.AsObject().Select(l => Row(("field", $"lever {l.Key}"), ("value", l.Value!.GetValue<double>()))));
            sheets["seek"] = rows;
        }

        return sheets;
    }

    private static Dictionary<string, object?> Row(params (string Key, object? Value)[] cells) =>
        cells.ToDictionary(c => c.Key, c => c.Value is double d && !double.IsFinite(d) ? null : c.Value);

    private static string S(JsonNode? n) => n?.GetValue<string>() ?? "";

    private static double D(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>();
}
