using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Forecast.Hosting;
using Forecast.Reports;
using Forecast.Studies;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast compare BASE OTHER`: two scenarios on common random numbers, per target both probabilities and the paired difference.</summary>
public static class CompareCommand
{
    private static readonly Argument<string> BaseFile = new("BASE") { Description = "baseline scenario file" };
    private static readonly Argument<string> OtherFile = new("OTHER") { Description = "what-if scenario file" };

    public static Command Create()
    {
        var command = new Command("compare", "Run two scenarios on common random numbers and report, per target, both probabilities and the paired difference.")
        {
            BaseFile, OtherFile, Trials, Seed, Out, Batch, Seeds,
        };
        command.WithEngineOptions();

        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var plan = Plan(parse, allowPrecision: false);
            var engineChoice = EngineChoice(parse);
            var (baseline, _) = CheckedInputs(parse, parse.GetValue(BaseFile));
            var (other, _) = CheckedInputs(parse, parse.GetValue(OtherFile));
            var outDir = WritableOut(parse);
            var clock = Stopwatch.StartNew();
            await using var engine = await EngineFactory.Open(engineChoice, cancel);
            var comparison = await ConsoleProgress.Show(string.Create(CultureInfo.InvariantCulture, $"{plan.Trials:N0} paired trials on {engine.Name}"),
                adaptive: false, progress => CompareStudy.Run(engine, baseline, other, plan, progress, cancel));
            var files = ResultFiles.WriteComparison(outDir, comparison);
            ConsoleReport.Comparison(comparison);
            ConsoleReport.Wrote(files, clock.Elapsed);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
