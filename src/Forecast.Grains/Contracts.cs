using System.Collections.Immutable;
using Forecast.Aggregation;
using Forecast.Inputs;
using Forecast.Simulation;

namespace Forecast.Grains;

/// <summary>A run as submitted: the input texts, the seed and the Monte Carlo shape.</summary>
[GenerateSerializer, Immutable, Alias("forecast.run-spec")]
public sealed record RunSpec(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] ModelInputs Inputs,
    [property: Id(2)] ulong Seed,
    [property: Id(3)] int Trials,
    [property: Id(4)] int BatchSize,
    [property: Id(5)] int Shards);

/// <summary>One year of one batch, as a shard hands it to its agents.</summary>
[GenerateSerializer, Immutable, Alias("forecast.step-request")]
public sealed record StepRequest(
    [property: Id(0)] RunSpec Spec,
    [property: Id(1)] YearContext Context,
    [property: Id(2)] Guid PoolId,
    [property: Id(3)] bool FirstYear);

[GenerateSerializer, Immutable, Alias("forecast.run-status")]
public sealed record RunStatus(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] string State,
    [property: Id(2)] double Fraction,
    [property: Id(3)] int TrialsDone,
    [property: Id(4)] string? Error);

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
    Task<PartialAggregate> StepYear(Immutable<RunSpec> spec, Immutable<YearContext> context);
}

/// <summary>One enterprise of one run. Key: agent index + run id.</summary>
[Alias("forecast.enterprise")]
public interface IEnterpriseGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Steps the year; returns null when it added into the local pool, else its own partial.</summary>
    [Alias("step")]
    Task<PartialAggregate?> Step(Immutable<StepRequest> request);
}

/// <summary>One incubator slot of one run. Key: slot index + run id.</summary>
[Alias("forecast.incubator")]
public interface IIncubatorGrain : IGrainWithIntegerCompoundKey
{
    [Alias("step")]
    Task<PartialAggregate?> Step(Immutable<StepRequest> request);
}
