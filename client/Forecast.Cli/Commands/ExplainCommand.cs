using System.CommandLine;
using Forecast.Reports;
using Forecast.Studies;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast explain SCENARIO`: the scenario's change in each target's P(met) split over its lever changes by exact Shapley values.</summary>
public static class ExplainCommand
{
    private static readonly Argument<string> ScenarioFile = new("SCENARIO") { Description = "the scenario file to explain" };

    public static Command Create()
    {
        var command = StudyCommand.Create("explain",
            $"Split a scenario's change in each target's P(met) against the base (--scenario, default the baseline) across its lever changes by exact Shapley values (2^n runs; at most {Shapley.MaxPlayers} changes).",
            ScenarioFile);
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var (plan, engine, baseInputs, outDir) = StudyCommand.Checked(parse);
            var (scenario, _) = CheckedInputs(parse, parse.GetValue(ScenarioFile));
            var (players, _) = ExplainStudy.Players(baseInputs, scenario);
            OutputFolder.EnsureWritable(outDir);
            var (r, elapsed) = await StudyCommand.Run(engine, $"explain {players.Count} changes ({1 << players.Count} runs): {StudyCommand.Trials(plan)}",
                (e, progress) => ExplainStudy.Run(e, baseInputs, scenario, plan, progress, cancel), cancel);
            var files = StudyFiles.WriteExplain(outDir, r);
            StudyReport.Explain(r);
            ConsoleReport.Wrote(files, elapsed);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
