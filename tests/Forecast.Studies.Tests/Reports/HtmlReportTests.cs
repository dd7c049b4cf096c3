using System.Text.RegularExpressions;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Reports.Html;
using Forecast.Running;

namespace Forecast.Studies.Tests.Reports;

/// <summary>The HTML report of a run folder: every target and indicator, both languages, nothing fetched when viewed.</summary>
public sealed class HtmlReportTests
{
    private static async Task<string> RunFolder(bool withSensitivity)
    {
        await using var engine = new LocalEngine();
        var dir = Directory.CreateTempSubdirectory("forecast-report-").FullName;
        var plan = new RunPlan(3, 40, 40);
        var outcome = await ForecastStudy.Run(engine, new RunRequest(Seeds.Inputs(), plan), null, default);
        ResultFiles.WriteForecast(dir, outcome.Forecast);
        if (withSensitivity)
        {
            StudyFiles.WriteSensitivity(dir, await SensitivityStudy.Run(engine, Seeds.Inputs(), plan, ["coaching-coverage"], null, default));
        }

        return dir;
    }

    [Fact]
    public async Task Both_languages_show_every_target_and_indicator_with_their_own_labels()
    {
        var dir = await RunFolder(withSensitivity: false);
        var forecast = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "forecast.json")))!;
        var targetIds = forecast["targets"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();
        var indicatorIds = forecast["indicators"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Distinct().ToList();

        var zh = HtmlReport.Render(dir, "zh");
        var en = HtmlReport.Render(dir, "en");

        foreach (var html in new[] { zh, en })
        {
            Assert.All(targetIds, id => Assert.Contains($"data-target=\"{id}\"", html));
            Assert.All(indicatorIds, id => Assert.Contains($"<canvas id=\"fan-{id}\">", html));
            Assert.Equal(indicatorIds.Count, Regex.Matches(html, "<canvas ").Count);
            Assert.Contains("Chart.js v4", html); // inlined, not linked
            Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
            Assert.DoesNotContain("id=\"sensitivity\"", html);
        }

        Assert.Contains("<html lang=\"zh-CN\">", zh);
        Assert.Contains("目标完成概率", zh);
        Assert.Contains("新认定国家高新技术企业", zh);
        Assert.Contains("<html lang=\"en\">", en);
        Assert.Contains("Targets: probability of being met", en);
        Assert.DoesNotContain("目标完成概率", en);
    }

    [Fact]
    public async Task Owners_named_in_targets_yaml_reach_forecast_json_and_the_progress_grid_and_the_others_read_not_named()
    {
        var dir = await RunFolder(withSensitivity: false);
        var targets = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "forecast.json")))!["targets"]!.AsArray();
        var named = targets.Where(t => t!["owner"] is not null).Select(t => t!["id"]!.GetValue<string>()).ToList();
        var unnamed = targets.Where(t => t!["owner"] is null).Select(t => t!["id"]!.GetValue<string>()).ToList();

        // seeds/targets.yaml names the bureau for its own 2022 plan and no one for the 2025 announcement
        Assert.Equal(targets.Where(t => t!["year"]!.GetValue<int>() == 2022).Select(t => t!["id"]!.GetValue<string>()), named);
        Assert.All(unnamed, id => Assert.EndsWith("-2025", id));
        Assert.All(targets.Where(t => t!["owner"] is not null), t => Assert.StartsWith("区科技局", t!["owner"]!.GetValue<string>()));

        var en = HtmlReport.Render(dir, "en");
        var grid = en[en.IndexOf("id=\"grid\"", StringComparison.Ordinal)..en.IndexOf("id=\"fans\"", StringComparison.Ordinal)];
        Assert.Equal(named.Count, Regex.Matches(grid, "<td>区科技局").Count);
        Assert.Equal(unnamed.Count, Regex.Matches(grid, "<td>not named</td>").Count);
    }

    [Fact]
    public async Task A_traffic_light_follows_each_probability_and_a_study_in_the_folder_is_added()
    {
        var dir = await RunFolder(withSensitivity: true);
        var forecast = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "forecast.json")))!;

        var html = HtmlReport.Render(dir, "en");

        foreach (var t in forecast["targets"]!.AsArray())
        {
            var p = t!["probability"]!.GetValue<double>();
            var row = Regex.Match(html, $"<tr data-target=\"{t["id"]}\">.*?</tr>").Value;
            Assert.Contains($"class=\"light {HtmlReport.Status(p)}\"", row);
            Assert.Contains(p.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), row);
        }

        Assert.Equal(("green", "amber", "red"), (HtmlReport.Status(0.8), HtmlReport.Status(0.5), HtmlReport.Status(0.4999)));
        Assert.Contains("id=\"sensitivity\"", html);
        Assert.Contains("coaching-coverage", html);

        // The 2021 facts the calibration conditions on are in forecast.json and on their fans.
        var observed = forecast["observed"]!.AsArray();
        Assert.NotEmpty(observed);
        var data = System.Text.Json.Nodes.JsonNode.Parse(Regex.Match(html, "<script type=\"application/json\" id=\"fan-data\">(.*?)</script>").Groups[1].Value)!.AsArray();
        foreach (var o in observed)
        {
            Assert.Equal(2021, o!["year"]!.GetValue<int>());
            var fan = data.Single(f => f!["id"]!.GetValue<string>() == o["indicator"]!.GetValue<string>())!;
            Assert.Equal(o["value"]!.GetValue<double>(), fan["observed"]!["value"]!.GetValue<double>());
        }
    }

    [Fact]
    public void A_folder_without_a_forecast_or_an_unknown_language_is_refused_by_name()
    {
        var empty = Directory.CreateTempSubdirectory("forecast-report-").FullName;

        Assert.Contains("forecast.json", Assert.Throws<InputException>(() => HtmlReport.Render(empty, "en")).Message);
        Assert.Contains("no such folder", Assert.Throws<InputException>(() => HtmlReport.Render(Path.Combine(empty, "missing"), "en")).Message);
        Assert.Equal("--lang", Assert.Throws<InputException>(() => HtmlReport.Render(empty, "fr")).Field);
    }
}
