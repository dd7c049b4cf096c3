using System.Collections.Immutable;
using Forecast.Engines;
using Forecast.Running;
using Forecast.Simulation;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Forecast.Grains;

/// <summary>What the coordinator persists: the run's spec, state, checkpointed batches and times.</summary>
[GenerateSerializer, Alias("forecast.coordinator-state")]
public sealed class CoordinatorState
{
    [Id(0)] public RunSpec? Spec { get; set; }
    [Id(1)] public int StateNumber { get; set; } // RunState by number (append-only), checked on reading

    public RunState State
    {
        get => RunStatusConverter.State(StateNumber);
        set => StateNumber = (int)value;
    }
    [Id(2)] public List<CheckpointInfo> Checkpoints { get; set; } = [];
    [Id(3)] public string? Error { get; set; }
    [Id(4)] public DateTime SubmittedUtc { get; set; }
    [Id(5)] public DateTime? FinishedUtc { get; set; }
    [Id(6)] public string Scenario { get; set; } = "";
    [Id(7)] public int Activations { get; set; }
    [Id(8)] public int ResumedAtTrial { get; set; } = -1;
    [Id(9)] public int StoppedBy { get; set; } // a StopReason by number, once done
    [Id(10)] public double? WidestHalfWidth { get; set; }
}

/// <summary>
/// A forecast run on the cluster: the run loop (<see cref="RunDriver"/>) over the run's shards
/// (<see cref="ShardBatchRunner"/>), in the background; clients poll <see cref="Status"/>. What is
/// Orleans' job stays here: after every batch its values go to a batch store and the checkpoint to
/// grain storage "forecast", so an activation that finds a running run (its silo died, or it was
/// deactivated) resumes after the last checkpoint, in a new placement epoch.
/// </summary>
public sealed class CoordinatorGrain(
    ModelCache models,
    ILogger<CoordinatorGrain> logger,
    [PersistentState("run-v2", SiloBuilderExtensions.Storage)] IPersistentState<CoordinatorState> state) : Grain, ICoordinatorGrain, IRemindable
{
    /// <summary>
    /// How often a running run's reminder fires (Orleans' minimum; shorter ones are "unsuitable for production"):
    /// a run whose coordinator's silo died resumes within about this long, with nobody asking.
    /// </summary>
    public static readonly TimeSpan ResumeCheck = TimeSpan.FromMinutes(1);

    private const string ResumeReminder = "resume";

    private RunStatus _status = new(Guid.Empty, RunState.Idle, 0, 0, null);
    private bool _running;
    private TrialTable? _table; // the finished run's table, once this activation holds it

    private CoordinatorState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is { } spec)
        {
            var done = S.Checkpoints.Sum(c => c.Trials);
            _status = new RunStatus(spec.RunId, S.State, S.State == RunState.Done ? 1 : Fraction(spec.Plan, done), done, S.Error,
                Shards: spec.Placement.Shards, Batches: S.Checkpoints.Count, Resumes: Math.Max(0, S.Activations - 1), ResumedAtTrial: S.ResumedAtTrial);
            if (S.State == RunState.Running)
            {
                logger.LogWarning("run {RunId}: resuming at trial {Trial} ({Batches} batches checkpointed)", spec.RunId, done, S.Checkpoints.Count);
                StartBackground(resumeAt: done);
            }
        }

        return Task.CompletedTask;
    }

    public async Task<RunStatus> Start(RunSpec spec)
    {
        if (S.Spec is not null)
        {
            return _status; // idempotent: a second Start of the same run reports on the first
        }

        try
        {
            spec.Plan.Validated(); // the engines check first; this guards every other client
        }
        catch (PlanOutOfRangeException e)
        {
            throw new ArgumentOutOfRangeException(e.Member, e.Message); // a type every client can deserialise
        }

        ArgumentOutOfRangeException.ThrowIfNegative(spec.Placement.Shards, nameof(spec.Placement.Shards));
        S.Spec = spec;
        S.State = RunState.Running;
        S.SubmittedUtc = DateTime.UtcNow;
        S.Scenario = models.Get(spec).Parameters.ScenarioName;
        await state.WriteStateAsync();
        _status = new RunStatus(spec.RunId, RunState.Running, 0, 0, null);
        await Catalogue();
        // the reminder wakes this grain wherever it can live while the run is unfinished: activation resumes it
        await this.RegisterOrUpdateReminder(ResumeReminder, ResumeCheck, ResumeCheck);
        StartBackground(resumeAt: -1);
        return _status;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being activated for this tick has resumed an unfinished run (OnActivateAsync); a finished one needs it no more.
        if (reminderName == ResumeReminder && S.State is RunState.Done or RunState.Failed)
        {
            await Forget();
        }
    }

    private async Task Forget()
    {
        try
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception e)
        {
            // the next tick tries again
            logger.LogWarning("run {RunId}: dropping its resume reminder failed ({Error})", S.Spec?.RunId, e.Message);
        }
    }

    public Task<RunStatus> Status() => Task.FromResult(_status);

    public Task<RunSpec?> Spec() => Task.FromResult(S.Spec);

    public Task<ImmutableArray<CheckpointInfo>> Checkpoints() => Task.FromResult(S.Checkpoints.ToImmutableArray());

    public async Task<RunOutcome?> Outcome()
    {
        if (S.State != RunState.Done || S.Spec is null)
        {
            return null;
        }

        var model = models.Get(S.Spec);
        _table ??= TrialTable.Concatenate(await CheckpointedBatches(model));
        return new RunOutcome(_table.FirstYear, _table.Years, _table.Trials, ImmutableArray.Create(_table.Values), S.StoppedBy, S.WidestHalfWidth);
    }

    private static double Fraction(RunPlan plan, int done) => plan.Adaptive ? 0 : Math.Min(1, done / (double)plan.Trials);

    private void StartBackground(int resumeAt)
    {
        if (_running)
        {
            return;
        }

        _running = true;
        S.Activations++;
        if (resumeAt >= 0 && S.ResumedAtTrial < 0)
        {
            S.ResumedAtTrial = resumeAt;
        }

        // Keep this activation while the run goes on, even if no client polls.
        DelayDeactivation(TimeSpan.FromDays(1));
        _ = RunAsync(); // runs on this activation's scheduler, interleaved with Status calls
    }

    private async Task RunAsync()
    {
        var spec = S.Spec!;
        try
        {
            await WriteWithRetry(); // the activation count
            var model = models.Get(spec);
            if (spec.Placement.Shards == 0)
            {
                // One shard per active silo, persisted, so a resumed run keeps the count.
                var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
                spec = spec with { Placement = spec.Placement with { Shards = Math.Max(1, hosts.Count) } };
                S.Spec = spec;
                await WriteWithRetry();
            }

            var finished = await CheckpointedBatches(model);
            _status = _status with
            {
                Shards = spec.Placement.Shards, Batches = S.Checkpoints.Count, Resumes = Math.Max(0, S.Activations - 1), ResumedAtTrial = S.ResumedAtTrial,
            };
            var runner = new ShardBatchRunner(GrainFactory, spec, model, S.Activations, logger);
            var driver = new RunDriver(model, spec.Plan, runner)
            {
                BatchFinished = (first, batch, _) => Checkpoint(spec, first, batch),
            };
            var result = await driver.Run(finished, new InlineProgress<RunProgress>(p => _status = _status with
            {
                TrialsDone = p.TrialsDone, Fraction = Math.Min(1, p.Fraction), WidestHalfWidth = p.WidestHalfWidth,
            }));
            _table = result.Table;
            S.StoppedBy = (int)result.StoppedBy;
            S.WidestHalfWidth = result.WidestHalfWidth;
            S.State = RunState.Done;
            S.FinishedUtc = DateTime.UtcNow;
            await WriteWithRetry();
            _status = _status with { State = RunState.Done, Fraction = 1, TrialsDone = result.Table.Trials };
            if (S.Activations > 1)
            {
                logger.LogWarning("run {RunId}: finished after resuming at trial {Trial}", spec.RunId, S.ResumedAtTrial);
            }

            await Forget();
            try
            {
                await runner.Release();
            }
            catch (Exception e)
            {
                logger.LogWarning("run {RunId}: releasing its agents failed ({Error}); they go at the collection age", spec.RunId, e.Message);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "run {RunId} failed", spec.RunId);
            S.State = RunState.Failed;
            S.Error = e.Message;
            S.FinishedUtc = DateTime.UtcNow;
            _status = _status with { State = RunState.Failed, Error = e.Message };
            try
            {
                await state.WriteStateAsync();
            }
            catch (Exception w)
            {
                logger.LogError(w, "run {RunId}: could not persist the failure", spec.RunId);
            }

            await Forget();
        }
        finally
        {
            _running = false;
        }

        await Catalogue();
    }

    /// <summary>A finished batch: its values to its store, then the checkpoint to the run's state.</summary>
    private async Task Checkpoint(RunSpec spec, int first, TrialTable batch)
    {
        var store = GrainFactory.GetGrain<IBatchStoreGrain>(BatchStoreGrain.Key(spec.RunId, first));
        await Retry(() => store.Save(new Immutable<double[]>(batch.Values)), "saving the batch");
        S.Checkpoints.Add(new CheckpointInfo(first, batch.Trials, RuntimeIdentity, DateTime.UtcNow, S.Activations));
        await WriteWithRetry();
        _status = _status with { Batches = S.Checkpoints.Count };
    }

    /// <summary>The checkpointed batches' tables, in trial order, loaded from their stores.</summary>
    private async Task<TrialTable[]> CheckpointedBatches(SimulationModel model)
    {
        var tables = new TrialTable[S.Checkpoints.Count];
        for (var i = 0; i < tables.Length; i++)
        {
            var c = S.Checkpoints[i];
            var values = await GrainFactory.GetGrain<IBatchStoreGrain>(BatchStoreGrain.Key(S.Spec!.RunId, c.FirstTrial)).Load();
            tables[i] = model.NewTable(c.Trials);
            values.Value.CopyTo(tables[i].Values, 0);
        }

        return tables;
    }

    private Task WriteWithRetry() => Retry(() => state.WriteStateAsync(), "writing the run's state");

    private Task Retry(Func<Task> write, string what) => Backoff.Retry(write, _ => true, (attempt, e) =>
        logger.LogWarning("run {RunId}: {What} failed (attempt {Attempt}): {Error}", S.Spec?.RunId, what, attempt, e.Message));

    /// <summary>Records the run in the catalogue; a catalogue failure does not fail the run.</summary>
    private async Task Catalogue()
    {
        var spec = S.Spec!;
        try
        {
            await GrainFactory.GetGrain<IRunCatalogGrain>(0).Put(new RunRecord(spec.RunId, S.Scenario, spec.Plan.Seed,
                spec.Plan.Adaptive ? S.Checkpoints.Sum(c => c.Trials) : spec.Plan.Trials, S.State, S.SubmittedUtc, S.FinishedUtc, spec.Plan.Adaptive));
        }
        catch (Exception e)
        {
            logger.LogWarning("run {RunId}: catalogue not updated: {Error}", spec.RunId, e.Message);
        }
    }
}
