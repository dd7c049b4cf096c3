using System.CommandLine;
using Forecast.Reports;
using Forecast.Reports.Html;

namespace Forecast.Cli.Commands;

/// <summary>`forecast report RUN_DIR`: one self-contained HTML file of a run's results, in Chinese or English.</summary>
public static class ReportCommand
{
    private static readonly Argument<string> RunDir = new("RUN_DIR") { Description = "the --out folder of a run (forecast.json; sensitivity.json, compare.json and seek.json are added where present)" };
    private static readonly Option<string> Lang = new("--lang") { Description = "zh or en", DefaultValueFactory = _ => "zh" };
    private static readonly Option<string?> ReportOut = new("--out") { Description = "the HTML file to write (default: RUN_DIR/report.LANG.html)" };

    public static Command Create()
    {
        var command = new Command("report", "Write one self-contained HTML report of a run folder: targets with traffic lights, the progress grid, fan charts, joint probabilities, drivers and any studies in it (no network when viewed; print to PDF from a browser).")
        {
            RunDir, Lang, ReportOut,
        };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(() =>
        {
            var dir = parse.GetValue(RunDir)!;
            var lang = parse.GetValue(Lang)!;
            var html = HtmlReport.Render(dir, lang);
            var file = Path.GetFullPath(parse.GetValue(ReportOut) ?? Path.Combine(dir, $"report.{lang}.html"));
            var folder = Path.GetDirectoryName(file)!;
            OutputFolder.EnsureWritable(folder);
            ConsoleReport.Wrote(OutputFolder.Commit(folder, new Dictionary<string, string> { [Path.GetFileName(file)] = html }), TimeSpan.Zero);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
