using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Studies;
using Spectre.Console;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast backtest`: the priors' own forecast of 2021 (no 2021 facts), scored against the 2021 facts.</summary>
public static class BacktestCommand
{
    private static readonly Option<string> Vintage = new("--vintage")
    {
        Description = "the earlier information date the backtest stands at; facts the model reads that were published later are listed",
        DefaultValueFactory = _ => BacktestStudy.DefaultVintage.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private static readonly Option<string> BacktestOut = new("--out")
    {
        Description = "output folder for forecast.json (the priors' forecast) and score.json",
        DefaultValueFactory = _ => "out/backtest",
    };

    public static Command Create()
    {
        var command = new Command("backtest",
            "Forecast 2021 from the priors alone (no calibration on 2021) on the local engine and score it against the 2021 facts.")
        {
            Trials, Seed, Batch, Seeds, Vintage, BacktestOut,
        };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var plan = Plan(parse, allowPrecision: false);
            if (!DateOnly.TryParseExact(parse.GetValue(Vintage), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var vintage))
            {
                throw new InputException("command line", "--vintage", null, $"'{parse.GetValue(Vintage)}' is not a date (yyyy-MM-dd)");
            }

            var inputs = ModelInputs.Read(SeedsDir(parse));
            var outDir = parse.GetValue(BacktestOut)!;
            OutputFolder.EnsureWritable(outDir);
            var clock = Stopwatch.StartNew();
            var result = await ConsoleProgress.Show(string.Create(CultureInfo.InvariantCulture, $"backtest: {plan.Trials:N0} trials from the priors"),
                adaptive: false, progress => Task.Run(() => BacktestStudy.Run(inputs, plan, vintage, progress, cancel), cancel));
            var files = OutputFolder.Commit(outDir, new Dictionary<string, string>
            {
                [ResultFiles.ForecastFile] = ResultFiles.ForecastJson(result.Forecast),
                [ScoreFiles.ScoreFile] = ScoreFiles.ScoreJson(result.Score, ResultFiles.ForecastFile, "2021 facts of seeds/baseline.yaml"),
            });
            ConsoleReport.Score(result.Score, string.Create(CultureInfo.InvariantCulture,
                $"Backtest as of {vintage:yyyy-MM-dd}: {BacktestResult.Design}"));
            if (result.Later.Count > 0)
            {
                AnsiConsole.MarkupLine(Markup.Escape("read although published after the vintage: " + string.Join(", ", result.Later.Select(BacktestStudy.Describe))));
            }

            ConsoleReport.Wrote(files, clock.Elapsed);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
