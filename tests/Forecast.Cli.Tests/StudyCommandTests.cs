using System.Text.Json;

namespace Forecast.Cli.Tests;

/// <summary>The planner studies from the command line: their JSON shapes, exit codes and bad input.</summary>
public sealed class StudyCommandTests
{
    [Fact]
    public void Levers_lists_every_lever_with_its_range_unit_and_cost()
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run(dir, "levers", "--out", "L");

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "L", "levers.json")));
        var levers = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(9, levers.Count);
        var coaching = levers.Single(l => l.GetProperty("id").GetString() == "coaching-coverage");
        Assert.Equal((0.3, 0.0, 1.0, "share"), (coaching.GetProperty("baseline").GetDouble(), coaching.GetProperty("min").GetDouble(),
            coaching.GetProperty("max").GetDouble(), coaching.GetProperty("unit").GetString()));
        Assert.Contains("pipeline-firms", coaching.GetProperty("cost").GetString());
        Assert.Contains("coaching-coverage", r.Stdout);
    }

    [Fact]
    public void Seek_finds_a_setting_that_a_plain_run_confirms_and_exits_3_when_the_goal_is_out_of_reach()
    {
        var dir = CliRunner.TempDir();
        var seek = CliRunner.Run(dir, "seek", "--target", "new-hte-2022", "--probability", "0.9", "--lever", "coaching-coverage",
            "--trials", "60", "--seed", "4", "--engine", "local", "--out", "S");
        var rerun = CliRunner.Run(dir, "run", "--scenario", Path.Combine("S", "seek-scenario.yaml"), "--trials", "60", "--seed", "4", "--engine", "local", "--out", "R");
        var unreachable = CliRunner.Run(dir, "seek", "--target", "ptsme-stock-2025", "--probability", "0.9", "--lever", "partner-banks",
            "--trials", "20", "--engine", "local", "--out", "U");

        Assert.True(seek.ExitCode == 0, seek.Stderr + seek.Stdout);
        using var found = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "S", "seek.json")));
        var p = found.RootElement.GetProperty("probability").GetDouble();
        Assert.True(p >= 0.9);
        Assert.Equal(2, found.RootElement.GetProperty("ci95").GetArrayLength());
        Assert.True(found.RootElement.GetProperty("levers").TryGetProperty("coaching-coverage", out _));
        Assert.True(found.RootElement.GetProperty("cost").GetDouble() > 0);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr + rerun.Stdout);
        using var forecast = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "R", "forecast.json")));
        Assert.Equal(p, forecast.RootElement.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "new-hte-2022").GetProperty("probability").GetDouble());

        Assert.Equal(3, unreachable.ExitCode);
        Assert.Contains("not reached", unreachable.Stdout);
        using var best = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "U", "seek.json")));
        Assert.False(best.RootElement.GetProperty("reached").GetBoolean());
    }

    [Fact]
    public void Explain_and_sensitivity_write_their_documented_shapes()
    {
        var dir = CliRunner.TempDir();
        var explain = CliRunner.Run(dir, "explain", Path.Combine(CliRunner.Seeds, "scenarios", "more-coaching.yaml"), "--trials", "40", "--engine", "local", "--out", "E");
        var sensitivity = CliRunner.Run(dir, "sensitivity", "--lever", "hte-reward", "--trials", "40", "--engine", "local", "--out", "T");

        Assert.True(explain.ExitCode == 0, explain.Stderr + explain.Stdout);
        using var e = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "E", "explain.json")));
        foreach (var t in e.RootElement.GetProperty("targets").EnumerateArray())
        {
            var parts = t.GetProperty("parts").EnumerateObject().Select(x => x.Name).ToList();
            Assert.Equal(["hte-reward", "coaching-coverage"], parts);
            var exact = t.GetProperty("exact");
            Assert.Equal(exact.GetProperty("total").GetInt64(), exact.GetProperty("parts").EnumerateObject().Sum(x => x.Value.GetInt64()));
            Assert.True(t.TryGetProperty("total", out _) && t.TryGetProperty("id", out _));
        }

        Assert.True(sensitivity.ExitCode == 0, sensitivity.Stderr + sensitivity.Stdout);
        using var s = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "T", "sensitivity.json")));
        var rows = s.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.All(rows, row =>
        {
            foreach (var field in new[] { "lever", "end", "value", "target", "delta", "ci95", "cost_delta" })
            {
                Assert.True(row.TryGetProperty(field, out _), field);
            }
        });
        Assert.Equal(["high", "low"], rows.Select(r => r.GetProperty("end").GetString()).Distinct().Order());
        Assert.True(File.Exists(Path.Combine(dir, "T", "forecast.json")), "the drivers come with the scenario's own forecast");
    }

    [Theory]
    [InlineData("--lever", "free-money", "seek", "--target", "new-hte-2022", "--probability", "0.9", "--lever", "free-money")]
    [InlineData("--target", "no-such", "seek", "--target", "no-such", "--probability", "0.9", "--lever", "hte-reward")]
    [InlineData("--probability", "strictly between 0 and 1", "seek", "--target", "new-hte-2022", "--probability", "1.5", "--lever", "hte-reward")]
    [InlineData("--budget", ">= 0", "seek", "--target", "new-hte-2022", "--probability", "0.9", "--lever", "hte-reward", "--budget", "-5")]
    [InlineData("--lever", "outside the allowed range", "sweep", "--lever", "hte-reward=0..9:3")]
    [InlineData("--design", "grid or lhs", "sweep", "--lever", "hte-reward=0..1:3", "--design", "sobol")]
    [InlineData("--lever", "unknown lever", "sensitivity", "--lever", "free-money")]
    [InlineData("--target", "unknown target", "risks", "--target", "no-such")]
    public void Bad_study_input_exits_2_naming_it_and_writes_nothing(string field, string message, params string[] args)
    {
        var dir = CliRunner.TempDir();

        var r = CliRunner.Run(dir, [.. args, "--out", "out", "--trials", "10", "--engine", "local"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(field, r.Stderr);
        Assert.Contains(message, r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")), "nothing may be written on bad input");
    }
}
