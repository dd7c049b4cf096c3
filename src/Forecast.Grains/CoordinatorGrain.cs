using System.Collections.Immutable;
using Forecast.Aggregation;
using Forecast.Simulation;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Forecast.Grains;

/// <summary>
/// A finished batch, the unit of checkpointing: its trials' rows of the <see cref="TrialTable"/> are
/// kept by a <see cref="IBatchStoreGrain"/> of their own (so the coordinator's state stays small and
/// each checkpoint writes one batch, not the whole run). A checkpoint per year would need every
/// agent's per-trial state; a batch re-initialises its agents in its first year, so resuming at a
/// batch boundary needs only these values.
/// </summary>
[GenerateSerializer, Immutable, Alias("forecast.batch-checkpoint")]
public sealed record BatchCheckpoint(
    [property: Id(0)] int FirstTrial,
    [property: Id(1)] int Trials,
    [property: Id(3)] string Silo,
    [property: Id(4)] DateTime FinishedUtc,
    [property: Id(5)] int Activation);

/// <summary>The per-trial values of one finished batch of a run. Key: "{runId:N}/{firstTrial}".</summary>
[Alias("forecast.batch-store")]
public interface IBatchStoreGrain : IGrainWithStringKey
{
    [Alias("save")]
    Task Save(Immutable<double[]> values);

    [Alias("load")]
    Task<Immutable<double[]>> Load();
}

[GenerateSerializer, Alias("forecast.batch-values")]
public sealed class BatchValues
{
    [Id(0)] public double[]? Values { get; set; }
}

public sealed class BatchStoreGrain(
    [PersistentState("batch", SiloBuilderExtensions.Storage)] IPersistentState<BatchValues> state) : Grain, IBatchStoreGrain
{
    public async Task Save(Immutable<double[]> values)
    {
        state.State.Values = values.Value;
        await state.WriteStateAsync();
    }

    public Task<Immutable<double[]>> Load() =>
        Task.FromResult(new Immutable<double[]>(state.State.Values ?? throw new InvalidOperationException($"batch {this.GetPrimaryKeyString()} has no saved values")));
}

/// <summary>What the coordinator persists: the run's spec, state, completed batches and times.</summary>
[GenerateSerializer, Alias("forecast.run-state")]
public sealed class RunState
{
    [Id(0)] public RunSpec? Spec { get; set; }
    [Id(1)] public string State { get; set; } = "idle";
    [Id(2)] public List<BatchCheckpoint> Batches { get; set; } = [];
    [Id(3)] public string? Error { get; set; }
    [Id(4)] public DateTime SubmittedUtc { get; set; }
    [Id(5)] public DateTime? FinishedUtc { get; set; }
    [Id(6)] public string Scenario { get; set; } = "";
    [Id(7)] public int Activations { get; set; }
    [Id(8)] public int ResumedAtTrial { get; set; } = -1;
}

/// <summary>
/// Runs a forecast: batch by batch, year by year, it draws the district state with
/// <see cref="BatchCoordinator"/>, has every shard step its agents, merges the shards' partials and
/// closes the year. The run goes on in the background; clients poll <see cref="Status"/>.
/// <para>State lives in grain storage "forecast": after every batch the batch's trial values are
/// persisted, so an activation that finds a running run (its silo died, or it was deactivated)
/// resumes at the first unfinished batch. A failed batch (a silo died under a shard or agent) is
/// retried from its first year; the numbers depend only on (seed, trial), so results are unchanged.</para>
/// </summary>
public sealed class CoordinatorGrain(
    ModelCache models,
    ILogger<CoordinatorGrain> logger,
    [PersistentState("run", SiloBuilderExtensions.Storage)] IPersistentState<RunState> state) : Grain, ICoordinatorGrain
{
    /// <summary>Attempts per batch before the run is declared failed.</summary>
    public const int MaxAttempts = 20;

    private RunStatus _status = new(Guid.Empty, "idle", 0, 0, null);
    private bool _running;
    private int _failures; // failed batch attempts of this activation (part of the placement epoch)
    private readonly Dictionary<int, TrialTable> _tables = []; // batch values this activation holds, by first trial

    private RunState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is { } spec)
        {
            var done = S.Batches.Sum(b => b.Trials);
            if (S.State == "running")
            {
                logger.LogWarning("run {RunId}: resuming at trial {Trial} ({Batches} batches checkpointed)", spec.RunId, done, S.Batches.Count);
                StartBackground(resume: true, done);
            }

            _status = new RunStatus(spec.RunId, S.State, S.State == "done" ? 1 : Fraction(spec, done), done, S.Error,
                Shards: spec.Shards, Batches: S.Batches.Count, Resumes: Math.Max(0, S.Activations - 1), ResumedAtTrial: S.ResumedAtTrial);
        }

        return Task.CompletedTask;
    }

    public async Task<RunStatus> Start(RunSpec spec)
    {
        if (S.Spec is not null)
        {
            return _status; // idempotent: a second Start of the same run reports on the first
        }

        Validate(spec);
        S.Spec = spec;
        S.State = "running";
        S.SubmittedUtc = DateTime.UtcNow;
        S.Scenario = models.Get(spec).Parameters.ScenarioName;
        await state.WriteStateAsync();
        _status = new RunStatus(spec.RunId, "running", 0, 0, null);
        await Catalogue();
        StartBackground(resume: false, 0);
        return _status;
    }

    /// <summary>Refuses a spec that cannot run (the CLI checks its options first; this guards other clients).</summary>
    private static void Validate(RunSpec spec)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.BatchSize, nameof(spec.BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(spec.Shards, nameof(spec.Shards));
        if (spec.Adaptive)
        {
            AdaptiveStopping.Validate(spec.Precision);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.MaxTrials, nameof(spec.MaxTrials));
        }
        else
        {
            if (double.IsNaN(spec.Precision) || spec.Precision < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(spec.Precision), spec.Precision, "precision must be 0 (fixed trials) or in (0, 0.5]");
            }

            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Trials, nameof(spec.Trials));
        }
    }

    public Task<RunStatus> Status() => Task.FromResult(_status);

    public Task<RunSpec?> Spec() => Task.FromResult(S.Spec);

    public Task<ImmutableArray<CheckpointInfo>> Checkpoints() => Task.FromResult(
        S.Batches.Select(b => new CheckpointInfo(b.FirstTrial, b.Trials, b.Silo, b.FinishedUtc, b.Activation)).ToImmutableArray());

    public async Task<RunOutcome?> Outcome()
    {
        if (S.State != "done" || S.Spec is null)
        {
            return null;
        }

        var model = models.Get(S.Spec);
        var table = AdaptiveStopping.Concatenate(model.FirstYear, model.Years, await Tables(model));
        return new RunOutcome(table.FirstYear, table.Years, table.Trials, ImmutableArray.Create(table.Values));
    }

    /// <summary>The checkpointed batches' tables, loaded from their stores where this activation does not hold them.</summary>
    private async Task<TrialTable[]> Tables(SimulationModel model)
    {
        var spec = S.Spec!;
        var batches = S.Batches.ToArray();
        var tables = new TrialTable[batches.Length];
        for (var i = 0; i < batches.Length; i++)
        {
            var b = batches[i];
            if (!_tables.TryGetValue(b.FirstTrial, out var table))
            {
                var values = await GrainFactory.GetGrain<IBatchStoreGrain>(StoreKey(spec.RunId, b.FirstTrial)).Load();
                table = new TrialTable(model.FirstYear, model.Years, b.Trials);
                values.Value.CopyTo(table.Values, 0);
                _tables[b.FirstTrial] = table;
            }

            tables[i] = table;
        }

        return tables;
    }

    private static string StoreKey(Guid runId, int firstTrial) => $"{runId:N}/{firstTrial}";

    private void StartBackground(bool resume, int done)
    {
        if (_running)
        {
            return;
        }

        _running = true;
        S.Activations++;
        if (resume && S.ResumedAtTrial < 0)
        {
            S.ResumedAtTrial = done;
        }

        // Keep this activation while the run goes on, even if no client polls.
        DelayDeactivation(TimeSpan.FromDays(1));
        _ = RunAsync(); // runs on this activation's scheduler, interleaved with Status calls
    }

    private static double Fraction(RunSpec spec, int done) =>
        spec.Adaptive ? 0 : Math.Min(1, done / (double)Math.Max(1, spec.Trials));

    private async Task RunAsync()
    {
        var spec = S.Spec!;
        try
        {
            await WriteWithRetry(); // the activation count
            var model = models.Get(spec);
            if (spec.Shards == 0)
            {
                // One shard per active silo; the shards read the resolved count from the spec (persisted, so a resumed run keeps it).
                var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
                spec = spec with { Shards = Math.Max(1, hosts.Count) };
                S.Spec = spec;
                await WriteWithRetry();
            }

            var cap = spec.Adaptive ? spec.MaxTrials : spec.Trials;
            var tally = spec.Adaptive ? new PrecisionTally(model) : null;
            var widest = AdaptiveStopping.MaxPrecision;
            var done = 0;
            var stop = false;
            var saved = tally is null ? [] : await Tables(model); // an adaptive run's rule needs the saved batches' values
            for (var i = 0; i < S.Batches.Count; i++)
            {
                done += S.Batches[i].Trials;
                if (tally is not null)
                {
                    tally.Add(saved[i]);
                    widest = tally.WidestHalfWidth;
                    stop = widest <= spec.Precision;
                }
            }

            _status = _status with
            {
                Shards = spec.Shards, TrialsDone = done, Batches = S.Batches.Count, WidestHalfWidth = tally is null ? 0 : widest,
                Resumes = Math.Max(0, S.Activations - 1), ResumedAtTrial = S.ResumedAtTrial,
            };
            while (done < cap && !stop)
            {
                var first = done;
                var count = Math.Min(spec.BatchSize, cap - first);
                var total = tally is null ? cap : Math.Max(first + count, AdaptiveStopping.EstimateTrials(first, widest, spec.Precision, cap));
                var table = await BatchWithRetry(spec, model, first, count, total);
                var store = GrainFactory.GetGrain<IBatchStoreGrain>(StoreKey(spec.RunId, first));
                await Retry(() => store.Save(new Immutable<double[]>(table.Values)), "saving the batch");
                _tables[first] = table;
                S.Batches.Add(new BatchCheckpoint(first, count, RuntimeIdentity, DateTime.UtcNow, S.Activations));
                await WriteWithRetry();
                done += count;
                if (tally is not null)
                {
                    tally.Add(table);
                    widest = tally.WidestHalfWidth;
                    stop = widest <= spec.Precision; // the rule holds at this batch boundary
                }

                _status = _status with { TrialsDone = done, Batches = S.Batches.Count, WidestHalfWidth = tally is null ? 0 : widest };
            }

            S.State = "done";
            S.FinishedUtc = DateTime.UtcNow;
            await WriteWithRetry();
            _status = _status with { State = "done", Fraction = 1 };
        }
        catch (Exception e)
        {
            logger.LogError(e, "run {RunId} failed", spec.RunId);
            S.State = "failed";
            S.Error = e.Message;
            S.FinishedUtc = DateTime.UtcNow;
            _status = _status with { State = "failed", Error = e.Message };
            try
            {
                await state.WriteStateAsync();
            }
            catch (Exception w)
            {
                logger.LogError(w, "run {RunId}: could not persist the failure", spec.RunId);
            }
        }
        finally
        {
            _running = false;
        }

        await Catalogue();
    }

    /// <summary>One batch, retried from its first year when a call fails (a silo died, a grain moved).</summary>
    private async Task<TrialTable> BatchWithRetry(RunSpec spec, SimulationModel model, int first, int count, int total)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Batch(spec, model, first, count, total);
            }
            catch (Exception e) when (attempt < MaxAttempts && e is not ArgumentException)
            {
                logger.LogWarning("run {RunId}: batch at trial {First} failed (attempt {Attempt}): {Error}; retrying", spec.RunId, first, attempt, e.Message);
                _failures++; // a new placement epoch: fresh shards and agents on the silos alive now
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)));
            }
        }
    }

    private async Task<TrialTable> Batch(RunSpec spec, SimulationModel model, int first, int count, int total)
    {
        // Epoch 0 (the first activation, no failure yet) keeps the plain "{runId}/{k}" keys.
        var prefix = S.Activations <= 1 && _failures == 0 ? $"{spec.RunId:N}" : $"{spec.RunId:N}-{S.Activations}.{_failures}";
        var shards = Enumerable.Range(0, spec.Shards)
            .Select(s => GrainFactory.GetGrain<IShardGrain>($"{prefix}/{s}"))
            .ToArray();
        var immutableSpec = new Immutable<RunSpec>(spec);
        var coordinator = new BatchCoordinator(model, spec.Seed, first, count);
        for (var year = model.FirstYear; year <= model.LastYear; year++)
        {
            var ctx = new Immutable<YearContext>(coordinator.BeginYear(year));
            var partials = await Task.WhenAll(shards.Select(s => s.StepYear(immutableSpec, ctx)));
            var merged = new PartialAggregate(count);
            merged.MergeAll(partials.Select(p => p.Value).ToList());

            coordinator.EndYear(merged);
            var fraction = (first + (count * (year - model.FirstYear + 1.0) / model.Years)) / total;
            _status = _status with { Fraction = Math.Min(1, fraction) };
        }

        return coordinator.Table;
    }

    private Task WriteWithRetry() => Retry(() => state.WriteStateAsync(), "writing the run's state");

    private async Task Retry(Func<Task> write, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception e) when (attempt < MaxAttempts)
            {
                logger.LogWarning("run {RunId}: {What} failed (attempt {Attempt}): {Error}", S.Spec?.RunId, what, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)));
            }
        }
    }

    /// <summary>Records the run in the catalogue; a catalogue failure does not fail the run.</summary>
    private async Task Catalogue()
    {
        var spec = S.Spec!;
        try
        {
            await GrainFactory.GetGrain<IRunCatalogGrain>(0).Put(new RunRecord(spec.RunId, S.Scenario, spec.Seed,
                spec.Adaptive ? S.Batches.Sum(b => b.Trials) : spec.Trials, S.State, S.SubmittedUtc, S.FinishedUtc, spec.Adaptive));
        }
        catch (Exception e)
        {
            logger.LogWarning("run {RunId}: catalogue not updated: {Error}", spec.RunId, e.Message);
        }
    }
}
