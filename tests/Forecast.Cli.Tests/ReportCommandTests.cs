namespace Forecast.Cli.Tests;

/// <summary>`forecast report` and `forecast export` over a run folder written by `forecast run`.</summary>
public sealed class ReportCommandTests
{
    [Fact]
    public void A_run_folder_becomes_an_html_file_per_language_and_a_workbook_and_bad_requests_exit_2()
    {
        var dir = CliRunner.TempDir();
        var run = CliRunner.Run(dir, "run", "--trials", "40", "--engine", "local", "--out", "R");
        var zh = CliRunner.Run(dir, "report", "R");
        var en = CliRunner.Run(dir, "report", "R", "--lang", "en", "--out", Path.Combine("pages", "en.html"));
        var missing = CliRunner.Run(dir, "report", "nowhere");
        var badLang = CliRunner.Run(dir, "report", "R", "--lang", "fr");
        var xlsx = CliRunner.Run(dir, "export", "R", "--xlsx", "run.xlsx");
        var notXlsx = CliRunner.Run(dir, "export", "R", "--xlsx", "run.csv");

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
        Assert.True(xlsx.ExitCode == 0, xlsx.Stderr);
        Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(Path.Combine(dir, "run.xlsx")).Take(2)); // a zip: what .xlsx is
        Assert.Equal(2, notXlsx.ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "run.csv")));
    }
}
