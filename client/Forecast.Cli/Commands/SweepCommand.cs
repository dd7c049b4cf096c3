using System.CommandLine;
using Forecast.Model;
using Forecast.Reports;
using Forecast.Studies;

namespace Forecast.Cli.Commands;

/// <summary>`forecast sweep`: a grid or a Latin hypercube over levers; per point every target's P(met), the joint P and the cost.</summary>
public static class SweepCommand
{
    private static readonly Option<string[]> Levers = new("--lever")
    {
        Description = "LEVER=LO..HI:POINTS, POINTS values from LO to HI with both ends (repeatable), e.g. hte-reward=0..1:5",
        Required = true,
    };

    private static readonly Option<string> Design = new("--design") { Description = "grid (every combination) or lhs (a Latin hypercube of --points points)", DefaultValueFactory = _ => "grid" };
    private static readonly Option<int> Points = new("--points") { Description = "points of a Latin hypercube (--design lhs)", DefaultValueFactory = _ => 20 };

    public static Command Create()
    {
        var command = StudyCommand.Create("sweep", "Sweep levers over a grid or a Latin hypercube: per point every target's P(met), each year's joint P and the cost (sweep.json, sweep.csv).",
            Levers, Design, Points);
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var (plan, engine, inputs, outDir) = StudyCommand.Checked(parse);
            var p = ParametersLoader.Load(inputs);
            var ranges = (parse.GetValue(Levers) ?? []).Select(text => SweepRange.Parse(p, text)).ToList();
            var design = parse.GetValue(Design)!;
            var points = parse.GetValue(Points);

            // The design is checked (and its size known) before anything runs.
            var size = design switch
            {
                "grid" => SweepStudy.Grid(ranges).Count,
                "lhs" => SweepStudy.LatinHypercube(ranges, points, plan.Seed).Count,
                _ => throw new Forecast.Inputs.InputException("command line", "--design", null, $"'{design}' is not a design; use grid or lhs"),
            };
            OutputFolder.EnsureWritable(outDir);
            var (r, elapsed) = await StudyCommand.Run(engine, $"sweep of {size} points: {StudyCommand.Trials(plan)}",
                (e, progress) => SweepStudy.Run(e, inputs, plan, ranges, design, points, progress, cancel), cancel);
            var files = StudyFiles.WriteSweep(outDir, r);
            StudyReport.Sweep(r);
            ConsoleReport.Wrote(files, elapsed);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
