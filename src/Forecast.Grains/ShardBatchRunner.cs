using Forecast.Aggregation;
using Forecast.Running;
using Forecast.Simulation;
using Microsoft.Extensions.Logging;

namespace Forecast.Grains;

/// <summary>
/// The coordinator's batch runner: each year of a batch fans out to the run's shards (one per silo
/// by default) and merges their partials. A batch whose calls fail (a silo died under a shard or an
/// agent) is retried from its first year in a new placement epoch: fresh shard keys, so shards and
/// their agents are placed afresh next to each other on the silos alive then. A trial's numbers
/// depend only on (seed, trial), so a retry gives the same bits.
/// </summary>
internal sealed class ShardBatchRunner(IGrainFactory grains, RunSpec spec, SimulationModel model, int activation, ILogger logger) : IBatchRunner
{
    private int _failures; // failed attempts so far: with the activation, the placement epoch
    private IShardGrain[] _shards = []; // the shards of the latest attempt

    /// <summary>One batch at a time: each is already spread over every silo.</summary>
    public int ConcurrentBatches => 1;

    /// <summary>The batch, retried from its first year in a new placement epoch after a failure (up to <see cref="Backoff.MaxAttempts"/>).</summary>
    public Task<TrialTable> Run(BatchSlice batch, IProgress<double> progress, CancellationToken cancellation) =>
        Backoff.Retry(() => RunOnce(batch, progress, cancellation), e => e is not ArgumentException, (attempt, e) =>
        {
            logger.LogWarning("run {RunId}: batch at trial {First} failed (attempt {Attempt}): {Error}; retrying", spec.RunId, batch.FirstTrial, attempt, e.Message);
            _failures++;
        }, cancellation);

    /// <summary>
    /// The run is over: its shards deactivate the agents they called, so a silo running run after run
    /// (a study) frees each run's agent states at once instead of holding them to the collection age.
    /// Shards of earlier, failed attempts are left to the collection age.
    /// </summary>
    public Task Release() => Task.WhenAll(_shards.Select(s => s.Release(spec.RunId)));

    private async Task<TrialTable> RunOnce(BatchSlice batch, IProgress<double> progress, CancellationToken cancellation)
    {
        // Epoch 0 (the first activation, no failure yet) keeps the plain "{runId}/{k}" keys.
        var prefix = activation <= 1 && _failures == 0 ? $"{spec.RunId:N}" : $"{spec.RunId:N}-{activation}.{_failures}";
        var shards = _shards = Enumerable.Range(0, spec.Placement.Shards).Select(k => grains.GetGrain<IShardGrain>($"{prefix}/{k}")).ToArray();
        var immutableSpec = new Immutable<RunSpec>(spec);
        var coordinator = new BatchCoordinator(model, spec.Plan.Seed, batch.FirstTrial, batch.Trials);
        return await coordinator.RunYears(model.LastYear, async ctx =>
        {
            var year = new Immutable<YearContext>(ctx);
            var partials = await Task.WhenAll(shards.Select(s => s.StepYear(immutableSpec, year)));
            if (partials.Length == 1)
            {
                return partials[0].Value; // one shard: its partial is the year's, and nothing else holds it
            }

            var merged = new PartialAggregate(batch.Trials);
            merged.MergeAll(partials.Select(p => p.Value).ToList());
            return merged;
        }, progress, cancellation);
    }
}
