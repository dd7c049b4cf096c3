using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Forecast.Engines;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Running;
using Forecast.Studies;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>What every planner study shares: its options, its checks before anything runs, an engine, a progress bar, its files.</summary>
public static class StudyCommand
{
    /// <summary>A study command with --trials (2,000 by default), --seed, --scenario, --out, --batch, --seeds and the engine options.</summary>
    public static Command Create(string name, string description, params Symbol[] own)
    {
        var command = new Command(name, description);
        foreach (var symbol in own)
        {
            switch (symbol)
            {
                case Argument a:
                    command.Arguments.Add(a);
                    break;
                case Option o:
                    command.Options.Add(o);
                    break;
            }
        }

        foreach (var option in new Option[] { StudyTrials, Seed, Scenario, Out, Batch, Seeds })
        {
            command.Options.Add(option);
        }

        return command.WithEngineOptions();
    }

    /// <summary>The plan, engine choice, scenario inputs and out folder, every one checked before anything starts.</summary>
    public static (RunPlan Plan, EngineOptions Engine, ModelInputs Inputs, string Out) Checked(ParseResult parse)
    {
        var plan = Plan(parse, allowPrecision: false, StudyTrials);
        var engine = EngineChoice(parse);
        var (inputs, _) = CheckedInputs(parse, parse.GetValue(Scenario));
        return (plan, engine, inputs, parse.GetValue(Out)!);
    }

    /// <summary>Opens the engine, runs the study under a progress bar, and hands its result on with the time it took.</summary>
    public static async Task<(T Result, TimeSpan Elapsed)> Run<T>(EngineOptions choice, string title,
        Func<IForecastEngine, IProgress<StudyProgress>, Task<T>> study, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        await using var engine = await EngineFactory.Open(choice, cancel);
        var result = await ConsoleProgress.Show($"{title} on {engine.Name}", adaptive: false, progress => study(engine, progress));
        return (result, clock.Elapsed);
    }

    public static string Trials(RunPlan plan) => string.Create(CultureInfo.InvariantCulture, $"{plan.Trials:N0} paired trials");
}
