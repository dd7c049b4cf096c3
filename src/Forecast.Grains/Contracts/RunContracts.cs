using System.Collections.Immutable;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Running;

namespace Forecast.Grains;

/// <summary>How a run's agents are spread over the cluster.</summary>
/// <param name="Shards">Shard grains the agents are split over; 0 asks the coordinator for one per active silo (it persists the resolved count).</param>
/// <param name="SiloAggregation">Agents add into their silo's partial pool (true) or return their own partials to the shard (false).</param>
[GenerateSerializer, Immutable, Alias("forecast.placement")]
public sealed record Placement(
    [property: Id(0)] int Shards = 0,
    [property: Id(1)] bool SiloAggregation = true);

/// <summary>A run as submitted to a cluster: its id, the input texts, the plan and the placement.</summary>
[GenerateSerializer, Immutable, Alias("forecast.run-spec.v2")]
public sealed record RunSpec(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] ModelInputs Inputs,
    [property: Id(2)] RunPlan Plan,
    [property: Id(3)] Placement Placement)
{
    public RunRequest Request => new(Inputs, Plan);
}

/// <summary>The per-trial indicator table of a finished run (the client finalises it) and what stopped it (a <see cref="StopReason"/> by number).</summary>
[GenerateSerializer, Immutable, Alias("forecast.run-outcome.v2")]
public sealed record RunOutcome(
    [property: Id(0)] int FirstYear,
    [property: Id(1)] int Years,
    [property: Id(2)] int Trials,
    [property: Id(3)] ImmutableArray<double> Values,
    [property: Id(4)] int StoppedBy,
    [property: Id(5)] double? WidestHalfWidth);

/// <summary>Runs one forecast (key: its run id): the run loop over shards, checkpoints, resume.</summary>
[Alias("forecast.coordinator")]
public interface ICoordinatorGrain : IGrainWithGuidKey
{
    /// <summary>Starts the run in the background; a second Start reports on the first.</summary>
    [Alias("start")]
    Task<RunStatus> Start(RunSpec spec);

    /// <summary>Where the run is; an unknown run reads as idle with an empty id.</summary>
    [Alias("status")]
    Task<RunStatus> Status();

    /// <summary>The finished run's table, or null while it runs or when it failed.</summary>
    [Alias("outcome")]
    Task<RunOutcome?> Outcome();

    /// <summary>The run's spec (shard count resolved), or null for an unknown run.</summary>
    [Alias("spec")]
    Task<RunSpec?> Spec();

    /// <summary>The persisted batch checkpoints: which trials, computed where and when.</summary>
    [Alias("checkpoints")]
    Task<ImmutableArray<CheckpointInfo>> Checkpoints();
}

/// <summary>Every run submitted to the cluster (persisted, so it outlives every silo). Key: 0.</summary>
[Alias("forecast.run-catalog")]
public interface IRunCatalogGrain : IGrainWithIntegerKey
{
    [Alias("put")]
    Task Put(RunRecord record);

    [Alias("list")]
    Task<ImmutableArray<RunRecord>> List();

    [Alias("get")]
    Task<RunRecord?> Get(Guid runId);
}

/// <summary>The per-trial values of one finished batch of a run, the unit of checkpointing. Key: "{runId:N}/{firstTrial}".</summary>
[Alias("forecast.batch-store")]
public interface IBatchStoreGrain : IGrainWithStringKey
{
    [Alias("save")]
    Task Save(Immutable<double[]> values);

    [Alias("load")]
    Task<Immutable<double[]>> Load();
}
