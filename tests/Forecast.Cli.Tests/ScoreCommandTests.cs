using System.Text.Json;

namespace Forecast.Cli.Tests;

/// <summary>`forecast score` and `forecast backtest` end to end, and what forecast.json carries for them (percentiles, drivers).</summary>
public sealed class ScoreCommandTests
{
    [Fact]
    public void A_forecast_carries_percentiles_and_drivers_and_scores_against_actuals()
    {
        var dir = CliRunner.TempDir();
        var run = CliRunner.Run(dir, "run", "--trials", "300", "--seed", "5", "--out", "F", "--engine", "local");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        using (var forecast = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "F", "forecast.json"))))
        {
            var root = forecast.RootElement;
            var newHte = root.GetProperty("indicators").EnumerateArray().First(i => i.GetProperty("id").GetString() == "new-hte" && i.GetProperty("year").GetInt32() == 2022);
            var percentiles = newHte.GetProperty("percentiles").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal(99, percentiles.Length);
            Assert.Equal(newHte.GetProperty("p50").GetDouble(), percentiles[49]);
            Assert.True(percentiles.Zip(percentiles.Skip(1)).All(p => p.First <= p.Second));
            var drivers = root.GetProperty("drivers").EnumerateArray().ToDictionary(d => d.GetProperty("target").GetString()!);
            var rd = drivers["rd-gdp-2022"].GetProperty("inputs").EnumerateArray().ToArray();
            Assert.NotEmpty(rd);
            Assert.All(rd, d =>
            {
                var ci = d.GetProperty("ci90").EnumerateArray().Select(x => x.GetDouble()).ToArray();
                Assert.True(ci[0] <= ci[1]);
            });
            Assert.Contains("given-data", root.GetProperty("drivers-method").GetString());
        }

        File.WriteAllText(Path.Combine(dir, "actuals.yaml"), """
            actuals:
              - {id: new-hte, year: 2022, value: 480, source: "test"}
              - {id: rd-gdp, year: 2022, value: 1.0, source: "test: far below the fan"}
            """);
        var score = CliRunner.Run(dir, "score", Path.Combine("F", "forecast.json"), "--actuals", "actuals.yaml", "--out", "S");

        Assert.True(score.ExitCode == 0, score.Stderr + score.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "S", "score.json")));
        var indicators = json.RootElement.GetProperty("indicators").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!);
        Assert.True(indicators["new-hte"].GetProperty("inside90").GetBoolean());
        Assert.False(indicators["rd-gdp"].GetProperty("inside90").GetBoolean());
        Assert.Equal(0, indicators["rd-gdp"].GetProperty("pit").GetDouble());
        Assert.True(indicators["rd-gdp"].GetProperty("crps").GetDouble() > 1.5); // at least the distance to the fan
        var targets = json.RootElement.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        Assert.False(targets["rd-gdp-2022"].GetProperty("met").GetBoolean());
        var p = targets["rd-gdp-2022"].GetProperty("probability").GetDouble();
        Assert.Equal(p * p, targets["rd-gdp-2022"].GetProperty("brier").GetDouble(), 12);
        Assert.True(targets["new-hte-2022"].GetProperty("met").GetBoolean());
    }

    [Fact]
    public void Bad_actuals_are_refused_with_the_field_and_nothing_is_written()
    {
        var dir = CliRunner.TempDir();
        File.WriteAllText(Path.Combine(dir, "forecast.json"), "{\"trials\": 1, \"targets\": [], \"indicators\": []}");
        File.WriteAllText(Path.Combine(dir, "bad.yaml"), "actuals:\n  - {id: new-hte, year: 2022, value: 480}\n");

        var missingSource = CliRunner.Run(dir, "score", "forecast.json", "--actuals", "bad.yaml", "--out", "S");
        var noForecast = CliRunner.Run(dir, "score", "nope.json", "--actuals", "bad.yaml", "--out", "S");

        Assert.Equal(2, missingSource.ExitCode);
        Assert.Contains("source", missingSource.Stderr);
        Assert.Equal(2, noForecast.ExitCode);
        Assert.Contains("nope.json", noForecast.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "S")) && Directory.EnumerateFiles(Path.Combine(dir, "S")).Any());
    }

    [Fact]
    public void A_forecast_json_with_a_missing_percentile_is_refused_naming_it()
    {
        var dir = CliRunner.TempDir();
        var percentiles = string.Join(", ", Enumerable.Range(1, 99).Select(k => k == 50 ? "null" : k.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(dir, "forecast.json"),
            $"{{\"trials\": 10, \"targets\": [], \"indicators\": [{{\"id\": \"new-hte\", \"year\": 2022, \"p5\": 5, \"p95\": 95, \"percentiles\": [{percentiles}]}}]}}");
        File.WriteAllText(Path.Combine(dir, "a.yaml"), "actuals:\n  - {id: new-hte, year: 2022, value: 40, source: test}\n");

        var r = CliRunner.Run(dir, "score", "forecast.json", "--actuals", "a.yaml");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("indicators.new-hte.2022.percentiles", r.Stderr);
    }

    [Fact]
    public void The_backtest_scores_the_priors_forecast_of_2021_against_the_2021_facts()
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run(dir, "backtest", "--trials", "300", "--seed", "3", "--out", "B");

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "B", "score.json")));
        var scored = json.RootElement.GetProperty("indicators").EnumerateArray().ToArray();
        Assert.Contains(scored, i => i.GetProperty("id").GetString() == "new-hte" && i.GetProperty("actual").GetDouble() == 469);
        Assert.Contains(scored, i => i.GetProperty("id").GetString() == "ht-invest-growth" && i.GetProperty("actual").GetDouble() == 20.9);
        Assert.All(scored, i => Assert.Equal(2021, i.GetProperty("year").GetInt32()));
        // The priors' own forecast of 2021: high-tech investment growth is forecast, not the observed value.
        using var forecast = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "B", "forecast.json")));
        var invest = forecast.RootElement.GetProperty("indicators").EnumerateArray()
            .First(i => i.GetProperty("id").GetString() == "ht-invest-growth" && i.GetProperty("year").GetInt32() == 2021);
        Assert.True(invest.GetProperty("sd").GetDouble() > 1);
        Assert.Contains("published after the vintage", r.Stdout);
    }
}
