using System.Collections.Concurrent;
using Forecast.Aggregation;
using Forecast.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace Forecast.Grains;

/// <summary>
/// Per-silo models: every silo builds the run's model once from the run's input texts
/// (deterministic, so all silos hold the same model).
/// </summary>
public sealed class ModelCache
{
    private readonly ConcurrentDictionary<Guid, Lazy<SimulationModel>> _models = new();

    public SimulationModel Get(RunSpec spec) =>
        _models.GetOrAdd(spec.RunId, _ => new Lazy<SimulationModel>(() => SimulationModel.Build(spec.Inputs))).Value;

    public void Forget(Guid runId) => _models.TryRemove(runId, out _);
}

/// <summary>
/// The per-silo aggregation: agent grains on this silo add their outcomes into the pool's
/// accumulator for the thread their turn runs on; the shard merges the pool (exact integer sums,
/// any order) and sends one partial on. Nothing is copied between grains of one silo.
/// </summary>
public sealed class LocalPartials
{
    private readonly ConcurrentDictionary<Guid, Pool> _pools = new();

    public Guid Open(int trials)
    {
        var id = Guid.NewGuid();
        _pools[id] = new Pool(trials);
        return id;
    }

    /// <summary>Adds into the pool <paramref name="id"/> if it lives on this silo; false if not.</summary>
    public bool TryAdd(Guid id, Action<Accumulator> add)
    {
        if (!_pools.TryGetValue(id, out var pool))
        {
            return false;
        }

        add(pool.Local);
        return true;
    }

    /// <summary>
    /// Adds into the local pool <paramref name="id"/>, returning null; where the pool lives on another
    /// silo, adds into a partial of the agent's own and returns it for the caller to merge.
    /// </summary>
    public PartialAggregate? AddLocallyOrReturn(Guid id, int trials, Action<Accumulator> add)
    {
        if (TryAdd(id, add))
        {
            return null;
        }

        var own = new Accumulator(trials);
        add(own);
        return own.Flush();
    }

    public PartialAggregate Close(Guid id)
    {
        if (!_pools.TryRemove(id, out var pool))
        {
            throw new InvalidOperationException($"no partial pool {id} on this silo");
        }

        return pool.Merge();
    }

    /// <summary>
    /// One accumulator per thread that adds into the pool: an agent's step is synchronous, so two
    /// turns never share a thread's accumulator at once, and no lock is taken per call (a shared
    /// free list cost a third of the grain path's CPU in lock contention).
    /// </summary>
    private sealed class Pool(int trials)
    {
        private readonly ThreadLocal<Accumulator> _local = new(() => new Accumulator(trials), trackAllValues: true);

        public Accumulator Local => _local.Value!;

        /// <summary>Merges every thread's accumulator; called once every add has completed.</summary>
        public PartialAggregate Merge()
        {
            var merged = new PartialAggregate(trials);
            merged.MergeAll(_local.Values.Select(a => a.Flush()).ToList());
            _local.Dispose();
            return merged;
        }
    }
}

public static class ForecastGrainsExtensions
{
    /// <summary>Registers what Forecast's grains need on a silo.</summary>
    public static IServiceCollection AddForecastGrains(this IServiceCollection services)
    {
        services.AddPlacementDirector<SiloIndexPlacement, SiloIndexPlacementDirector>();
        return services.AddSingleton<ModelCache>().AddSingleton<LocalPartials>();
    }
}
