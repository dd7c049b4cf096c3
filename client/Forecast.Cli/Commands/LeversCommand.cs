using System.CommandLine;
using Forecast.Model;
using Forecast.Reports;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast levers`: every lever with its baseline, allowed range, unit, cost rule and coupling.</summary>
public static class LeversCommand
{
    public static Command Create()
    {
        var command = new Command("levers", "List every policy lever: baseline value, allowed range, unit, yearly cost rule and coupling (writes levers.json and levers.csv).")
        {
            Scenario, Out, Seeds,
        };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(() =>
        {
            var (inputs, _) = CheckedInputs(parse, parse.GetValue(Scenario));
            var outDir = WritableOut(parse);
            var levers = ParametersLoader.Load(inputs).Levers;
            StudyReport.Levers(levers);
            ConsoleReport.Wrote(StudyFiles.WriteLevers(outDir, levers), TimeSpan.Zero);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
