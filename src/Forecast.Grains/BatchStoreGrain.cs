using Orleans.Runtime;

namespace Forecast.Grains;

[GenerateSerializer, Alias("forecast.batch-values")]
public sealed class BatchValues
{
    [Id(0)] public double[]? Values { get; set; }
}

/// <summary>
/// Keeps one finished batch's per-trial values, so the coordinator's own state stays small and each
/// checkpoint writes one batch, not the whole run.
/// </summary>
public sealed class BatchStoreGrain(
    [PersistentState("batch", SiloBuilderExtensions.Storage)] IPersistentState<BatchValues> state) : Grain, IBatchStoreGrain
{
    public static string Key(Guid runId, int firstTrial) => $"{runId:N}/{firstTrial}";

    public async Task Save(Immutable<double[]> values)
    {
        state.State.Values = values.Value;
        await state.WriteStateAsync();
    }

    public Task<Immutable<double[]>> Load() =>
        Task.FromResult(new Immutable<double[]>(state.State.Values ?? throw new InvalidOperationException($"batch {this.GetPrimaryKeyString()} has no saved values")));
}
