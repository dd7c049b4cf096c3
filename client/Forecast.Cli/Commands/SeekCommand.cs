using System.CommandLine;
using Forecast.Reports;
using Forecast.Studies;

namespace Forecast.Cli.Commands;

/// <summary>`forecast seek`: the cheapest setting of the named levers that reaches P(target) >= P.</summary>
public static class SeekCommand
{
    private static readonly Option<string> Target = new("--target") { Description = "the target (an all-YEAR id is that year's joint)", Required = true };
    private static readonly Option<double> Probability = new("--probability") { Description = "the goal: P(met) at least this, in (0, 1)", Required = true };
    private static readonly Option<string[]> Levers = new("--lever") { Description = "a lever the search may set (repeatable)", Required = true };
    private static readonly Option<double?> Budget = new("--budget") { Description = "the most the policy may cost, M yuan a year (mean over the years levers act), >= 0" };

    public static Command Create()
    {
        var command = StudyCommand.Create("seek",
            "Goal seek: the cheapest setting of the named levers (by their cost rules) that reaches P(target) >= P, on paired trials. Exit 3 when no allowed setting reaches it (best reached and what limits it are written).",
            Target, Probability, Levers, Budget);
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var (plan, engine, inputs, outDir) = StudyCommand.Checked(parse);
            var (target, goal, levers, budget) = (parse.GetValue(Target)!, parse.GetValue(Probability), parse.GetValue(Levers) ?? [], parse.GetValue(Budget));
            SeekStudy.Check(Forecast.Model.ParametersLoader.Load(inputs), target, goal, levers, budget);
            OutputFolder.EnsureWritable(outDir);
            var (r, elapsed) = await StudyCommand.Run(engine, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"seek P({target}) >= {goal}: {StudyCommand.Trials(plan)}"),
                (e, progress) => SeekStudy.Run(e, inputs, plan, target, goal, levers, budget, progress, cancel), cancel);
            var files = StudyFiles.WriteSeek(outDir, r);
            StudyReport.Seek(r);
            ConsoleReport.Wrote(files, elapsed);
            return r.Reached ? ExitCodes.Ok : ExitCodes.Unreachable;
        }));
        return command;
    }
}
