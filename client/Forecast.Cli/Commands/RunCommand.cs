using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Forecast.Engines;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Studies;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast run`: every target's probability of being met, and the indicators by year.</summary>
public static class RunCommand
{
    private static readonly Option<bool> Detach = new("--detach")
    {
        Description = "with --connect: submit the run, print its id and exit (pick it up with 'forecast runs wait ID --out DIR')",
    };

    public static Command Create()
    {
        var command = new Command("run", "Forecast every target: probability of being met, with a 95% Wilson interval, and indicators by year.")
        {
            Trials, Precision, MaxTrials, Seed, Scenario, Out, Batch, Seeds, Detach,
        };
        command.WithEngineOptions();

        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var plan = Plan(parse);
            var engineChoice = EngineChoice(parse);
            var (inputs, scenario) = CheckedInputs(parse, parse.GetValue(Scenario));
            var detach = parse.GetValue(Detach);
            if (detach && engineChoice.Connect is null)
            {
                throw new InputException("command line", "--detach", null, "needs --connect (a running cluster to leave the run on)");
            }

            var outDir = detach ? null : WritableOut(parse);
            var clock = Stopwatch.StartNew();
            await using var engine = await EngineFactory.Open(engineChoice, cancel);
            var request = new RunRequest(inputs, plan);
            if (detach)
            {
                Console.WriteLine((await engine.Runs.Submit(request, cancel)).ToString("D"));
                return ExitCodes.Ok;
            }

            var shape = plan.Precision is { } p
                ? string.Create(CultureInfo.InvariantCulture, $"trials until every 95% half-width <= {p:0.####} (at most {plan.Trials:N0})")
                : string.Create(CultureInfo.InvariantCulture, $"{plan.Trials:N0} trials");
            var outcome = await ConsoleProgress.Show($"{scenario}: {shape} on {engine.Name}", plan.Adaptive,
                progress => ForecastStudy.Run(engine, request, progress, cancel));
            ForecastOutput.Write(outDir!, outcome, clock);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
