using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forecast.Inputs;

namespace Forecast.Reports.Html;

/// <summary>
/// One self-contained HTML file of a run folder: reads the folder's result files (forecast.json, and
/// sensitivity.json, compare.json and seek.json where present), so it works on any run's output.
/// Labels come from labels-{lang}.json (ids stay the same in every language); the charts are drawn
/// by Chart.js, vendored from npm and inlined, so nothing is fetched when the page is viewed.
/// </summary>
public static class HtmlReport
{
    public static readonly string[] Languages = ["zh", "en"];

    /// <summary>The lights: green at P >= 0.8, amber at 0.5 <= P < 0.8, red below.</summary>
    public const double Green = 0.8, Amber = 0.5;

    public static string Status(double p) => p >= Green ? "green" : p >= Amber ? "amber" : "red";

    public static string Render(string runDir, string lang)
    {
        if (!Languages.Contains(lang))
        {
            throw new InputException("command line", "--lang", null, $"'{lang}' is not a language of the report; use {string.Join(" or ", Languages)}");
        }

        var forecast = RunFolder.Read(runDir, ResultFiles.ForecastFile)
            ?? throw new InputException(runDir, null, null, $"no {ResultFiles.ForecastFile} here: give the --out folder of a `forecast run` (or of a study)");
        var files = new List<string> { ResultFiles.ForecastFile };
        var sensitivity = Optional(runDir, "sensitivity.json", files);
        var compare = Optional(runDir, ResultFiles.CompareFile, files);
        var seek = Optional(runDir, "seek.json", files);
        var l = Labels(lang);
        string T(string key) => l[key]?.GetValue<string>() ?? key;
        string Ind(string id) => l["indicators"]?[id]?.GetValue<string>() ?? id;
        string Unit(string unit) => l["unit"]?[unit]?.GetValue<string>() ?? unit;

        var html = new StringBuilder();
        var scenario = forecast["scenario"]!["name"]!.GetValue<string>();
        html.Append($"<!DOCTYPE html>\n<html lang=\"{T("lang")}\">\n<head>\n<meta charset=\"utf-8\">\n<link rel=\"icon\" href=\"data:,\">\n<title>{E(T("title"))}: {E(scenario)}</title>\n");
        html.Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append($"<h1>{E(T("title"))}</h1>\n<p class=\"meta\">{E(T("scenario"))}: <b>{E(scenario)}</b> · {E(T("seed"))} {forecast["seed"]} · {N(forecast["trials"]!.GetValue<double>())} {E(T("trials"))}. {E(T("made-as-of"))}</p>\n");

        // Targets with their lights.
        var targets = forecast["targets"]!.AsArray().Select(t => t!.AsObject()).ToList();
        html.Append($"<section id=\"targets\"><h2>{E(T("targets"))}</h2>\n<table><thead><tr><th>{E(T("target"))}</th><th>{E(T("indicator"))}</th><th>{E(T("year"))}</th><th>{E(T("threshold"))}</th><th>{E(T("probability"))}</th><th>{E(T("interval"))}</th><th>{E(T("status"))}</th></tr></thead><tbody>\n");
        foreach (var t in targets)
        {
            var p = D(t["probability"]);
            var status = Status(p);
            html.Append($"<tr data-target=\"{E(S(t["id"]))}\"><td>{E(S(t["id"]))}</td><td>{E(Ind(S(t["indicator"])))}</td><td>{t["year"]}</td><td class=\"num\">{N(D(t["threshold"]))}</td>")
                .Append($"<td class=\"num p\">{P(p)}</td><td class=\"num\">[{P(D(t["ci95"]![0]))}, {P(D(t["ci95"]![1]))}]</td>")
                .Append($"<td><span class=\"light {status}\" title=\"{E(T($"status-{status}"))}\"></span> {E(T($"status-{status}"))}</td></tr>\n");
        }

        html.Append($"</tbody></table>\n<p class=\"note\">{E(T("interval-note"))}</p>\n");

        // Joint probabilities.
        html.Append($"<h3>{E(T("joint"))}</h3>\n<table><tbody>\n");
        foreach (var j in forecast["joint"]!.AsArray())
        {
            var p = D(j!["probability"]);
            html.Append($"<tr data-joint=\"{j["year"]}\"><td>{E(T("joint-row").Replace("{year}", j["year"]!.ToString(), StringComparison.Ordinal))}</td><td class=\"num p\">{P(p)}</td>")
                .Append($"<td class=\"num\">[{P(D(j["ci95"]![0]))}, {P(D(j["ci95"]![1]))}]</td><td><span class=\"light {Status(p)}\"></span></td></tr>\n");
        }

        html.Append("</tbody></table></section>\n");

        // The progress grid: targets by year, each cell the light of the target due that year.
        var years = forecast["indicators"]!.AsArray().Select(i => i!["year"]!.GetValue<int>()).Where(y => y > targets.Min(t => t["year"]!.GetValue<int>()) - 1).Distinct().Order().ToList();
        html.Append($"<section id=\"grid\"><h2>{E(T("grid"))}</h2>\n<table class=\"grid\"><thead><tr><th>{E(T("target"))}</th><th>{E(T("owner"))}</th>");
        foreach (var y in years)
        {
            html.Append($"<th>{y}</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (var t in targets)
        {
            html.Append($"<tr><td>{E(Ind(S(t["indicator"])))}</td><td>{E(t["owner"] is { } o ? S(o) : T("owner-none"))}</td>");
            foreach (var y in years)
            {
                html.Append(t["year"]!.GetValue<int>() == y
                    ? $"<td class=\"cell {Status(D(t["probability"]))}\">{P(D(t["probability"]))}</td>"
                    : "<td></td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></section>\n");

        // Fan charts: one canvas per indicator, drawn from the data block below.
        var chartData = FanData(forecast);
        html.Append($"<section id=\"fans\"><h2>{E(T("fans"))}</h2>\n<div class=\"fans\">\n");
        foreach (var f in chartData)
        {
            var id = S(f!["id"]);
            html.Append($"<figure data-indicator=\"{E(id)}\"><figcaption>{E(Ind(id))} ({E(Unit(S(f["unit"])))})</figcaption><canvas id=\"fan-{E(id)}\"></canvas></figure>\n");
        }

        html.Append("</div></section>\n");

        // Drivers.
        var drivers = forecast["drivers"]!.AsArray().Where(d => d!["inputs"]!.AsArray().Count > 0).ToList();
        if (drivers.Count > 0)
        {
            html.Append($"<section id=\"drivers\"><h2>{E(T("drivers"))}</h2>\n<table><thead><tr><th>{E(T("target"))}</th><th>1</th><th>2</th><th>3</th></tr></thead><tbody>\n");
            foreach (var d in drivers)
            {
                html.Append($"<tr><td>{E(S(d!["target"]))}</td>");
                foreach (var x in d["inputs"]!.AsArray().Take(3))
                {
                    html.Append($"<td>{E(S(x!["id"]))} {P2(D(x["share"]))} [{P2(D(x["ci90"]![0]))}, {P2(D(x["ci90"]![1]))}]</td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</tbody></table></section>\n");
        }

        if (sensitivity is not null)
        {
            AppendSensitivity(html, sensitivity, T);
        }

        if (compare is not null)
        {
            html.Append($"<section id=\"compare\"><h2>{E(T("compare"))}: {E(S(compare["other"]!["name"]))} / {E(S(compare["base"]!["name"]))}</h2>\n<table><thead><tr><th>{E(T("target"))}</th><th>{E(T("base"))}</th><th>{E(T("what-if"))}</th><th>{E(T("difference"))}</th><th>{E(T("interval"))}</th></tr></thead><tbody>\n");
            foreach (var t in compare["targets"]!.AsArray().Concat(compare["joint"]!.AsArray()))
            {
                html.Append($"<tr><td>{E(S(t!["id"]))}</td><td class=\"num\">{P(D(t["base-probability"]))}</td><td class=\"num\">{P(D(t["other-probability"]))}</td>")
                    .Append($"<td class=\"num\">{Signed(D(t["difference"]))}</td><td class=\"num\">[{Signed(D(t["ci95"]![0]))}, {Signed(D(t["ci95"]![1]))}]</td></tr>\n");
            }

            html.Append("</tbody></table></section>\n");
        }

        if (seek is not null)
        {
            var levers = string.Join(", ", seek["levers"]!.AsObject().Select(x => $"{x.Key} = {N(D(x.Value))}"));
            html.Append($"<section id=\"seek\"><h2>{E(T("seek"))}</h2>\n<table><tbody>")
                .Append($"<tr><th>{E(T("target"))}</th><td>{E(S(seek["target"]))}</td></tr><tr><th>{E(T("goal"))}</th><td>P &ge; {P(D(seek["goal"]))}</td></tr>")
                .Append($"<tr><th>{E(T("answer"))}</th><td>{E(levers)}</td></tr><tr><th>{E(T("probability"))}</th><td>{P(D(seek["probability"]))} [{P(D(seek["ci95"]![0]))}, {P(D(seek["ci95"]![1]))}] ({E(seek["reached"]!.GetValue<bool>() ? T("reached") : T("not-reached"))})</td></tr>")
                .Append($"<tr><th>{E(T("cost"))}</th><td>{N(D(seek["cost"]))}</td></tr></tbody></table>\n<p class=\"note\">{E(S(seek["explanation"]))}</p></section>\n");
        }

        html.Append($"<footer>{E(T("footer").Replace("{files}", string.Join(", ", files), StringComparison.Ordinal))} Chart.js {ChartJsVersion} (MIT).</footer>\n");
        var labels = new JsonObject
        {
            ["outer"] = T("band-outer"), ["inner"] = T("band-inner"), ["median"] = T("median"), ["target"] = T("target-line"), ["observed"] = T("observed"),
        };
        html.Append("<script type=\"application/json\" id=\"fan-data\">").Append(ScriptSafe(chartData.ToJsonString())).Append("</script>\n");
        html.Append("<script type=\"application/json\" id=\"labels\">").Append(ScriptSafe(labels.ToJsonString())).Append("</script>\n");
        html.Append("<script>").Append(ScriptSafe(Resource("vendor/chart.umd.min.js"))).Append("</script>\n");
        html.Append("<script>").Append(ScriptSafe(Resource("fans.js"))).Append("</script>\n");
        html.Append("<script>document.body.setAttribute('data-charts', String(drawFans(JSON.parse(document.getElementById('fan-data').textContent), JSON.parse(document.getElementById('labels').textContent), 'fan-')));</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Each indicator's fan from forecast.json: years, P5/P25/P50/P75/P95, its target (if any) and its 2021 observation (if any).</summary>
    public static JsonArray FanData(JsonNode forecast)
    {
        var targets = forecast["targets"]!.AsArray();
        var chartData = new JsonArray();
        foreach (var g in forecast["indicators"]!.AsArray().Select(i => i!.AsObject()).GroupBy(i => S(i["id"])))
        {
            var rows = g.OrderBy(i => i["year"]!.GetValue<int>()).ToList();
            var target = targets.FirstOrDefault(t => S(t!["indicator"]) == g.Key);
            var observed = (forecast["observed"] as JsonArray)?.FirstOrDefault(o => S(o!["indicator"]) == g.Key);
            chartData.Add(new JsonObject
            {
                ["id"] = g.Key,
                ["unit"] = S(rows[0]["unit"]),
                ["years"] = new JsonArray(rows.Select(r => (JsonNode)JsonValue.Create(r["year"]!.GetValue<int>())).ToArray()),
                ["p5"] = Series(rows, "p5"),
                ["p25"] = Series(rows, "p25"),
                ["p50"] = Series(rows, "p50"),
                ["p75"] = Series(rows, "p75"),
                ["p95"] = Series(rows, "p95"),
                ["target"] = target is null ? null : new JsonObject { ["year"] = target["year"]!.GetValue<int>(), ["value"] = D(target["threshold"]) },
                ["observed"] = observed is null ? null : new JsonObject { ["year"] = observed["year"]!.GetValue<int>(), ["value"] = D(observed["value"]) },
            });
        }

        return chartData;
    }

    /// <summary>A script or label file the report inlines (chart.umd.min.js, fans.js, labels-LANG.json), for other pages to serve.</summary>
    public static string Asset(string name) => Resource(name);

    private static void AppendSensitivity(StringBuilder html, JsonNode s, Func<string, string> T)
    {
        var rows = s["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        html.Append($"<section id=\"sensitivity\"><h2>{E(T("sensitivity"))}</h2>\n");
        foreach (var target in rows.Select(r => S(r["target"])).Distinct())
        {
            var byLever = rows.Where(r => S(r["target"]) == target).GroupBy(r => S(r["lever"]))
                .Select(g => (Lever: g.Key, Low: g.Single(r => S(r["end"]) == "low"), High: g.Single(r => S(r["end"]) == "high")))
                .OrderByDescending(x => Math.Max(Math.Abs(D(x.Low["delta"])), Math.Abs(D(x.High["delta"])))).ThenBy(x => x.Lever, StringComparer.Ordinal).ToList();
            html.Append($"<h3>{E(target)}</h3><table class=\"tornado\"><thead><tr><th>{E(T("lever"))}</th><th>{E(T("low-end"))}</th><th>{E(T("change"))}</th><th>{E(T("cost-change"))}</th><th>{E(T("high-end"))}</th><th>{E(T("change"))}</th><th>{E(T("cost-change"))}</th></tr></thead><tbody>\n");
            foreach (var (lever, low, high) in byLever)
            {
                html.Append($"<tr><td>{E(lever)}</td><td class=\"num\">{N(D(low["value"]))}</td><td class=\"num\">{Signed(D(low["delta"]))} [{Signed(D(low["ci95"]![0]))}, {Signed(D(low["ci95"]![1]))}]</td><td class=\"num\">{N(D(low["cost_delta"]))}</td>")
                    .Append($"<td class=\"num\">{N(D(high["value"]))}</td><td class=\"num\">{Signed(D(high["delta"]))} [{Signed(D(high["ci95"]![0]))}, {Signed(D(high["ci95"]![1]))}]</td><td class=\"num\">{N(D(high["cost_delta"]))}</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        html.Append("</section>\n");
    }

    private static JsonObject? Optional(string dir, string name, List<string> files)
    {
        var node = RunFolder.Read(dir, name);
        if (node is not null)
        {
            files.Add(name);
        }

        return node;
    }

    private static JsonObject Labels(string lang) => (JsonObject)JsonNode.Parse(Resource($"labels-{lang}.json"))!;

    private static string Resource(string name)
    {
        using var stream = typeof(HtmlReport).Assembly.GetManifestResourceStream($"html/{name}")
            ?? throw new InvalidOperationException($"resource html/{name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static readonly string ChartJsVersion =
        System.Text.RegularExpressions.Regex.Match(Resource("vendor/chart.umd.min.js"), @"Chart\.js v([0-9.]+)").Groups[1].Value;

    private static JsonArray Series(List<JsonObject> rows, string field) =>
        new(rows.Select(r => (JsonNode?)JsonValue.Create(D(r[field]))).ToArray());

    private static string ScriptSafe(string s) => s.Replace("</", "<\\/", StringComparison.Ordinal);

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string S(JsonNode? n) => n?.GetValue<string>() ?? "";

    private static double D(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>();

    private static string P(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "–";

    private static string P2(double v) => double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "–";

    private static string N(double v) => double.IsFinite(v) ? v.ToString("#,0.###", CultureInfo.InvariantCulture) : "–";

    private static string Signed(double v) => double.IsFinite(v) ? v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "–";

    private const string Css = """
        body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; margin: 2em; color: #222; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; } h3 { font-size: 1em; }
        table { border-collapse: collapse; margin: 0.5em 0; } th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; } .meta, .note, footer { color: #555; font-size: 0.9em; }
        .light { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%; vertical-align: middle; }
        .light.green, .cell.green { background: #2e9e44; } .light.amber, .cell.amber { background: #f0a800; } .light.red, .cell.red { background: #d43d2a; }
        .cell { color: #fff; text-align: center; font-weight: bold; }
        .fans { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1em; }
        figure { margin: 0; break-inside: avoid; } figcaption { font-size: 0.9em; font-weight: bold; }
        @media print { body { margin: 1cm; } section { break-inside: avoid-page; } .fans { grid-template-columns: 1fr 1fr; } }
        """;
}
