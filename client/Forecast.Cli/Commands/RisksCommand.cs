using System.CommandLine;
using Forecast.Reports;
using Forecast.Studies;

namespace Forecast.Cli.Commands;

/// <summary>`forecast risks --target ID`: the regions of the uncertain inputs where the target is most often missed, from one run.</summary>
public static class RisksCommand
{
    private static readonly Option<string> Target = new("--target") { Description = "the target (an all-YEAR id is that year's joint)", Required = true };

    public static Command Create()
    {
        var command = StudyCommand.Create("risks",
            "Risk discovery from one run: PRIM boxes of the uncertain inputs where the target is most often missed, with coverage and density (risks.json, risks.csv).",
            Target);
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var (plan, engine, inputs, outDir) = StudyCommand.Checked(parse);
            var target = parse.GetValue(Target)!;
            var p = Forecast.Model.ParametersLoader.Load(inputs);
            SeekStudy.CheckTarget(p, target);
            OutputFolder.EnsureWritable(outDir);
            var (r, elapsed) = await StudyCommand.Run(engine, $"risks of missing {target}: {StudyCommand.Trials(plan).Replace("paired ", string.Empty, StringComparison.Ordinal)}",
                (e, progress) => RiskStudy.Run(e, inputs, plan, target, progress, cancel), cancel);
            var files = StudyFiles.WriteRisks(outDir, r);
            StudyReport.Risks(r);
            ConsoleReport.Wrote(files, elapsed);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
