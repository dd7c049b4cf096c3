using System.Diagnostics;
using Forecast.Reports;
using Forecast.Studies;

namespace Forecast.Cli.Commands;

/// <summary>What `run` and `runs wait` leave behind: the result files, run.json, and the tables on the terminal.</summary>
internal static class ForecastOutput
{
    public static void Write(string outDir, ForecastOutcome outcome, Stopwatch clock)
    {
        var files = ResultFiles.WriteForecast(outDir, outcome.Forecast).Concat(RunInfo.Write(outDir, outcome.Run, clock.Elapsed)).ToList();
        ConsoleReport.Forecast(outcome.Forecast);
        ConsoleReport.Adaptive(outcome.Run.Request.Plan, outcome.Run.Result);
        ConsoleReport.Wrote(files.Where(f => !f.EndsWith(RunInfo.File, StringComparison.Ordinal)), clock.Elapsed);
    }
}
