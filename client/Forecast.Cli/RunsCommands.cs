using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Forecast.Grains;
using Forecast.Inputs;
using Forecast.Output;
using Forecast.Simulation;

namespace Forecast.Cli;

/// <summary>`forecast runs list|show|wait`: the runs a cluster keeps (its persisted catalogue and coordinators).</summary>
public static class RunsCommands
{
    public static Command Command(Option<string?> connect, Option<string> clusterId, Option<string> outOption)
    {
        var runs = new Command("runs", "Runs kept by a cluster (needs --connect): list them, show one, wait for one and write its results.");
        runs.Subcommands.Add(List(connect, clusterId));
        runs.Subcommands.Add(Show(connect, clusterId));
        runs.Subcommands.Add(Wait(connect, clusterId, outOption));
        return runs;
    }

    private static Command List(Option<string?> connect, Option<string> clusterId)
    {
        var command = new Command("list", "List every run submitted to the cluster: id, state, scenario, seed, trials, submitted and finished (UTC).") { connect, clusterId };
        command.SetAction((parse, cancel) => Commands.Guarded(async () =>
        {
            await using var engine = await Open(parse, connect, clusterId, cancel);
            var records = await Engine.Orleans.Retry(() => engine.Client.GetGrain<IRunCatalogGrain>(0).List(), Guid.Empty, cancel);
            Console.WriteLine($"{"RUN",-36}  {"STATE",-8}  {"SCENARIO",-20}  {"SEED",6}  {"TRIALS",9}  {"SUBMITTED (UTC)",-20}  FINISHED (UTC)");
            foreach (var r in records.OrderBy(r => r.SubmittedUtc))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.RunId:D}  {r.State,-8}  {r.Scenario,-20}  {r.Seed,6}  {r.Trials,9}  {Time(r.SubmittedUtc),-20}  {(r.FinishedUtc is { } f ? Time(f) : "-")}"));
            }

            Console.WriteLine($"{records.Length} run(s)");
            return Commands.Ok;
        }));
        return command;
    }

    private static Command Show(Option<string?> connect, Option<string> clusterId)
    {
        var id = new Argument<string>("ID") { Description = "run id (as printed by 'forecast run --detach' or 'forecast runs list')" };
        var command = new Command("show", "Show one run: its catalogue record, live status and checkpoints.") { id, connect, clusterId };
        command.SetAction((parse, cancel) => Commands.Guarded(async () =>
        {
            var runId = RunId(parse.GetValue(id)!);
            await using var engine = await Open(parse, connect, clusterId, cancel);
            var record = await Engine.Orleans.Retry(() => engine.Client.GetGrain<IRunCatalogGrain>(0).Get(runId), runId, cancel);
            var coordinator = engine.Client.GetGrain<ICoordinatorGrain>(runId);
            var status = await Engine.Orleans.Retry(() => coordinator.Status(), runId, cancel);
            if (record is null && status.RunId == Guid.Empty)
            {
                throw Unknown(runId);
            }

            var checkpoints = await Engine.Orleans.Retry(() => coordinator.Checkpoints(), runId, cancel);
            Console.WriteLine($"run        {runId:D}");
            if (record is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scenario   {record.Scenario}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed       {record.Seed}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trials     {record.Trials}{(record.Adaptive ? " (adaptive)" : "")}"));
                Console.WriteLine($"submitted  {Time(record.SubmittedUtc)} UTC");
                Console.WriteLine($"finished   {(record.FinishedUtc is { } f ? Time(f) + " UTC" : "-")}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"state      {status.State}{(status.Error is null ? "" : ": " + status.Error)} ({status.TrialsDone} trials done, {status.Fraction:P0})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batches    {status.Batches} checkpointed on {status.Shards} shard(s); resumed {status.Resumes} time(s){(status.ResumedAtTrial >= 0 ? $", first at trial {status.ResumedAtTrial}" : "")}"));
            foreach (var silo in checkpoints.GroupBy(c => c.Silo))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {silo.Count(),4} batch(es) by {silo.Key} (trials {silo.Min(c => c.FirstTrial)}..{silo.Max(c => c.FirstTrial + c.Trials) - 1}, finished {Time(silo.Min(c => c.FinishedUtc))}..{Time(silo.Max(c => c.FinishedUtc))} UTC)"));
            }

            return Commands.Ok;
        }));
        return command;
    }

    private static Command Wait(Option<string?> connect, Option<string> clusterId, Option<string> outOption)
    {
        var id = new Argument<string>("ID") { Description = "run id (as printed by 'forecast run --detach')" };
        var command = new Command("wait", "Wait for a run to finish (following its progress) and write its results like 'forecast run' does.") { id, connect, clusterId, outOption };
        command.SetAction((parse, cancel) => Commands.Guarded(async () =>
        {
            var runId = RunId(parse.GetValue(id)!);
            var outDir = parse.GetValue(outOption)!;
            ResultWriter.EnsureWritable(outDir);
            var clock = Stopwatch.StartNew();
            await using var engine = await Open(parse, connect, clusterId, cancel);
            var coordinator = engine.Client.GetGrain<ICoordinatorGrain>(runId);
            var spec = await Engine.Orleans.Retry(() => coordinator.Spec(), runId, cancel) ?? throw Unknown(runId);
            var model = SimulationModel.Build(spec.Inputs);
            var table = await Report.WithProgress($"{model.Parameters.ScenarioName}: run {runId:D} on {engine.Name}", spec.Adaptive,
                p => engine.Follow(runId, p, cancel));
            var info = new Dictionary<string, string>
            {
                ["engine"] = engine.Name,
                ["run-id"] = runId.ToString("D"),
                ["host"] = Environment.MachineName,
                ["finished-utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["wall-seconds"] = clock.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
                ["scenario-file"] = spec.Inputs.ScenarioName,
                ["batch"] = spec.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["shards"] = (engine.ShardsUsed ?? spec.Shards).ToString(CultureInfo.InvariantCulture),
                ["silo-aggregation"] = spec.SiloAggregation ? "true" : "false",
            };
            Commands.WriteResults(model, table, spec.Seed, outDir, info, spec.Adaptive ? spec.Precision : null, spec.MaxTrials, clock);
            return Commands.Ok;
        }));
        return command;
    }

    private static async Task<Engine.Orleans> Open(ParseResult parse, Option<string?> connect, Option<string> clusterId, CancellationToken cancel)
    {
        var to = parse.GetValue(connect) ?? throw new InputException("command line", "--connect", null,
            "the runs commands need a cluster: --connect redis://HOST:PORT (or HOST:PORT of a silo's gateway)");
        return await Commands.Settings.Open(to, parse.GetValue(clusterId)!, cancel);
    }

    private static Guid RunId(string text) =>
        Guid.TryParse(text, out var id) ? id : throw new InputException("command line", "ID", null, $"'{text}' is not a run id (a GUID such as those 'forecast runs list' prints)");

    private static InputException Unknown(Guid id) =>
        new("command line", "ID", null, $"no run {id:D} in this cluster (see 'forecast runs list')");

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
