using System.CommandLine;
using System.Diagnostics;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Studies;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast runs list|show|wait`: the runs a cluster keeps (needs --connect).</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var runs = new Command("runs", "Runs kept by a cluster (needs --connect): list them, show one, wait for one and write its results.");
        runs.Subcommands.Add(List());
        runs.Subcommands.Add(Show());
        runs.Subcommands.Add(Wait());
        return runs;
    }

    private static Command List()
    {
        var command = new Command("list", "List every run submitted to the cluster: id, state, scenario, seed, trials, submitted and finished (UTC).") { Connect, ClusterId };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            await using var engine = await EngineFactory.Open(ClusterChoice(parse), cancel);
            ConsoleReport.Runs(await engine.Runs.List(cancel));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show()
    {
        var id = RunId("run id (as printed by 'forecast run --detach' or 'forecast runs list')");
        var command = new Command("show", "Show one run: its catalogue record, live status and checkpoints.") { id, Connect, ClusterId };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var runId = Parse(parse.GetValue(id)!);
            await using var engine = await EngineFactory.Open(ClusterChoice(parse), cancel);
            ConsoleReport.Run(runId, await engine.Runs.Find(runId, cancel) ?? throw new Engines.UnknownRunException(runId));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Wait()
    {
        var id = RunId("run id (as printed by 'forecast run --detach')");
        var command = new Command("wait", "Wait for a run to finish (following its progress) and write its results like 'forecast run' does.") { id, Connect, ClusterId, Out };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            var runId = Parse(parse.GetValue(id)!);
            var outDir = WritableOut(parse);
            var clock = Stopwatch.StartNew();
            await using var engine = await EngineFactory.Open(ClusterChoice(parse), cancel);
            var record = (await engine.Runs.Find(runId, cancel) ?? throw new Engines.UnknownRunException(runId)).Record;
            var title = $"{record?.Scenario ?? "run"}: run {runId:D} on {engine.Name}";
            var outcome = await ConsoleProgress.Show(title, record?.Adaptive ?? false, progress => ForecastStudy.Wait(engine, runId, progress, cancel));
            ForecastOutput.Write(outDir, outcome, clock);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Argument<string> RunId(string description) => new("ID") { Description = description };

    private static Guid Parse(string text) =>
        Guid.TryParse(text, out var id) ? id : throw new InputException("command line", "ID", null, $"'{text}' is not a run id (a GUID such as those 'forecast runs list' prints)");
}
