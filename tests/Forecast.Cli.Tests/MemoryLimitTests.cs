namespace Forecast.Cli.Tests;

/// <summary>A run that would not fit in memory is refused up front with the figure and the limit, not killed part way.</summary>
public sealed class MemoryLimitTests
{
    private static readonly Dictionary<string, string> HalfGiB = new() { ["DOTNET_GCHeapHardLimit"] = "0x20000000" };

    [Fact]
    public void A_run_too_large_for_the_process_exits_2_naming_trials_with_the_need_and_the_limit_and_writes_nothing()
    {
        var dir = CliRunner.TempDir();
        var refused = CliRunner.RunWith(dir, HalfGiB, "run", "--engine", "local", "--trials", "2000000", "--out", "out");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--trials", refused.Stderr);
        Assert.Matches(@"needs about [0-9.]+ GiB .* may use 0\.4 GiB", refused.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));

        // the same limit runs a run that fits
        var fits = CliRunner.RunWith(dir, HalfGiB, "run", "--engine", "local", "--trials", "100", "--out", "small");
        Assert.True(fits.ExitCode == 0, fits.Stderr);
    }
}
