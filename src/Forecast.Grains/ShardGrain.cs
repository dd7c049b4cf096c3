using Forecast.Aggregation;
using Forecast.Simulation;

namespace Forecast.Grains;

/// <summary>
/// Steps its slice of a run's agents for one year: fans out to its enterprise and incubator grains
/// (placed on this silo), which add into the silo-local partial pool, and returns the merged pool.
/// Key: "{runId}/{shard}" or "{runId}-{epoch}/{shard}" (the coordinator starts a new epoch after a
/// failure, so shards are placed afresh on the silos alive then; their agents follow them, being keyed
/// by the shard's silo).
/// </summary>
[SiloIndexPlacement]
public sealed class ShardGrain(ModelCache models, LocalPartials partials, StateSlabs slabs) : Grain, IShardGrain, ISiloProbe
{
    /// <summary>
    /// Agents a turn goes through: calling (and, in a run's first year, activating) tens of thousands of
    /// agents in one turn took over Orleans' one-second turn warning on a loaded machine, so the shard
    /// yields between groups. The pool's sums are exact: the order the calls run in changes nothing.
    /// </summary>
    private const int AgentsPerTurn = 256;

    private IEnterpriseGrain[]? _enterprises; // a shard's key fixes its run, shard count and slice
    private IIncubatorGrain[]? _incubators;
    private string? _runKey; // the key's prefix: the run and its placement epoch
    private bool[] _calledEnterprise = [], _calledIncubator = []; // which agents this shard activated (dormant ones never are)

    public Task<string> Silo() => Task.FromResult(RuntimeIdentity);

    public async Task<Immutable<PartialAggregate>> StepYear(Immutable<RunSpec> spec, Immutable<YearContext> context)
    {
        var run = spec.Value;
        var ctx = context.Value;
        var model = models.Get(run);
        var key = this.GetPrimaryKeyString();
        var shard = int.Parse(key.AsSpan(key.LastIndexOf('/') + 1));
        // The agents' key: this silo and this slice. Agents sit next to their shard and serve every run
        // this silo steps with the same slicing, so run after run reuses their activations.
        var agentKey = $"{RuntimeIdentity}/{run.Placement.Shards}/{shard}";
        // Without silo aggregation (a check of the pool's exactness) every agent returns its own partial.
        var pool = run.Placement.SiloAggregation ? partials.Open(ctx.Trials) : Guid.Empty;
        var runKey = _runKey ??= key[..key.LastIndexOf('/')]; // the run and the coordinator's placement epoch
        Immutable<PartialAggregate?>[] results;
        try
        {
            results = await CallAgents();
        }
        catch
        {
            partials.Discard(pool); // so the pool does not leak
            throw;
        }

        var merged = run.Placement.SiloAggregation ? partials.Close(pool) : new PartialAggregate(ctx.Trials);

        foreach (var own in results.Select(r => r.Value).OfType<PartialAggregate>())
        {
            merged.Merge(own); // an agent living on another silo returned its own partial
        }

        return new Immutable<PartialAggregate>(merged);

        async Task<Immutable<PartialAggregate?>[]> CallAgents()
        {
            var request = new Immutable<StepRequest>(new StepRequest(run, ctx, pool, ctx.Year == model.FirstYear, runKey));
            var calls = new List<Task<Immutable<PartialAggregate?>>>();
            var (firms, slots) = (model.Population.Enterprises.Length, model.Population.Incubators.Length);
            var profiles = model.Population.Enterprises;
            var first = Slice(firms, run.Placement.Shards, shard);
            var firstSlot = Slice(slots, run.Placement.Shards, shard);
            // References made once per shard activation, when an agent is first called (GetGrain resolves
            // the interface by reflection each time: tens of thousands of them took seconds in one turn).
            _enterprises ??= new IEnterpriseGrain[Slice(firms, run.Placement.Shards, shard + 1) - first];
            _incubators ??= Enumerable.Range(firstSlot, Slice(slots, run.Placement.Shards, shard + 1) - firstSlot)
                .Select(i => GrainFactory.GetGrain<IIncubatorGrain>(i, agentKey)).ToArray();
            if (_calledEnterprise.Length != _enterprises.Length)
            {
                (_calledEnterprise, _calledIncubator) = (new bool[_enterprises.Length], new bool[_incubators.Length]);
            }

            for (var k = 0; k < _enterprises.Length; k++)
            {
                if (!EnterpriseAgent.IsDormant(profiles[first + k], ctx))
                {
                    var agent = _enterprises[k] ??= GrainFactory.GetGrain<IEnterpriseGrain>(first + k, agentKey);
                    calls.Add(agent.Step(request)); // a dormant entrant's step does nothing
                    _calledEnterprise[k] = true;
                }

                if ((k + 1) % AgentsPerTurn == 0)
                {
                    await Task.Yield(); // see AgentsPerTurn
                }
            }

            for (var k = 0; k < _incubators.Length; k++)
            {
                if (!IncubatorAgent.IsDormant(firstSlot + k, ctx))
                {
                    calls.Add(_incubators[k].Step(request)); // a slot no trial has opened does nothing
                    _calledIncubator[k] = true;
                }
            }

            return await Task.WhenAll(calls);
        }
    }

    public Task Release(Guid runId)
    {
        // One-way calls: each agent drops the run's state; a never-called (dormant) agent is not woken for it.
        for (var k = 0; k < _calledEnterprise.Length; k++)
        {
            if (_calledEnterprise[k])
            {
                _ = _enterprises![k].Release(_runKey!);
            }
        }

        for (var k = 0; k < _calledIncubator.Length; k++)
        {
            if (_calledIncubator[k])
            {
                _ = _incubators![k].Release(_runKey!);
            }
        }

        if (_runKey is not null)
        {
            slabs.Release(_runKey); // every step of the run has returned: its state slabs may serve the next run
        }

        partials.Trim(); // the accumulators kept between years of the run

        models.Forget(runId);
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>First index of slice <paramref name="s"/> when <paramref name="n"/> items are cut into <paramref name="k"/> slices.</summary>
    public static int Slice(int n, int k, int s) => (int)((long)n * s / k);
}
