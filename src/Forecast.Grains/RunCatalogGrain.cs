using System.Collections.Immutable;
using Orleans.Runtime;

namespace Forecast.Grains;

/// <summary>One run as the catalogue lists it.</summary>
[GenerateSerializer, Immutable, Alias("forecast.run-record")]
public sealed record RunRecord(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] string Scenario,
    [property: Id(2)] ulong Seed,
    [property: Id(3)] int Trials,
    [property: Id(4)] string State,
    [property: Id(5)] DateTime SubmittedUtc,
    [property: Id(6)] DateTime? FinishedUtc,
    [property: Id(7)] bool Adaptive = false);

/// <summary>A persisted batch checkpoint, as reported (without its values).</summary>
[GenerateSerializer, Immutable, Alias("forecast.checkpoint-info")]
public sealed record CheckpointInfo(
    [property: Id(0)] int FirstTrial,
    [property: Id(1)] int Trials,
    [property: Id(2)] string Silo,
    [property: Id(3)] DateTime FinishedUtc,
    [property: Id(4)] int Activation);

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

[GenerateSerializer, Alias("forecast.run-catalog-state")]
public sealed class RunCatalogState
{
    [Id(0)] public List<RunRecord> Runs { get; set; } = [];
}

public sealed class RunCatalogGrain(
    [PersistentState("catalog", SiloBuilderExtensions.Storage)] IPersistentState<RunCatalogState> state) : Grain, IRunCatalogGrain
{
    public async Task Put(RunRecord record)
    {
        var runs = state.State.Runs;
        var i = runs.FindIndex(r => r.RunId == record.RunId);
        if (i >= 0)
        {
            runs[i] = record;
        }
        else
        {
            runs.Add(record);
        }

        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<RunRecord>> List() => Task.FromResult(state.State.Runs.ToImmutableArray());

    public Task<RunRecord?> Get(Guid runId) => Task.FromResult(state.State.Runs.FirstOrDefault(r => r.RunId == runId));
}
