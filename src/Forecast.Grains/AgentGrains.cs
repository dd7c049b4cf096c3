using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Simulation;
using Orleans.Placement;

namespace Forecast.Grains;

/// <summary>
/// An enterprise: holds its state for the current batch of trials and steps it a year at a
/// time with <see cref="EnterpriseAgent"/>. Placed on the silo of the shard that first calls it.
/// </summary>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)] // idle after its run: free the batch state soon (a live run calls it every year)
public sealed class EnterpriseGrain(ModelCache models, LocalPartials partials, StateSlabs slabs) : Grain, IEnterpriseGrain
{
    private int _agent = -1;
    private string? _runKey;
    private SimulationModel? _model; // a grain belongs to one run (its key holds the run id), so one model
    private Memory<EnterpriseState> _states; // this agent's slice of a silo slab (see StateSlabs)
    private int _batchFirstTrial = -1;

    public Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request)
    {
        var (spec, ctx, poolId, firstYear) = request.Value;
        var model = _model ??= models.Get(spec);
        var agent = _agent >= 0 ? _agent : (_agent = (int)this.GetPrimaryKeyLong(out _runKey));
        var profile = model.Population.Enterprises[agent];
        if (firstYear || _batchFirstTrial != ctx.FirstTrial || _states.Length != ctx.Trials)
        {
            // An entrant slot is first called in the year it wakes (the shard skips it while dormant, when
            // its states are Init's in every trial); any other agent must have its state from the first year.
            if (!firstYear && profile.InitialTier != Tier.Latent)
            {
                throw new InvalidOperationException($"enterprise {agent} lost its state for the batch at trial {ctx.FirstTrial}");
            }

            if (_states.Length != ctx.Trials)
            {
                _states = slabs.Slice(_runKey!, agent, ctx.Trials);
            }

            _batchFirstTrial = ctx.FirstTrial;
            return Task.FromResult(new Immutable<PartialAggregate?>(partials.AddLocallyOrReturn(poolId, ctx.Trials, acc =>
            {
                EnterpriseAgent.Init(profile, _states.Span, ctx, model.Rules, acc); // the start-year base goes into this year's partial
                EnterpriseAgent.Step(profile, (uint)agent, _states.Span, ctx, model.Rules, acc);
            })));
        }

        return Task.FromResult(new Immutable<PartialAggregate?>(partials.AddLocallyOrReturn(poolId, ctx.Trials,
            acc => EnterpriseAgent.Step(profile, (uint)agent, _states.Span, ctx, model.Rules, acc))));
    }

    public Task Release()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>An incubator slot: level, area and graduates per trial, stepped with <see cref="IncubatorAgent"/>.</summary>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)]
public sealed class IncubatorGrain(ModelCache models, LocalPartials partials) : Grain, IIncubatorGrain
{
    private int _slot = -1;
    private SimulationModel? _model;
    private IncubatorState[] _states = [];
    private int _batchFirstTrial = -1;

    public Task<Immutable<PartialAggregate?>> Step(Immutable<StepRequest> request)
    {
        var (spec, ctx, poolId, firstYear) = request.Value;
        var model = _model ??= models.Get(spec);
        var slot = _slot >= 0 ? _slot : (_slot = (int)this.GetPrimaryKeyLong(out _));
        if (firstYear || _batchFirstTrial != ctx.FirstTrial || _states.Length != ctx.Trials)
        {
            // A slot not open at the start is first called in the year some trial opens it (the shard
            // skips it while dormant, when its states are Init's in every trial); any other must have its state from the first year.
            if (!firstYear && model.Population.Incubators[slot].InitialLevel != IncubatorLevel.Unopened)
            {
                throw new InvalidOperationException($"incubator {slot} lost its state for the batch at trial {ctx.FirstTrial}");
            }

            if (_states.Length != ctx.Trials)
            {
                _states = new IncubatorState[ctx.Trials];
            }

            _batchFirstTrial = ctx.FirstTrial;
            IncubatorAgent.Init(model.Population.Incubators[slot], _states, ctx);
        }

        return Task.FromResult(new Immutable<PartialAggregate?>(partials.AddLocallyOrReturn(poolId, ctx.Trials,
            acc => IncubatorAgent.Step(slot, _states, ctx, model.Rules, acc.Partial))));
    }

    public Task Release()
    {
        DeactivateOnIdle();
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
