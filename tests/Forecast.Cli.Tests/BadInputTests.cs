namespace Forecast.Cli.Tests;

/// <summary>Each bad input: exit code 2, one message naming the file, field (and line) and what is allowed, nothing written.</summary>
public sealed class BadInputTests
{
    private static (CliResult Result, string OutDir) RunWithScenario(string yaml, params string[] extra)
    {
        var dir = CliRunner.TempDir();
        File.WriteAllText(Path.Combine(dir, "scenario.yaml"), yaml);
        var result = CliRunner.Run(dir, ["run", "--scenario", "scenario.yaml", "--out", "out", "--trials", "10", .. extra]);
        return (result, Path.Combine(dir, "out"));
    }

    private static void AssertRejected(CliResult r, string outDir, params string[] mentions)
    {
        Assert.Equal(2, r.ExitCode);
        foreach (var m in mentions)
        {
            Assert.Contains(m, r.Stderr);
        }

        Assert.False(Directory.Exists(outDir), "nothing may be written on bad input, not even the output folder");
    }

    [Fact]
    public void A_malformed_scenario_names_the_file_and_line()
    {
        var (r, outDir) = RunWithScenario("name: broken\nlevers:\n  hte-reward: [1, 2\n");
        AssertRejected(r, outDir, "scenario.yaml:", "malformed YAML");
    }

    [Fact]
    public void An_unknown_lever_is_named_with_its_line_and_the_known_levers()
    {
        var (r, outDir) = RunWithScenario("name: x\nlevers:\n  hte-reward: 0.3\n  free-money: 5\n");
        AssertRejected(r, outDir, "scenario.yaml:4", "levers.free-money", "unknown lever", "coaching-coverage");
    }

    [Fact]
    public void A_lever_outside_its_range_names_the_range()
    {
        var (r, outDir) = RunWithScenario("name: x\nlevers:\n  coaching-coverage: 1.5\n");
        AssertRejected(r, outDir, "scenario.yaml:3", "levers.coaching-coverage", "[0, 1]");
    }

    [Fact]
    public void An_assumption_outside_its_range_names_the_range()
    {
        var (r, outDir) = RunWithScenario("name: x\nassumptions:\n  exit-rate-hte: 0.5\n");
        AssertRejected(r, outDir, "assumptions.exit-rate-hte", "[0.02, 0.04]");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("100000000")]
    public void Trials_out_of_bounds_are_refused(string trials)
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run(dir, "run", "--trials", trials, "--out", "out");
        AssertRejected(r, Path.Combine(dir, "out"), "--trials");
    }

    [Fact]
    public void Trials_that_are_not_a_number_are_refused()
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run(dir, "run", "--trials", "many", "--out", "out");
        AssertRejected(r, Path.Combine(dir, "out"), "many");
    }

    [Fact]
    public void An_unwritable_output_folder_is_refused_before_any_work()
    {
        var dir = CliRunner.TempDir();
        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "not a folder");
        var r = CliRunner.Run(dir, "run", "--trials", "10", "--out", Path.Combine(blocker, "out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--out", r.Stderr);
        Assert.Equal("not a folder", File.ReadAllText(blocker));
    }

    [Fact]
    public void A_missing_scenario_file_is_named()
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run(dir, "run", "--scenario", "nope.yaml", "--out", "out");
        AssertRejected(r, Path.Combine(dir, "out"), "nope.yaml", "not found");
    }
}
