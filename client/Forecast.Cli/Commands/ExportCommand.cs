using System.CommandLine;
using Forecast.Reports;
using Forecast.Reports.Spreadsheet;

namespace Forecast.Cli.Commands;

/// <summary>`forecast export RUN_DIR --xlsx FILE`: a run folder as one spreadsheet.</summary>
public static class ExportCommand
{
    private static readonly Argument<string> RunDir = new("RUN_DIR") { Description = "the --out folder of a run (forecast.json; sensitivity.json, compare.json and seek.json are added where present)" };
    private static readonly Option<string> Xlsx = new("--xlsx") { Description = "the .xlsx file to write", Required = true };

    public static Command Create()
    {
        var command = new Command("export", "Write a run folder as an .xlsx workbook (Excel, WPS): run, targets, indicators by year with units, drivers, and the folder's studies.")
        {
            RunDir, Xlsx,
        };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(() =>
        {
            var file = parse.GetValue(Xlsx)!;
            if (!file.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
            {
                throw new Forecast.Inputs.InputException("command line", "--xlsx", null, $"'{file}' does not end in .xlsx");
            }

            SpreadsheetExport.Write(parse.GetValue(RunDir)!, file);
            ConsoleReport.Wrote([file], TimeSpan.Zero);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
