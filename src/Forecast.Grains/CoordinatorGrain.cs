using System.Collections.Immutable;
using Forecast.Aggregation;
using Forecast.Simulation;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

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

        Validate(spec);

        _spec = spec;
        _status = new RunStatus(spec.RunId, "running", 0, 0, null);
        _ = RunAsync(spec); // runs on this activation's scheduler, interleaved with Status calls
        return Task.FromResult(_status);
    }

    /// <summary>Refuses a spec that cannot run (the CLI checks its options first; this guards other clients).</summary>
    private static void Validate(RunSpec spec)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.BatchSize, nameof(spec.BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(spec.Shards, nameof(spec.Shards));
        if (spec.Adaptive)
        {
            AdaptiveStopping.Validate(spec.Precision);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.MaxTrials, nameof(spec.MaxTrials));
        }
        else
        {
            if (double.IsNaN(spec.Precision) || spec.Precision < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(spec.Precision), spec.Precision, "precision must be 0 (fixed trials) or in (0, 0.5]");
            }

            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Trials, nameof(spec.Trials));
        }
    }

    public Task<RunStatus> Status() => Task.FromResult(_status);

    public Task<RunOutcome?> Outcome() => Task.FromResult(_outcome);

    private async Task RunAsync(RunSpec spec)
    {
        try
        {
            var model = models.Get(spec);
            if (spec.Shards == 0)
            {
                // One shard per active silo; the shards read the resolved count from the spec.
                var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
                spec = spec with { Shards = Math.Max(1, hosts.Count) };
            }

            _status = _status with { Shards = spec.Shards };
            var shards = Enumerable.Range(0, spec.Shards)
                .Select(s => GrainFactory.GetGrain<IShardGrain>($"{spec.RunId:N}/{s}"))
                .ToArray();
            var immutableSpec = new Immutable<RunSpec>(spec);
            var cap = spec.Adaptive ? spec.MaxTrials : spec.Trials;
            var tally = spec.Adaptive ? new PrecisionTally(model) : null;

            // A fixed run fills one table of its trials; an adaptive one keeps its batches and joins them at the end.
            var fixedTable = tally is null ? new TrialTable(model.FirstYear, model.Years, spec.Trials) : null;
            var batches = new List<TrialTable>();
            var widest = AdaptiveStopping.MaxPrecision;
            var done = 0;
            while (done < cap)
            {
                var first = done;
                var count = Math.Min(spec.BatchSize, cap - first);
                var total = tally is null ? cap : Math.Max(first + count, AdaptiveStopping.EstimateTrials(first, widest, spec.Precision, cap));
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
                    var fraction = (first + (count * (year - model.FirstYear + 1.0) / model.Years)) / total;
                    _status = _status with { Fraction = Math.Min(1, fraction) };
                }

                done += count;
                if (fixedTable is not null)
                {
                    fixedTable.CopyFrom(coordinator.Table, first);
                    _status = _status with { TrialsDone = done };
                }
                else
                {
                    batches.Add(coordinator.Table);
                    tally!.Add(coordinator.Table);
                    widest = tally.WidestHalfWidth;
                    _status = _status with { TrialsDone = done, WidestHalfWidth = widest };
                    if (widest <= spec.Precision)
                    {
                        break; // the rule holds at this batch boundary
                    }
                }
            }

            var table = fixedTable ?? AdaptiveStopping.Concatenate(model.FirstYear, model.Years, batches);
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
