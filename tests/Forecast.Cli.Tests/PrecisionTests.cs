using System.Globalization;
using System.Text.Json;

namespace Forecast.Cli.Tests;

/// <summary>`forecast run --precision p`: adaptive trials that give exactly the results of a fixed run of as many trials.</summary>
public sealed class PrecisionTests
{
    private static JsonElement RunInfo(string dir, string run)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, run, "run.json")));
        return json.RootElement.Clone();
    }

    private static void AssertOk(CliResult r) => Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);

    [Fact]
    public void An_adaptive_run_writes_the_bytes_of_a_fixed_run_of_the_trials_it_took_on_both_engines()
    {
        var dir = CliRunner.TempDir();
        var local = CliRunner.Run(dir, "run", "--precision", "0.05", "--engine", "local", "--batch", "100", "--seed", "5", "--out", "L");
        AssertOk(local);

        var info = RunInfo(dir, "L");
        var n = int.Parse(info.GetProperty("trials").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(n is >= 100 and <= 2000, $"{n} trials");
        Assert.Equal(0, n % 100); // stops at a batch boundary
        Assert.Equal("precision", info.GetProperty("stopped-by").GetString());
        Assert.Equal("0.05", info.GetProperty("precision").GetString());
        Assert.True(double.Parse(info.GetProperty("widest-half-width").GetString()!, CultureInfo.InvariantCulture) <= 0.05);
        Assert.Contains($"adaptive: {n.ToString("N0", CultureInfo.InvariantCulture)} trials", local.Stdout);

        var bytes = File.ReadAllBytes(Path.Combine(dir, "L", "forecast.json"));
        using (var json = JsonDocument.Parse(bytes))
        {
            Assert.Equal(n, json.RootElement.GetProperty("trials").GetInt32());
        }

        var fixedRun = CliRunner.Run(dir, "run", "--trials", n.ToString(CultureInfo.InvariantCulture), "--engine", "local", "--seed", "5", "--out", "F");
        AssertOk(fixedRun);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, "F", "forecast.json")));

        // The embedded silo: shards default to one per active silo, agents return their own partials.
        var orleans = CliRunner.Run(dir, "run", "--precision", "0.05", "--batch", "100", "--seed", "5", "--out", "O", "--no-silo-aggregation");
        AssertOk(orleans);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, "O", "forecast.json")));
        var orleansInfo = RunInfo(dir, "O");
        Assert.Equal(n.ToString(CultureInfo.InvariantCulture), orleansInfo.GetProperty("trials").GetString());
        Assert.Equal("1", orleansInfo.GetProperty("shards").GetString()); // one embedded silo
        Assert.Equal("false", orleansInfo.GetProperty("silo-aggregation").GetString());
        Assert.Contains($"adaptive: {n.ToString("N0", CultureInfo.InvariantCulture)} trials", orleans.Stdout);
    }

    [Fact]
    public void An_adaptive_run_stops_at_max_trials_and_says_so()
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run(dir, "run", "--precision", "0.001", "--max-trials", "150", "--batch", "100", "--engine", "local", "--out", "C");
        AssertOk(r);

        var info = RunInfo(dir, "C");
        Assert.Equal("150", info.GetProperty("trials").GetString());
        Assert.Equal("max-trials", info.GetProperty("stopped-by").GetString());
        Assert.Contains("cap of 150 trials", r.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "C", "forecast.json")));
        Assert.Equal(150, json.RootElement.GetProperty("trials").GetInt32());
    }

    [Theory]
    [InlineData("--precision", "0")]
    [InlineData("--precision", "-0.01")]
    [InlineData("--precision", "0.51")]
    [InlineData("--precision", "NaN")]
    [InlineData("--precision", "tight")]
    [InlineData("--max-trials", "0")]
    [InlineData("--max-trials", "10000001")]
    [InlineData("--shards", "-1")]
    public void Bad_adaptive_options_are_refused_with_exit_code_2(string option, string value)
    {
        var dir = CliRunner.TempDir();
        string[] args = option == "--precision"
            ? ["run", option, value, "--engine", "local", "--out", "out"]
            : ["run", "--precision", "0.1", option, value, "--engine", "local", "--out", "out"];
        var r = CliRunner.Run(dir, args);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(option, r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "out", "forecast.json")), "nothing may be written on bad input");
    }
}
