using System.Collections.Immutable;
using Forecast.Aggregation;
using Forecast.Simulation;
using Microsoft.Extensions.Logging;

namespace Forecast.Grains;

/// <summary>
/// Runs a forecast: batch by batch, year by year, it draws the district state with
/// <see cref="BatchCoordinator"/>, has every shard step its agents, merges the shards' partials and
/// closes the year. The run goes on in the background; clients poll <see cref="Status"/>.
/// </summary>
public sealed class CoordinatorGrain(ModelCache models, ILogger<CoordinatorGrain> logger) : Grain, ICoordinatorGrain
{
    private RunSpec? _spec;
    private RunStatus _status = new(Guid.Empty, "idle", 0, 0, null);
    private RunOutcome? _outcome;

    public Task<RunStatus> Start(RunSpec spec)
    {
        if (_spec is not null)
        {
            return Task.FromResult(_status); // idempotent: a second Start of the same run reports on the first
        }

        _spec = spec;
        _status = new RunStatus(spec.RunId, "running", 0, 0, null);
        _ = RunAsync(spec); // runs on this activation's scheduler, interleaved with Status calls
        return Task.FromResult(_status);
    }

    public Task<RunStatus> Status() => Task.FromResult(_status);

    public Task<RunOutcome?> Outcome() => Task.FromResult(_outcome);

    private async Task RunAsync(RunSpec spec)
    {
        try
        {
            var model = models.Get(spec);
            var table = new TrialTable(model.FirstYear, model.Years, spec.Trials);
            var shards = Enumerable.Range(0, spec.Shards)
                .Select(s => GrainFactory.GetGrain<IShardGrain>($"{spec.RunId:N}/{s}"))
                .ToArray();
            var immutableSpec = new Immutable<RunSpec>(spec);
            for (var first = 0; first < spec.Trials; first += spec.BatchSize)
            {
                var count = Math.Min(spec.BatchSize, spec.Trials - first);
                var coordinator = new BatchCoordinator(model, spec.Seed, first, count);
                for (var year = model.FirstYear; year <= model.LastYear; year++)
                {
                    var ctx = new Immutable<YearContext>(coordinator.BeginYear(year));
                    var partials = await Task.WhenAll(shards.Select(s => s.StepYear(immutableSpec, ctx)));
                    var merged = new PartialAggregate(count);
                    foreach (var p in partials)
                    {
                        merged.Merge(p);
                    }

                    coordinator.EndYear(merged);
                    var fraction = (first + (count * (year - model.FirstYear + 1.0) / model.Years)) / spec.Trials;
                    _status = _status with { Fraction = fraction };
                }

                table.CopyFrom(coordinator.Table, first);
                _status = _status with { TrialsDone = first + count };
            }

            _outcome = new RunOutcome(table.FirstYear, table.Years, table.Trials, ImmutableArray.Create(table.Values));
            _status = _status with { State = "done", Fraction = 1 };
        }
        catch (Exception e)
        {
            logger.LogError(e, "run {RunId} failed", spec.RunId);
            _status = _status with { State = "failed", Error = e.Message };
        }
    }
}
