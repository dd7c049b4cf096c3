namespace Forecast.Cli.Tests;

/// <summary>`forecast report` over a run folder written by `forecast run`.</summary>
public sealed class ReportCommandTests
{
    [Fact]
    public void A_run_folder_becomes_one_html_file_per_language_and_a_missing_folder_exits_2()
    {
        var dir = CliRunner.TempDir();
        var run = CliRunner.Run(dir, "run", "--trials", "40", "--engine", "local", "--out", "R");
        var zh = CliRunner.Run(dir, "report", "R");
        var en = CliRunner.Run(dir, "report", "R", "--lang", "en", "--out", Path.Combine("pages", "en.html"));
        var missing = CliRunner.Run(dir, "report", "nowhere");
        var badLang = CliRunner.Run(dir, "report", "R", "--lang", "fr");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(zh.ExitCode == 0, zh.Stderr);
        Assert.Contains("lang=\"zh-CN\"", File.ReadAllText(Path.Combine(dir, "R", "report.zh.html")));
        Assert.True(en.ExitCode == 0, en.Stderr);
        Assert.Contains("lang=\"en\"", File.ReadAllText(Path.Combine(dir, "pages", "en.html")));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nowhere", missing.Stderr);
        Assert.Equal(2, badLang.ExitCode);
        Assert.Contains("--lang", badLang.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "R", "report.fr.html")));
    }
}
