using Forecast.Aggregation;
using Forecast.Simulation;

namespace Forecast.Grains;

/// <summary>
/// One year of one batch, as a shard hands it to its agents. <see cref="RunKey"/> is the run and its
/// placement epoch (the shard key's prefix): an agent keeps a state per run key, so the calls of an
/// abandoned epoch still in flight never touch the state of the epoch that replaced it.
/// </summary>
[GenerateSerializer, Immutable, Alias("forecast.step-request")]
public sealed record StepRequest(
    [property: Id(0)] RunSpec Spec,
    [property: Id(1)] YearContext Context,
    [property: Id(2)] Guid PoolId,
    [property: Id(3)] bool FirstYear,
    [property: Id(4)] string RunKey);

/// <summary>
/// Steps a slice of the agents for the coordinator and returns their merged partial. Its agent
/// grains are placed on its silo, add into the silo-local partial pool, and so one partial per
/// shard and year travels to the coordinator. Key: "{runId}/{k}" or "{runId}-{epoch}/{k}".
/// </summary>
[Alias("forecast.shard")]
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>The shard's merged partial, returned immutable (never touched by the shard again, so a local call need not copy it).</summary>
    [Alias("step-year")]
    Task<Immutable<PartialAggregate>> StepYear(Immutable<RunSpec> spec, Immutable<YearContext> context);

    /// <summary>The run is over: the agents this shard called drop the run's state, the silo forgets its model, the shard deactivates.</summary>
    [Alias("release")]
    Task Release(Guid runId);
}

/// <summary>One enterprise, for every run its shard's silo steps. Key: agent index + "{silo}/{shards}/{shard}".</summary>
[Alias("forecast.enterprise")]
public interface IEnterpriseGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Steps the year; returns null when it added into the local pool, else its own partial (immutable: not copied).</summary>
    [Alias("step")]
    Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request);

    /// <summary>The run is over: drop its batch state (now, not at the collection age); the grain stays for the next run.</summary>
    [OneWay, Alias("release")]
    Task Release(string runKey);
}

/// <summary>One incubator slot, for every run its shard's silo steps. Key: slot index + "{silo}/{shards}/{shard}".</summary>
[Alias("forecast.incubator")]
public interface IIncubatorGrain : IGrainWithIntegerCompoundKey
{
    [Alias("step")]
    Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request);

    [OneWay, Alias("release")]
    Task Release(string runKey);
}

/// <summary>Tells which silo an activation lives on (for placement checks and diagnostics).</summary>
[Alias("forecast.silo-probe")]
public interface ISiloProbe : IGrainWithStringKey
{
    [Alias("silo")]
    Task<string> Silo();
}

/// <summary>
/// Does nothing, with an agent grain's call shape (a year's context in, a nullable partial out) and
/// placement: what Orleans itself costs per call, the floor of the grain path (benchmarks).
/// </summary>
[Alias("forecast.ping")]
public interface IPingGrain : IGrainWithIntegerCompoundKey
{
    [Alias("ping")]
    Task<Immutable<PartialAggregate?>> Ping(Immutable<YearContext> context);
}
