using Forecast.Aggregation;

namespace Forecast.Simulation;

/// <summary>
/// The pure simulation: runs batches of trials through the years in this process, agents in
/// parallel chunks, each chunk adding into its own partial aggregate; partials merge exactly.
/// The Orleans path must give the same bits; tests compare the two.
/// </summary>
public static class LocalEngine
{
    public const int DefaultBatchSize = 1000;

    public static TrialTable Run(
        SimulationModel model,
        ulong seed,
        int trials,
        int batchSize = DefaultBatchSize,
        IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var table = new TrialTable(model.FirstYear, model.Years, trials);
        var batches = (int)(((long)trials + batchSize - 1) / batchSize);
        if (batches < 2 || Environment.ProcessorCount < 2)
        {
            // One batch: its agents step in parallel.
            for (var first = 0; first < trials; first += batchSize)
            {
                var count = Math.Min(batchSize, trials - first);
                var done = first;
                var batch = RunBatch(model, seed, first, count, model.LastYear,
                    progress is null ? null : new Relay<double>(f => progress.Report((done + (f * count)) / trials)),
                    cancellation);
                table.CopyFrom(batch.Table, first);
            }
        }
        else
        {
            // Several batches: one per core at a time, each on one thread, so no core waits at a
            // year's barrier. Every trial's numbers depend on (seed, trial) alone, so this gives the
            // bits of the batches run one after another.
            var fractions = new double[batches];
            var reported = 0.0;
            Parallel.For(
                0,
                batches,
                new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = Environment.ProcessorCount },
                b =>
                {
                    var first = b * batchSize;
                    var count = Math.Min(batchSize, trials - first);
                    var batch = RunBatch(model, seed, first, count, model.LastYear,
                        progress is null ? null : new Relay<double>(f =>
                        {
                            lock (fractions)
                            {
                                fractions[b] = f;
                                var sum = 0.0;
                                for (var i = 0; i < batches; i++)
                                {
                                    sum += fractions[i] * Math.Min(batchSize, trials - (i * batchSize));
                                }

                                if (sum / trials > reported)
                                {
                                    reported = sum / trials;
                                    progress.Report(reported);
                                }
                            }
                        }),
                        cancellation,
                        parallelAgents: false);
                    table.CopyFrom(batch.Table, first); // disjoint trial ranges
                });
        }

        progress?.Report(1.0);
        return table;
    }

    /// <summary>
    /// An adaptive run: batches [0, B), [B, 2B), ... until, at a batch boundary, every target and
    /// joint probability has a 95% Wilson half-width of at most <paramref name="precision"/>
    /// (<see cref="AdaptiveStopping"/>), or <paramref name="maxTrials"/> trials are done (the last
    /// batch is cut to the cap). The table holds the N trials run, equal to <see cref="Run"/> with N.
    /// </summary>
    public static TrialTable RunAdaptive(
        SimulationModel model,
        ulong seed,
        double precision,
        int maxTrials,
        int batchSize = DefaultBatchSize,
        IProgress<TrialProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        AdaptiveStopping.Validate(precision);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTrials);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var tally = new PrecisionTally(model);
        var batches = new List<TrialTable>();
        var widest = AdaptiveStopping.MaxPrecision;
        var done = 0;
        while (done < maxTrials)
        {
            var count = Math.Min(batchSize, maxTrials - done);
            var (first, before) = (done, widest);
            var expected = AdaptiveStopping.EstimateTrials(first, widest, precision, maxTrials);
            var total = Math.Max(expected, first + count);
            var batch = RunBatch(model, seed, first, count, model.LastYear,
                progress is null ? null : new Relay<double>(f => progress.Report(new TrialProgress(first, (first + (f * count)) / total, before))),
                cancellation);
            batches.Add(batch.Table);
            tally.Add(batch.Table);
            done += count;
            widest = tally.WidestHalfWidth;
            if (widest <= precision)
            {
                break;
            }

            progress?.Report(new TrialProgress(done, (double)done / AdaptiveStopping.EstimateTrials(done, widest, precision, maxTrials), widest));
        }

        progress?.Report(new TrialProgress(done, 1.0, widest));
        return AdaptiveStopping.Concatenate(model.FirstYear, model.Years, batches);
    }

    /// <summary>
    /// Runs one batch of trials from the calibration year to <paramref name="lastYear"/>, its agents
    /// in parallel chunks unless <paramref name="parallelAgents"/> is false (the caller runs batches in parallel).
    /// </summary>
    public static BatchCoordinator RunBatch(
        SimulationModel model,
        ulong seed,
        int firstTrial,
        int count,
        int lastYear,
        IProgress<double>? progress = null,
        CancellationToken cancellation = default,
        bool parallelAgents = true)
    {
        var coordinator = new BatchCoordinator(model, seed, firstTrial, count);
        var firms = model.Population.Enterprises;
        var incubators = model.Population.Incubators;
        var states = Scratch<EnterpriseState>.Rent(firms.Length * count);
        var incubatorStates = Scratch<IncubatorState>.Rent(incubators.Length * count);
        try
        {
            return StepBatch(model, coordinator, states, incubatorStates, count, lastYear, progress, cancellation, parallelAgents);
        }
        finally
        {
            Scratch<EnterpriseState>.Return(states);
            Scratch<IncubatorState>.Return(incubatorStates);
        }
    }

    private static BatchCoordinator StepBatch(
        SimulationModel model,
        BatchCoordinator coordinator,
        EnterpriseState[] states,
        IncubatorState[] incubatorStates,
        int count,
        int lastYear,
        IProgress<double>? progress,
        CancellationToken cancellation,
        bool parallelAgents)
    {
        var firms = model.Population.Enterprises;
        var incubators = model.Population.Incubators;
        const int ChunkSize = 256;
        var chunks = (firms.Length + ChunkSize - 1) / ChunkSize;
        var options = new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = parallelAgents ? -1 : 1 };
        Parallel.For(0, chunks, options, chunk =>
        {
            for (var a = chunk * ChunkSize; a < Math.Min(firms.Length, (chunk + 1) * ChunkSize); a++)
            {
                EnterpriseAgent.Init(firms[a], states.AsSpan(a * count, count));
            }
        });

        for (var i = 0; i < incubators.Length; i++)
        {
            IncubatorAgent.Init(incubators[i], incubatorStates.AsSpan(i * count, count));
        }

        var rules = model.Rules;
        for (var year = model.FirstYear; year <= lastYear; year++)
        {
            cancellation.ThrowIfCancellationRequested();
            var ctx = coordinator.BeginYear(year);
            var merged = new PartialAggregate(count);
            Parallel.For(
                0,
                chunks,
                options,
                () => new Accumulator(count),
                (chunk, _, acc) =>
                {
                    var end = Math.Min(firms.Length, (chunk + 1) * ChunkSize);
                    for (var a = chunk * ChunkSize; a < end; a++)
                    {
                        EnterpriseAgent.Step(firms[a], (uint)a, states.AsSpan(a * count, count), ctx, rules, acc);
                    }

                    return acc;
                },
                acc =>
                {
                    var partial = acc.Flush();
                    lock (merged)
                    {
                        merged.Merge(partial);
                    }
                });

            for (var i = 0; i < incubators.Length; i++)
            {
                IncubatorAgent.Step(i, incubatorStates.AsSpan(i * count, count), ctx, rules, merged);
            }

            coordinator.EndYear(merged);
            progress?.Report((double)(year - model.FirstYear + 1) / (lastYear - model.FirstYear + 1));
        }

        return coordinator;
    }

    /// <summary>
    /// State arrays kept between batches: a fresh array of hundreds of megabytes costs a page fault per
    /// 4 KiB on first touch (about half a batch's time on this VM), a reused one costs nothing. Every
    /// element is initialised before use, so reuse cannot leak one batch into the next. Holds at most
    /// one array per batch running at once.
    /// </summary>
    private static class Scratch<T>
        where T : struct
    {
        private static readonly System.Collections.Concurrent.ConcurrentBag<T[]> Free = [];

        public static T[] Rent(int length)
        {
            while (Free.TryTake(out var array))
            {
                if (array.Length == length)
                {
                    return array;
                }
            }

            return GC.AllocateUninitializedArray<T>(length);
        }

        public static void Return(T[] array) => Free.Add(array);
    }

    /// <summary>Passes a batch's progress on at once, on the reporting thread, so reports stay in order.</summary>
    private sealed class Relay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
