using Forecast.Aggregation;
using Forecast.Simulation;

namespace Forecast.Running;

/// <summary>
/// The pure simulation as a batch runner: steps a batch's agents in this process, in parallel chunks
/// that each add into their own accumulator (partials merge exactly), on every core or, when other
/// batches run beside it, on its share of them. The Orleans path gives the same bits; tests compare the two.
/// </summary>
public sealed class LocalBatchRunner(SimulationModel model, ulong seed) : IBatchRunner
{
    internal const int ChunkSize = 256; // enterprises a parallel work item steps

    /// <summary>
    /// Batches stepped at once in this process: one per eight cores, each spread over its share of them
    /// (<see cref="ThreadsPerBatch"/>). A batch's states (8 bytes per agent and trial) are the run's
    /// largest allocation, so few batches on many cores hold less memory than one batch per core;
    /// with many cores, a few batches at once keep each year's serial part from idling them.
    /// </summary>
    public static int BatchesAtOnce { get; } = Math.Max(1, Environment.ProcessorCount / 8);

    /// <summary>Threads a batch's agents step on while other batches run beside it (alone, it takes every core).</summary>
    public static int ThreadsPerBatch { get; } = Math.Max(1, Environment.ProcessorCount / BatchesAtOnce);

    public int ConcurrentBatches => BatchesAtOnce;

    public Task<TrialTable> Run(BatchSlice batch, IProgress<double> progress, CancellationToken cancellation) =>
        Task.Run(() => RunBatch(model, seed, batch.FirstTrial, batch.Trials, model.LastYear, progress, cancellation, threads: batch.ParallelAgents ? -1 : ThreadsPerBatch).Table,
            cancellation);

    /// <summary>
    /// Runs trials [<paramref name="firstTrial"/>, <paramref name="firstTrial"/> + <paramref name="count"/>) from
    /// the calibration year to <paramref name="lastYear"/>, its agents in parallel chunks on at most
    /// <paramref name="threads"/> threads (-1: every core); <paramref name="reference64"/> steps the enterprises
    /// with the double-precision reference kernel (for tests of the 32-bit one).
    /// </summary>
    public static BatchCoordinator RunBatch(
        SimulationModel model,
        ulong seed,
        int firstTrial,
        int count,
        int lastYear,
        IProgress<double>? progress = null,
        CancellationToken cancellation = default,
        int threads = -1,
        bool reference64 = false)
    {
        var coordinator = new BatchCoordinator(model, seed, firstTrial, count);
        var firms = model.Population.Enterprises;
        var incubators = model.Population.Incubators;
        var states = Scratch<EnterpriseState>.Rent(firms.Length * count);
        var incubatorStates = Scratch<IncubatorState>.Rent(incubators.Length * count);
        var initialised = new bool[firms.Length];
        try
        {
            var chunks = (firms.Length + ChunkSize - 1) / ChunkSize;
            var options = new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = threads };
            // Every step completes synchronously, so the year loop's task has ended when it returns.
            var years = coordinator.RunYears(lastYear, ctx => ValueTask.FromResult(StepYear(model, ctx, states, initialised, incubatorStates, chunks, options, reference64)),
                progress, cancellation);
            if (!years.IsCompleted)
            {
                throw new InvalidOperationException("the local year loop did not complete synchronously");
            }

            years.GetAwaiter().GetResult();
            return coordinator;
        }
        finally
        {
            Scratch<EnterpriseState>.Return(states);
            Scratch<IncubatorState>.Return(incubatorStates);
        }
    }

    /// <summary>
    /// One year of every agent: enterprises in chunks, each chunk into its own accumulator, then the
    /// incubators. An agent is initialised before its first step (its start-year base metrics go into
    /// the same accumulator), as an agent grain is on its first call. With <paramref name="reference64"/>
    /// enterprises step with <see cref="ReferenceKernel64"/> (tests only).
    /// </summary>
    private static PartialAggregate StepYear(SimulationModel model, YearContext ctx, StateBuffer<EnterpriseState> states, bool[] initialised,
        StateBuffer<IncubatorState> incubatorStates,
        int chunks, ParallelOptions options, bool reference64)
    {
        var firms = model.Population.Enterprises;
        var count = ctx.Trials;
        var merged = new PartialAggregate(count);
        Parallel.For(
            0,
            chunks,
            options,
            () => new Accumulator(count),
            (chunk, _, acc) =>
            {
                StepEnterprises(model, ctx, states.Span, acc, chunk * ChunkSize, Math.Min(firms.Length, (chunk + 1) * ChunkSize), initialised, reference64);
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

        StepIncubators(model, ctx, incubatorStates.Span, merged);
        return merged;
    }

    /// <summary>One year of every incubator slot of a batch whose states are <paramref name="states"/> (slot-major), into <paramref name="into"/>; initialised in the first year.</summary>
    internal static void StepIncubators(SimulationModel model, YearContext ctx, Span<IncubatorState> states, PartialAggregate into)
    {
        var count = ctx.Trials;
        for (var i = 0; i < model.Population.Incubators.Length; i++)
        {
            var span = states.Slice(i * count, count);
            if (ctx.Year == model.FirstYear)
            {
                IncubatorAgent.Init(model.Population.Incubators[i], span, ctx);
            }

            IncubatorAgent.Step(i, span, ctx, model.Rules, into);
        }
    }

    /// <summary>
    /// One year of enterprises [<paramref name="from"/>, <paramref name="to"/>) of a batch whose states are
    /// <paramref name="states"/> (agent-major, the batch's trials each), into <paramref name="acc"/>. As a shard
    /// does, an agent dormant this year is skipped (its states are never read: an entrant slot is
    /// initialised in the year it first wakes, a start-year firm beyond every trial's stock never), and
    /// an agent is initialised (<paramref name="initialised"/>, one flag per agent of the batch, false at its start) before its first step.
    /// </summary>
    internal static void StepEnterprises(SimulationModel model, YearContext ctx, Span<EnterpriseState> states, Accumulator acc, int from, int to,
        bool[] initialised, bool reference64 = false)
    {
        var firms = model.Population.Enterprises;
        var (count, rules) = (ctx.Trials, model.Rules);
        for (var a = from; a < to; a++)
        {
            if (EnterpriseAgent.IsDormant(firms[a], ctx))
            {
                continue;
            }

            var span = states.Slice(a * count, count);
            var first = !initialised[a];
            initialised[a] = true;
            if (reference64)
            {
                var sink = new AccumulatorSink(acc);
                if (first)
                {
                    ReferenceKernel64.Init(firms[a], span, ctx, rules, ref sink);
                }

                ReferenceKernel64.Step(firms[a], (uint)a, span, ctx, rules, ref sink);
                continue;
            }

            if (first)
            {
                EnterpriseAgent.Init(firms[a], span, ctx, rules, acc);
            }

            EnterpriseAgent.Step(firms[a], (uint)a, span, ctx, rules, acc);
        }
    }

    /// <summary>
    /// State buffers kept between batches and runs (a study's runs reuse them): a fresh buffer's pages
    /// are faulted in on first touch, a reused one's are not. An agent's states are initialised before
    /// they are first read in a batch, so reuse cannot leak one batch into the next. Holds at most one buffer per batch running at once.
    /// </summary>
    private static class Scratch<T>
        where T : unmanaged
    {
        private static readonly System.Collections.Concurrent.ConcurrentBag<StateBuffer<T>> Free = [];

        /// <summary>A free buffer of at least <paramref name="length"/> elements (callers use its first <paramref name="length"/>), else a new one; smaller free ones are freed.</summary>
        public static StateBuffer<T> Rent(int length)
        {
            while (Free.TryTake(out var buffer))
            {
                if (buffer.Length >= length)
                {
                    return buffer;
                }

                buffer.Dispose();
            }

            return new StateBuffer<T>(length);
        }

        public static void Return(StateBuffer<T> buffer) => Free.Add(buffer);
    }
}
