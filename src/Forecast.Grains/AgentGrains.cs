using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Simulation;
using Orleans.Placement;

namespace Forecast.Grains;

/// <summary>
/// The batch state one agent grain holds for one run. An agent grain serves every run its shard's
/// silo steps (runs are told apart by id; calls are one at a time, so interleaved runs are safe).
/// </summary>
internal sealed class RunSlot<TState>(SimulationModel model)
{
    public readonly SimulationModel Model = model;
    public TState States = default!;
    public int BatchFirstTrial = -1;
    public long LastUsed = Environment.TickCount64;
}

/// <summary>Each run key's slot of an agent grain; a run is dropped when it is released, or when unused for <see cref="ModelCache.IdleLimit"/> (a failed run never is).</summary>
internal sealed class RunSlots<TState>
{
    private readonly Dictionary<string, RunSlot<TState>> _runs = new(1, StringComparer.Ordinal);
    private string? _lastRun;
    private RunSlot<TState>? _last;

    /// <summary>The slot of run key <paramref name="runKey"/> (a run in one placement epoch).</summary>
    public RunSlot<TState> Get(RunSpec spec, string runKey, ModelCache models)
    {
        if (!string.Equals(runKey, _lastRun, StringComparison.Ordinal) || _last is null)
        {
            if (!_runs.TryGetValue(runKey, out _last))
            {
                var now = Environment.TickCount64;
                foreach (var stale in _runs.Where(r => now - r.Value.LastUsed > ModelCache.IdleLimit.TotalMilliseconds).Select(r => r.Key).ToList())
                {
                    _runs.Remove(stale);
                }

                _last = _runs[runKey] = new RunSlot<TState>(models.Get(spec));
            }

            _lastRun = runKey;
        }

        _last.LastUsed = Environment.TickCount64;
        return _last;
    }

    public void Release(string runKey)
    {
        _runs.Remove(runKey);
        if (string.Equals(_lastRun, runKey, StringComparison.Ordinal))
        {
            _last = null;
        }
    }
}

/// <summary>
/// An enterprise: holds its state for the current batch of trials of each run it serves and steps it
/// a year at a time with <see cref="EnterpriseAgent"/>. Placed on the silo of the shard that first
/// calls it; keyed by that silo and the shard's slice, not by run, so a silo running run after run
/// (a study) activates its agents once.
/// </summary>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)] // idle when no run uses it: free it soon (a live run calls it every year)
public sealed class EnterpriseGrain(ModelCache models, LocalPartials partials, StateSlabs slabs) : Grain, IEnterpriseGrain
{
    private readonly RunSlots<Memory<EnterpriseState>> _runs = new(); // per run: this agent's slice of a silo slab (see StateSlabs)
    private int _agent = -1;

    public Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request)
    {
        var (spec, ctx, poolId, firstYear, runKey) = request.Value;
        var run = _runs.Get(spec, runKey, models);
        var model = run.Model;
        var agent = _agent >= 0 ? _agent : (_agent = (int)this.GetPrimaryKeyLong(out _));
        var profile = model.Population.Enterprises[agent];
        if (firstYear || run.BatchFirstTrial != ctx.FirstTrial || run.States.Length != ctx.Trials)
        {
            // An entrant slot is first called in the year it wakes (the shard skips it while dormant, when
            // its states are Init's in every trial); any other agent must have its state from the first year.
            if (!firstYear && profile.InitialTier != Tier.Latent)
            {
                throw new InvalidOperationException($"enterprise {agent} lost its state for the batch at trial {ctx.FirstTrial}");
            }

            if (run.States.Length != ctx.Trials)
            {
                run.States = slabs.Slice(runKey, agent, ctx.Trials);
            }

            run.BatchFirstTrial = ctx.FirstTrial;
            var states = run.States;
            return Task.FromResult(new Immutable<PartialAggregate?>(partials.AddLocallyOrReturn(poolId, ctx.Trials, acc =>
            {
                EnterpriseAgent.Init(profile, states.Span, ctx, model.Rules, acc); // the start-year base goes into this year's partial
                EnterpriseAgent.Step(profile, (uint)agent, states.Span, ctx, model.Rules, acc);
            })));
        }

        var current = run.States;
        return Task.FromResult(new Immutable<PartialAggregate?>(partials.AddLocallyOrReturn(poolId, ctx.Trials,
            acc => EnterpriseAgent.Step(profile, (uint)agent, current.Span, ctx, model.Rules, acc))));
    }

    public Task Release(string runKey)
    {
        _runs.Release(runKey);
        return Task.CompletedTask;
    }
}

/// <summary>An incubator slot: level, area and graduates per trial of each run it serves, stepped with <see cref="IncubatorAgent"/>.</summary>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)]
public sealed class IncubatorGrain(ModelCache models, LocalPartials partials) : Grain, IIncubatorGrain
{
    private readonly RunSlots<IncubatorState[]> _runs = new();
    private int _slot = -1;

    public Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request)
    {
        var (spec, ctx, poolId, firstYear, runKey) = request.Value;
        var run = _runs.Get(spec, runKey, models);
        var model = run.Model;
        var slot = _slot >= 0 ? _slot : (_slot = (int)this.GetPrimaryKeyLong(out _));
        if (firstYear || run.BatchFirstTrial != ctx.FirstTrial || run.States is null || run.States.Length != ctx.Trials)
        {
            // A slot not open at the start is first called in the year some trial opens it (the shard
            // skips it while dormant, when its states are Init's in every trial); any other must have its state from the first year.
            if (!firstYear && model.Population.Incubators[slot].InitialLevel != IncubatorLevel.Unopened)
            {
                throw new InvalidOperationException($"incubator {slot} lost its state for the batch at trial {ctx.FirstTrial}");
            }

            if (run.States is null || run.States.Length != ctx.Trials)
            {
                run.States = new IncubatorState[ctx.Trials];
            }

            run.BatchFirstTrial = ctx.FirstTrial;
            IncubatorAgent.Init(model.Population.Incubators[slot], run.States, ctx);
        }

        var states = run.States;
        return Task.FromResult(new Immutable<PartialAggregate?>(partials.AddLocallyOrReturn(poolId, ctx.Trials,
            acc => IncubatorAgent.Step(slot, states, ctx, model.Rules, acc.Partial))));
    }

    public Task Release(string runKey)
    {
        _runs.Release(runKey);
        return Task.CompletedTask;
    }
}

/// <summary>See <see cref="IPingGrain"/>: the enterprise grain's placement and collection, no work.</summary>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)]
public sealed class PingGrain : Grain, IPingGrain
{
    private static readonly Task<Immutable<PartialAggregate?>> Nothing = Task.FromResult(new Immutable<PartialAggregate?>(null));

    public Task<Immutable<PartialAggregate?>> Ping(Immutable<YearContext> context) => Nothing;
}
