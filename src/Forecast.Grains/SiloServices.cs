using System.Collections.Concurrent;
using Forecast.Aggregation;
using Forecast.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace Forecast.Grains;

/// <summary>
/// Per-silo models: every silo builds a run's model once from the run's input texts (deterministic,
/// so all silos hold the same model). A model no caller has asked for in <see cref="IdleLimit"/> is
/// dropped, so a long-lived silo does not keep every run's model; a grain still holding one keeps
/// its own reference, and a later caller builds it again.
/// </summary>
public sealed class ModelCache(TimeProvider clock)
{
    /// <summary>How long an unused model is kept (runs use theirs every year of every batch).</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<Guid, Entry> _models = new();
    private long _nextSweep;

    /// <summary>Models held now.</summary>
    public int Count => _models.Count;

    public SimulationModel Get(RunSpec spec)
    {
        var now = clock.GetTimestamp();
        var entry = _models.GetOrAdd(spec.RunId, _ => new Entry(new Lazy<SimulationModel>(() => SimulationModel.Build(spec.Inputs))));
        Volatile.Write(ref entry.LastUsed, now);
        if (now >= Volatile.Read(ref _nextSweep))
        {
            Volatile.Write(ref _nextSweep, now + (long)(IdleLimit.TotalSeconds * clock.TimestampFrequency / 10));
            foreach (var (id, e) in _models)
            {
                if (clock.GetElapsedTime(Volatile.Read(ref e.LastUsed), now) > IdleLimit)
                {
                    _models.TryRemove(new KeyValuePair<Guid, Entry>(id, e)); // only this entry, not one added since
                }
            }
        }

        return entry.Model.Value;
    }

    /// <summary>Drops a finished run's model (a later caller builds it again).</summary>
    public void Forget(Guid runId) => _models.TryRemove(runId, out _);

    private sealed class Entry(Lazy<SimulationModel> model)
    {
        public readonly Lazy<SimulationModel> Model = model;
        public long LastUsed;
    }
}

/// <summary>
/// The per-silo aggregation: agent grains on this silo add their outcomes into the pool's
/// accumulator for the thread their turn runs on; the shard merges the pool (exact integer sums,
/// any order) and sends one partial on. Nothing is copied between grains of one silo.
/// </summary>
public sealed class LocalPartials
{
    private readonly ConcurrentDictionary<Guid, Pool> _pools = new();
    private readonly Dictionary<int, Stack<Accumulator>> _free = []; // cleared accumulators by trials, for the next pools
    private int _allocations;

    /// <summary>The most cleared accumulators kept per batch size: a pool takes one per thread its agents run on.</summary>
    public static int MaxFree { get; } = 2 * Environment.ProcessorCount;

    /// <summary>Accumulators this silo has made so far (each pool's threads take kept ones first).</summary>
    public int Allocations => Volatile.Read(ref _allocations);

    public Guid Open(int trials)
    {
        var id = Guid.NewGuid();
        _pools[id] = new Pool(trials, this);
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
    /// Drops the pool <paramref name="id"/> of a failed step without keeping its accumulators: a call that
    /// failed by timing out may still be adding into one.
    /// </summary>
    /// <remarks>Its thread-local store is left to the GC rather than disposed, so a straggler's add cannot fail on it.</remarks>
    public void Discard(Guid id) => _pools.TryRemove(id, out _);

    /// <summary>Drops the kept accumulators (a run is over: the next may use another batch size, or none may come).</summary>
    public void Trim()
    {
        lock (_free)
        {
            _free.Clear();
        }
    }

    /// <summary>A cleared accumulator of <paramref name="trials"/> trials: a kept one, else a new one.</summary>
    private Accumulator Take(int trials)
    {
        lock (_free)
        {
            if (_free.TryGetValue(trials, out var kept) && kept.TryPop(out var acc))
            {
                return acc;
            }
        }

        Interlocked.Increment(ref _allocations);
        return new Accumulator(trials);
    }

    /// <summary>
    /// Keeps a closed pool's accumulators, cleared, for the next pools (a year's accumulators are
    /// megabytes each: made afresh every year they filled the large object heap between collections).
    /// </summary>
    private void Keep(IList<Accumulator> used, int trials)
    {
        foreach (var acc in used)
        {
            acc.Clear();
        }

        lock (_free)
        {
            var kept = _free.TryGetValue(trials, out var stack) ? stack : _free[trials] = new Stack<Accumulator>();
            foreach (var acc in used.Take(MaxFree - kept.Count))
            {
                kept.Push(acc);
            }
        }
    }

    /// <summary>
    /// One accumulator per thread that adds into the pool: an agent's step is synchronous, so two
    /// turns never share a thread's accumulator at once, and no lock is taken per call (a shared
    /// free list locked per call cost a third of the grain path's CPU in contention; the silo's
    /// kept accumulators are locked once per thread and pool).
    /// </summary>
    private sealed class Pool(int trials, LocalPartials owner)
    {
        private readonly ThreadLocal<Accumulator> _local = new(() => owner.Take(trials), trackAllValues: true);

        public Accumulator Local => _local.Value!;

        /// <summary>Merges every thread's accumulator (called once every add has completed) and hands them back to the silo.</summary>
        public PartialAggregate Merge()
        {
            var used = _local.Values;
            var merged = new PartialAggregate(trials);
            merged.MergeAll(used.Select(a => a.Flush()).ToList());
            _local.Dispose();
            owner.Keep(used, trials);
            return merged;
        }
    }
}

/// <summary>
/// Where this silo's enterprise grains keep their batch states: slabs of <see cref="AgentsPerSlab"/>
/// consecutive agents x the trials of the run's first (largest) batch, one large array each, every
/// grain owning its agent's slice (a shorter batch uses the start of each agent's room). Tens of
/// thousands of small per-grain arrays made the first batch pay for as many allocations and, pinned
/// or not, a string of full collections (16 gen-2 collections in a 1,000-trial run here); a slab is
/// one allocation, never copied by the GC (large object heap). The registry holds slabs weakly: a
/// slab lives while a grain holds a slice, and is freed once the run's grains have been collected.
/// A released run's slabs go to a free list (still weakly held) that the next run with batches of
/// the same size takes from, so a study's run after run reuses one set of slabs instead of leaving
/// each run's on the large object heap until a full collection.
/// </summary>
public sealed class StateSlabs
{
    public const int AgentsPerSlab = 4096;

    private readonly Dictionary<(string Run, int Slab), WeakReference<EnterpriseState[]>> _slabs = [];
    private readonly Dictionary<int, List<WeakReference<EnterpriseState[]>>> _free = []; // released slabs by the trials they hold
    private int _allocations;
    private int _reuses;

    /// <summary>Slabs allocated so far on this silo.</summary>
    public int Allocations => Volatile.Read(ref _allocations);

    /// <summary>Slabs handed to a run from an earlier, released run so far on this silo.</summary>
    public int Reuses => Volatile.Read(ref _reuses);

    /// <summary>
    /// The slice of agent <paramref name="agent"/> for batches of <paramref name="trials"/> trials of the
    /// run (and placement epoch) <paramref name="runKey"/>; its contents are whatever was there (callers initialise).
    /// A batch shorter than the run's slab holds (a run's last) takes the first trials of each agent's
    /// room in it: a run steps one batch at a time, so its batches never need two sets of slabs.
    /// </summary>
    public Memory<EnterpriseState> Slice(string runKey, int agent, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(agent);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        var key = (runKey, agent / AgentsPerSlab);
        EnterpriseState[]? slab;
        lock (_slabs)
        {
            if (!_slabs.TryGetValue(key, out var weak) || !weak.TryGetTarget(out slab) || slab.Length < AgentsPerSlab * trials)
            {
                slab = TakeFree(trials);
                if (slab is null)
                {
                    slab = GC.AllocateUninitializedArray<EnterpriseState>(checked(AgentsPerSlab * trials));
                    _allocations++;
                }
                else
                {
                    _reuses++;
                }

                _slabs[key] = new WeakReference<EnterpriseState[]>(slab);
                foreach (var dead in _slabs.Where(e => !e.Value.TryGetTarget(out _)).Select(e => e.Key).ToList())
                {
                    _slabs.Remove(dead);
                }
            }
        }

        return slab.AsMemory(agent % AgentsPerSlab * (slab.Length / AgentsPerSlab), trials);
    }

    /// <summary>
    /// Run key <paramref name="runKey"/> is over (every step of it has returned): its slabs may serve
    /// the next run. Its grains may still hold slices until they drop the run, but never step it again.
    /// </summary>
    public void Release(string runKey)
    {
        lock (_slabs)
        {
            // Slabs collected since they were freed leave the list, so a batch size no run asks for again holds nothing.
            foreach (var (trials, list) in _free.ToList())
            {
                if (list.RemoveAll(w => !w.TryGetTarget(out _)) > 0 && list.Count == 0)
                {
                    _free.Remove(trials);
                }
            }

            foreach (var (key, weak) in _slabs.Where(e => string.Equals(e.Key.Run, runKey, StringComparison.Ordinal)).ToList())
            {
                _slabs.Remove(key);
                if (weak.TryGetTarget(out var slab))
                {
                    var held = slab.Length / AgentsPerSlab;
                    (_free.TryGetValue(held, out var list) ? list : _free[held] = []).Add(weak);
                }
            }
        }
    }

    /// <summary>A released slab of <paramref name="trials"/> trials still alive, or null (caller holds the lock).</summary>
    private EnterpriseState[]? TakeFree(int trials)
    {
        if (_free.TryGetValue(trials, out var list))
        {
            while (list.Count > 0)
            {
                var weak = list[^1];
                list.RemoveAt(list.Count - 1);
                if (weak.TryGetTarget(out var slab))
                {
                    return slab;
                }
            }
        }

        return null;
    }
}

public static class ForecastGrainsExtensions
{
    /// <summary>Registers what Forecast's grains need on a silo.</summary>
    public static IServiceCollection AddForecastGrains(this IServiceCollection services)
    {
        services.AddPlacementDirector<SiloIndexPlacement, SiloIndexPlacementDirector>();
        services.TryAddSingleton(TimeProvider.System);
        return services.AddSingleton<ModelCache>().AddSingleton<LocalPartials>().AddSingleton<StateSlabs>();
    }
}
