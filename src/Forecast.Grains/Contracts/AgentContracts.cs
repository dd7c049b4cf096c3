using Forecast.Aggregation;
using Forecast.Simulation;

namespace Forecast.Grains;

/// <summary>One year of one batch, as a shard hands it to its agents.</summary>
[GenerateSerializer, Immutable, Alias("forecast.step-request")]
public sealed record StepRequest(
    [property: Id(0)] RunSpec Spec,
    [property: Id(1)] YearContext Context,
    [property: Id(2)] Guid PoolId,
    [property: Id(3)] bool FirstYear);

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

    /// <summary>The run is over: deactivates the agents this shard called, forgets the run's model on this silo, then itself.</summary>
    [Alias("release")]
    Task Release(Guid runId);
}

/// <summary>One enterprise of one run. Key: agent index + run key.</summary>
[Alias("forecast.enterprise")]
public interface IEnterpriseGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Steps the year; returns null when it added into the local pool, else its own partial (immutable: not copied).</summary>
    [Alias("step")]
    Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request);

    /// <summary>The run is over: deactivate (frees its batch state now, not at the collection age).</summary>
    [OneWay, Alias("release")]
    Task Release();
}

/// <summary>One incubator slot of one run. Key: slot index + run key.</summary>
[Alias("forecast.incubator")]
public interface IIncubatorGrain : IGrainWithIntegerCompoundKey
{
    [Alias("step")]
    Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request);

    [OneWay, Alias("release")]
    Task Release();
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
