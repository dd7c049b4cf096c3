using System.Collections.Immutable;
using Forecast.Engines;
using Orleans.Runtime;

namespace Forecast.Grains;

[GenerateSerializer, Alias("forecast.run-catalog-state.v2")]
public sealed class RunCatalogState
{
    [Id(0)] public List<RunRecord> Runs { get; set; } = [];
}

/// <summary>The catalogue of every run submitted to the cluster, one record per run, persisted.</summary>
public sealed class RunCatalogGrain(
    [PersistentState("catalog-v2", SiloBuilderExtensions.Storage)] IPersistentState<RunCatalogState> state) : Grain, IRunCatalogGrain
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
