using System.CommandLine;
using System.Diagnostics;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Studies;

namespace Forecast.Cli.Commands;

/// <summary>`forecast score FORECAST.json --actuals ACTUALS.yaml`: a forecast against what happened, in proper scores.</summary>
public static class ScoreCommand
{
    private static readonly Argument<string> ForecastFile = new("FORECAST") { Description = "a forecast.json written by `forecast run`" };

    private static readonly Option<string> ActualsFile = new("--actuals")
    {
        Description = "what happened: a YAML file of {id, year, value, source} (seeds/schema/actuals.schema.json), ids and units as in forecast.json",
        Required = true,
    };

    private static readonly Option<string?> OutDir = new("--out") { Description = "folder for score.json (default: the forecast's folder)" };

    public static Command Create()
    {
        var command = new Command("score", "Score a forecast against actuals: per indicator PIT, inside P5-P95 and CRPS; per target Brier and log scores.")
        {
            ForecastFile, ActualsFile, OutDir,
        };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(() =>
        {
            var forecastPath = parse.GetValue(ForecastFile)!;
            var actualsPath = parse.GetValue(ActualsFile)!;
            var forecast = ScoreFiles.ReadForecast(forecastPath);
            var actuals = ScoreFiles.ReadActuals(actualsPath);

            var outDir = parse.GetValue(OutDir) ?? Path.GetDirectoryName(Path.GetFullPath(forecastPath))!;
            OutputFolder.EnsureWritable(outDir);
            var clock = Stopwatch.StartNew();
            var score = ScoreStudy.Score(forecast, actuals);
            if (score.Indicators.Count == 0)
            {
                throw new InputException(actualsPath, "actuals", null, "no actual matches an indicator and year of the forecast");
            }

            var files = OutputFolder.Commit(outDir, new Dictionary<string, string>
            {
                [ScoreFiles.ScoreFile] = ScoreFiles.ScoreJson(score, forecastPath, actualsPath),
            });
            ConsoleReport.Score(score);
            ConsoleReport.Wrote(files, clock.Elapsed);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
