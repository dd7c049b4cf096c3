using System.Collections.Immutable;
using Forecast.Aggregation;
using Forecast.Inputs;
using Forecast.Simulation;

namespace Forecast.Grains;

/// <summary>
/// A run as submitted: the input texts, the seed and the Monte Carlo shape.
/// <para><see cref="Shards"/>: shard grains the agents are split over; 0 asks the coordinator for
/// one shard per active silo (the spec it hands to its shards holds the resolved count).</para>
/// <para><see cref="Precision"/>: 0 runs exactly <see cref="Trials"/> trials; otherwise the run is
/// adaptive: <see cref="Trials"/> is ignored and batches run until every target and joint 95% Wilson
/// half-width is at most <see cref="Precision"/> (<see cref="AdaptiveStopping"/>) or
/// <see cref="MaxTrials"/> trials are done.</para>
/// <para><see cref="SiloAggregation"/>: agents add into their silo's partial pool (true) or return
/// their own partials to the shard (false).</para>
/// </summary>
[GenerateSerializer, Immutable, Alias("forecast.run-spec")]
public sealed record RunSpec(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] ModelInputs Inputs,
    [property: Id(2)] ulong Seed,
    [property: Id(3)] int Trials,
    [property: Id(4)] int BatchSize,
    [property: Id(5)] int Shards,
    [property: Id(6)] double Precision = 0,
    [property: Id(7)] int MaxTrials = 0,
    [property: Id(8)] bool SiloAggregation = true)
{
    /// <summary>True when the run stops on <see cref="Precision"/> rather than after <see cref="Trials"/>.</summary>
    public bool Adaptive => Precision > 0;
}

/// <summary>One year of one batch, as a shard hands it to its agents.</summary>
[GenerateSerializer, Immutable, Alias("forecast.step-request")]
public sealed record StepRequest(
    [property: Id(0)] RunSpec Spec,
    [property: Id(1)] YearContext Context,
    [property: Id(2)] Guid PoolId,
    [property: Id(3)] bool FirstYear);

/// <summary>
/// Where a run is: state (running, done, failed), fraction done (estimated when adaptive), trials
/// done, the widest target or joint 95% half-width so far (adaptive runs only) and the shard count used.
/// </summary>
[GenerateSerializer, Immutable, Alias("forecast.run-status")]
public sealed record RunStatus(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] string State,
    [property: Id(2)] double Fraction,
    [property: Id(3)] int TrialsDone,
    [property: Id(4)] string? Error,
    [property: Id(5)] double WidestHalfWidth = 0,
    [property: Id(6)] int Shards = 0,
    [property: Id(7)] int Batches = 0,
    [property: Id(8)] int Resumes = 0,
    [property: Id(9)] int ResumedAtTrial = -1);

/// <summary>The per-trial indicator table of a finished run (the client finalises it).</summary>
[GenerateSerializer, Immutable, Alias("forecast.run-outcome")]
public sealed record RunOutcome(
    [property: Id(0)] int FirstYear,
    [property: Id(1)] int Years,
    [property: Id(2)] int Trials,
    [property: Id(3)] ImmutableArray<double> Values);

/// <summary>Runs the years of every batch, couples agents through the district state, aggregates.</summary>
[Alias("forecast.coordinator")]
public interface ICoordinatorGrain : IGrainWithGuidKey
{
    [Alias("start")]
    Task<RunStatus> Start(RunSpec spec);

    [Alias("status")]
    Task<RunStatus> Status();

    [Alias("outcome")]
    Task<RunOutcome?> Outcome();

    /// <summary>The run's spec (shard count resolved), or null for an unknown run.</summary>
    [Alias("spec")]
    Task<RunSpec?> Spec();

    /// <summary>The persisted batch checkpoints: which trials, computed where and when.</summary>
    [Alias("checkpoints")]
    Task<ImmutableArray<CheckpointInfo>> Checkpoints();
}

/// <summary>
/// Steps a slice of the agents for the coordinator and returns their merged partial. Its agent
/// grains are placed on its silo, add into the silo-local partial pool, and so one partial per
/// shard and year travels to the coordinator.
/// </summary>
[Alias("forecast.shard")]
public interface IShardGrain : IGrainWithStringKey
{
    [Alias("step-year")]
    /// <summary>The shard's merged partial, returned immutable (never touched by the shard again, so a local call need not copy it).</summary>
    Task<Immutable<PartialAggregate>> StepYear(Immutable<RunSpec> spec, Immutable<YearContext> context);
}

/// <summary>One enterprise of one run. Key: agent index + run id.</summary>
[Alias("forecast.enterprise")]
public interface IEnterpriseGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Steps the year; returns null when it added into the local pool, else its own partial (immutable: not copied).</summary>
    [Alias("step")]
    Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request);
}

/// <summary>One incubator slot of one run. Key: slot index + run id.</summary>
[Alias("forecast.incubator")]
public interface IIncubatorGrain : IGrainWithIntegerCompoundKey
{
    [Alias("step")]
    Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request);
}
