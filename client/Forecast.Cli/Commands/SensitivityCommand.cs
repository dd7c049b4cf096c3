using System.CommandLine;
using Forecast.Reports;
using Forecast.Studies;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast sensitivity`: every lever at each end of its allowed range against the scenario, per target, with cost.</summary>
public static class SensitivityCommand
{
    private static readonly Option<string[]> Levers = new("--lever") { Description = "only these levers (repeatable; default: every lever)", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string[]> Targets = new("--target") { Description = "print the tornado of these targets only (repeatable; an all-YEAR id is that year's joint); files hold every target" };

    public static Command Create()
    {
        var command = StudyCommand.Create("sensitivity",
            "Each lever at the low and the high end of its allowed range against the scenario: per target the paired change in P(met) and the change in yearly cost (a tornado), beside the uncertain inputs that drive each target.",
            Levers, Targets);
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var (plan, engine, inputs, outDir) = StudyCommand.Checked(parse);
            var levers = parse.GetValue(Levers) ?? [];
            var targets = parse.GetValue(Targets) ?? [];
            var p = Forecast.Model.ParametersLoader.Load(inputs);
            foreach (var id in levers)
            {
                Variants.Lever(p, id, "--lever");
            }

            foreach (var id in targets)
            {
                SeekStudy.CheckTarget(p, id);
            }

            Forecast.Reports.OutputFolder.EnsureWritable(outDir);
            var (r, elapsed) = await StudyCommand.Run(engine, $"sensitivity: {StudyCommand.Trials(plan)}",
                (e, progress) => SensitivityStudy.Run(e, inputs, plan, levers, progress, cancel), cancel);
            var files = StudyFiles.WriteSensitivity(outDir, r);
            StudyReport.Sensitivity(r, targets);
            ConsoleReport.Wrote(files, elapsed);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
