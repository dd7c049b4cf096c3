namespace Forecast.Cli.Tests;

/// <summary>
/// A warning or an error means something: a normal run on the embedded silo prints neither, stopping
/// included. Run alone: with the suite's other CLI processes beside it on two cores, the silo's threads
/// can be starved for a second, which Orleans rightly warns about.
/// </summary>
[Collection(nameof(QuietRunTests))]
public sealed class QuietRunTests
{
    [Fact]
    public void A_normal_embedded_run_prints_no_warning_or_error()
    {
        var dir = CliRunner.TempDir();
        var run = CliRunner.Run(dir, "run", "--trials", "100", "--out", "out");
        Assert.True(run.ExitCode == 0, run.Stderr);

        // Orleans' watchdog used to report the machine's uptime as a stalled health check at every start
        Assert.DoesNotContain("warn:", run.Stdout + run.Stderr);
        Assert.DoesNotContain("Participant check thread", run.Stdout + run.Stderr);
        // nor the reminder service's complaint that the deliberately cancelled stop cancelled its own
        Assert.DoesNotContain("fail:", run.Stdout + run.Stderr);
    }
}

[CollectionDefinition(nameof(QuietRunTests), DisableParallelization = true)]
public sealed class QuietRunCollection;
