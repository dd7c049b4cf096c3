using System.Globalization;
using System.Text.Json.Nodes;
using Forecast.Hosting;
using Forecast.Reports;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Forecast.Web.Tests;

/// <summary>A [Fact] that needs Debian's chromium: skipped (not failed) where /usr/bin/chromium is absent or FORECAST_SKIP_BROWSER=1; .ci/run installs it.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("FORECAST_SKIP_BROWSER") == "1")
        {
            Skip = "FORECAST_SKIP_BROWSER=1";
        }
        else if (!File.Exists(Chromium))
        {
            Skip = $"{Chromium} is not installed (.ci/run installs Debian's chromium)";
        }
    }
}

/// <summary>The page and the report in a real browser (Debian's chromium driven by Playwright), on an embedded silo as `forecast serve` runs by default.</summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [BrowserFact]
    public async Task A_planner_moves_a_lever_runs_and_sees_the_probability_of_forecast_json_with_charts_and_a_clean_report()
    {
        Directory.CreateDirectory(Shots);
        var engine = await EngineFactory.Open(new EngineOptions(), CancellationToken.None);
        await using var server = await TestServer.Start(engine);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFactAttribute.Chromium,
            Headless = true,
            // this machine's network is closed: no background connections, no first-run work
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add($"{m.Text} ({m.Location})");
            }
        };
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(server.Address.ToString());
        await page.WaitForSelectorAsync("body[data-state=ready]");
        Assert.Equal("情景与政策杠杆", await page.InnerTextAsync("#setup h2"));
        await page.FillAsync("#trials", "500");
        await page.FillAsync("#seed", "11");
        await page.Locator("tr[data-lever='coaching-coverage'] input[type=range]").FillAsync("0.9");
        Assert.Equal("0.9", await page.InputValueAsync("tr[data-lever='coaching-coverage'] input[type=number]"));
        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync("body[data-state=done]", new PageWaitForSelectorOptions { Timeout = 180_000 });

        // the probability on the page is the one in the run's forecast.json
        var job = await page.GetAttributeAsync("#result", "data-job");
        var forecast = JsonNode.Parse(File.ReadAllText(Path.Combine(server.OutDir, job!, ResultFiles.ForecastFile)))!;
        Assert.Equal(0.9, forecast["scenario"]!["levers"]!["coaching-coverage"]!.GetValue<double>());
        Assert.Equal(500, forecast["trials"]!.GetValue<int>());
        foreach (var t in forecast["targets"]!.AsArray())
        {
            var cell = page.Locator($"#targets tr[data-target='{t!["id"]}'] td.p");
            var p = t["probability"]!.GetValue<double>();
            Assert.Equal(p, double.Parse((await cell.GetAttributeAsync("data-p"))!, CultureInfo.InvariantCulture));
            Assert.Equal(p.ToString("0.000", CultureInfo.InvariantCulture), await cell.InnerTextAsync());
        }

        // every indicator's fan drawn by Chart.js, into a canvas that is not blank
        var fans = forecast["indicators"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Distinct().Count();
        Assert.Equal(fans.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#fans", "data-charts"));
        Assert.True(await page.EvaluateAsync<bool>("() => !!Chart.getChart(document.querySelector('#fans canvas'))"));
        Assert.True(await page.EvaluateAsync<int>("() => new Set(Array.from(document.querySelector('#fans canvas').getContext('2d').getImageData(0, 0, 300, 150).data)).size") > 2);

        await page.SelectOptionAsync("#lang", "en");
        await page.WaitForFunctionAsync("() => document.querySelector('#setup h2').textContent === 'Scenario and levers'");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "page-en.png"), FullPage = true });
        Assert.Empty(errors);

        // the run's report, in both languages, renders every chart without a console error, and prints to PDF
        foreach (var lang in new[] { "zh", "en" })
        {
            await page.GotoAsync($"{server.Address}api/jobs/{job}/report?lang={lang}");
            await page.WaitForSelectorAsync("body[data-charts]");
            Assert.Equal(fans.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("body", "data-charts"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, $"report-{lang}.png"), FullPage = true });
            var pdf = await page.PdfAsync(new PagePdfOptions { Path = Path.Combine(Shots, $"report-{lang}.pdf"), Format = "A4", PrintBackground = true });
            Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        }

        Assert.Empty(errors);
        output.WriteLine($"screenshots and PDFs in {Shots}");
    }
}
