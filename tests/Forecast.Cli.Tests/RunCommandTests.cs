using System.Text.Json;

namespace Forecast.Cli.Tests;

public sealed class RunCommandTests
{
    private static readonly string[] Targets2022 =
        ["rd-gdp-2022", "ht-va-share-2022", "ht-invest-2022", "new-hte-2022", "new-ptsme-2022", "new-rd-inst-2022", "new-incubators-2022", "incubator-area-2022"];

    [Fact]
    public void Two_runs_with_the_same_seed_write_byte_identical_forecasts_that_match_the_pure_engine()
    {
        var dir = CliRunner.TempDir();
        var a = CliRunner.Run(dir, "run", "--trials", "120", "--seed", "7", "--out", "A", "--batch", "50");
        var b = CliRunner.Run(dir, "run", "--trials", "120", "--seed", "7", "--out", "B", "--batch", "120", "--shards", "2");
        var local = CliRunner.Run(dir, "run", "--trials", "120", "--seed", "7", "--out", "L", "--engine", "local");

        Assert.True(a.ExitCode == 0, a.Stderr + a.Stdout);
        Assert.True(b.ExitCode == 0, b.Stderr + b.Stdout);
        Assert.True(local.ExitCode == 0, local.Stderr + local.Stdout);
        var bytes = File.ReadAllBytes(Path.Combine(dir, "A", "forecast.json"));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, "B", "forecast.json")));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, "L", "forecast.json")));
        Assert.True(File.Exists(Path.Combine(dir, "A", "targets.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "A", "indicators.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "A", "run.json")));
        Assert.Contains("P(met)", a.Stdout);

        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;
        Assert.Equal(7, root.GetProperty("seed").GetInt32());
        Assert.Equal(120, root.GetProperty("trials").GetInt32());
        Assert.Equal("baseline", root.GetProperty("scenario").GetProperty("name").GetString());
        var targets = root.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        foreach (var id in Targets2022.Append("hte-stock-2025").Append("ptsme-stock-2025"))
        {
            var t = targets[id];
            var p = t.GetProperty("probability").GetDouble();
            var ci = t.GetProperty("ci95").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.InRange(p, 0, 1);
            Assert.True(ci[0] <= p && p <= ci[1], $"{id}: {p} outside [{ci[0]}, {ci[1]}]");
        }

        var indicator = root.GetProperty("indicators").EnumerateArray().First(i => i.GetProperty("id").GetString() == "new-hte" && i.GetProperty("year").GetInt32() == 2022);
        Assert.True(indicator.GetProperty("p5").GetDouble() <= indicator.GetProperty("p50").GetDouble());
        Assert.True(indicator.GetProperty("p50").GetDouble() <= indicator.GetProperty("p95").GetDouble());
        Assert.True(indicator.GetProperty("sd").GetDouble() > 0);
    }

    [Fact]
    public void Compare_reports_both_probabilities_and_a_paired_difference()
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run(dir, "compare", Path.Combine(CliRunner.Seeds, "scenarios", "baseline.yaml"),
            Path.Combine(CliRunner.Seeds, "scenarios", "more-coaching.yaml"), "--trials", "80", "--seed", "3", "--out", "C", "--engine", "local");

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "C", "compare.json")));
        var hte = json.RootElement.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "new-hte-2022");
        var baseP = hte.GetProperty("base-probability").GetDouble();
        var otherP = hte.GetProperty("other-probability").GetDouble();
        var diff = hte.GetProperty("difference").GetDouble();
        Assert.Equal(otherP - baseP, diff, 12);
        var ci = hte.GetProperty("ci95").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.True(ci[0] <= diff && diff <= ci[1]);
        Assert.Equal("more-coaching", json.RootElement.GetProperty("other").GetProperty("name").GetString());
        var costs = json.RootElement.GetProperty("policy-cost").EnumerateArray().ToDictionary(c => c.GetProperty("year").GetInt32());
        Assert.Equal(costs[2021].GetProperty("base").GetDouble(), costs[2021].GetProperty("other").GetDouble()); // levers act from 2022
        Assert.True(costs[2022].GetProperty("other").GetDouble() > costs[2022].GetProperty("base").GetDouble()); // coaching everyone costs more
    }
}
