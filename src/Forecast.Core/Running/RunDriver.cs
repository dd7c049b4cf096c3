using Forecast.Simulation;

namespace Forecast.Running;

/// <summary>
/// Trials [<see cref="FirstTrial"/>, <see cref="FirstTrial"/> + <see cref="Trials"/>) of a run.
/// <see cref="ParallelAgents"/>: no other batch runs beside this one, so the runner may spread its
/// agents over every core.
/// </summary>
public readonly record struct BatchSlice(int FirstTrial, int Trials, bool ParallelAgents);

/// <summary>
/// Runs batches of one run's trials through every year (the model and seed are the runner's).
/// The local engine steps them in this process; the coordinator grain fans them out to shards.
/// </summary>
public interface IBatchRunner
{
    /// <summary>How many batches are worth stepping at once (the local engine: one per eight cores; a cluster spreads each batch instead).</summary>
    int ConcurrentBatches { get; }

    /// <summary>The batch's per-trial table; <paramref name="progress"/> gets the fraction of the batch done.</summary>
    Task<TrialTable> Run(BatchSlice batch, IProgress<double> progress, CancellationToken cancellation);
}

/// <summary>How far a run has got: trials done, the fraction done (estimated when adaptive), the widest half-width so far (adaptive only).</summary>
public readonly record struct RunProgress(int TrialsDone, double Fraction, double? WidestHalfWidth);

public enum StopReason
{
    /// <summary>A fixed run did its trials.</summary>
    Trials,

    /// <summary>An adaptive run reached its precision.</summary>
    Precision,

    /// <summary>An adaptive run reached its cap before its precision.</summary>
    MaxTrials,
}

/// <summary>A finished run's per-trial table and what ended it.</summary>
public sealed record RunTable(TrialTable Table, StopReason StoppedBy, double? WidestHalfWidth);

/// <summary>
/// The run loop, the same on every engine: cuts the plan into batches [0, B), [B, 2B), ..., has the
/// runner step them, and stops after the planned trials or, for an adaptive plan, at the first batch
/// boundary where the stopping rule holds (checked in trial order, one batch at a time), or at the
/// cap (the last batch cut to it). It resumes after batches already finished, hands every finished
/// batch to <see cref="BatchFinished"/> in trial order (a checkpoint), and reports progress.
/// </summary>
public sealed class RunDriver(SimulationModel model, RunPlan plan, IBatchRunner runner)
{
    private readonly RunPlan _plan = plan.Validated();

    /// <summary>Awaited once per batch this driver runs (first trial, its table), in trial order, before the run goes on past it.</summary>
    public Func<int, TrialTable, CancellationToken, Task>? BatchFinished { get; init; }

    /// <summary>Runs the plan after <paramref name="finished"/>: batches of the same plan already done, from trial 0 on.</summary>
    public async Task<RunTable> Run(IReadOnlyList<TrialTable>? finished = null, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var done = finished?.Sum(b => b.Trials) ?? 0;
        if (done > _plan.Trials)
        {
            throw new ArgumentException($"{done} trials already finished, more than the plan's {_plan.Trials}", nameof(finished));
        }

        var result = _plan.Adaptive
            ? await RunAdaptive(finished ?? [], done, progress, cancellation)
            : new RunTable(await RunFixed(finished ?? [], done, progress, cancellation), StopReason.Trials, null);
        progress?.Report(new RunProgress(result.Table.Trials, 1.0, result.WidestHalfWidth));
        return result;
    }

    /// <summary>Every planned trial: up to the runner's <see cref="IBatchRunner.ConcurrentBatches"/> batches at once, each copied into place as it ends.</summary>
    private async Task<TrialTable> RunFixed(IReadOnlyList<TrialTable> finished, int done, IProgress<RunProgress>? progress, CancellationToken cancellation)
    {
        var total = _plan.Trials;
        var table = model.NewTable(total);
        var first = 0;
        foreach (var batch in finished)
        {
            table.CopyFrom(batch, first);
            first += batch.Trials;
        }

        var slices = new List<BatchSlice>();
        for (var f = done; f < total; f += _plan.BatchSize)
        {
            slices.Add(new BatchSlice(f, Math.Min(_plan.BatchSize, total - f), ParallelAgents: false));
        }

        var concurrency = Math.Clamp(runner.ConcurrentBatches, 1, Math.Max(1, slices.Count));
        var tracker = new FixedProgress(slices, done, total, progress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var running = new Dictionary<Task<TrialTable>, int>();
        var ended = new TrialTable?[slices.Count];
        var next = 0;
        var handed = 0; // batches handed to BatchFinished, in order
        try
        {
            while (handed < slices.Count)
            {
                while (running.Count < concurrency && next < slices.Count)
                {
                    var i = next++;
                    var alone = concurrency == 1 || (i == slices.Count - 1 && running.Count == 0);
                    running.Add(runner.Run(slices[i] with { ParallelAgents = alone }, tracker.For(i), stop.Token), i);
                }

                var task = await Task.WhenAny(running.Keys);
                var index = running[task];
                running.Remove(task);
                var batch = await task;
                table.CopyFrom(batch, slices[index].FirstTrial); // disjoint trial ranges
                ended[index] = batch;
                tracker.Finished(index);
                for (; handed < slices.Count && ended[handed] is { } inOrder; handed++)
                {
                    ended[handed] = null;
                    if (BatchFinished is { } checkpoint)
                    {
                        await checkpoint(slices[handed].FirstTrial, inOrder, stop.Token);
                    }
                }
            }
        }
        catch
        {
            await stop.CancelAsync();
            await Task.WhenAll(running.Keys).ContinueWith(_ => { }, TaskScheduler.Default); // let the others end; the first failure is the one to report
            throw;
        }

        return table;
    }

    /// <summary>One batch at a time until the stopping rule holds at a batch boundary or the cap is reached.</summary>
    private async Task<RunTable> RunAdaptive(IReadOnlyList<TrialTable> finished, int done, IProgress<RunProgress>? progress, CancellationToken cancellation)
    {
        var precision = _plan.Precision!.Value;
        var cap = _plan.Trials;
        var tally = new PrecisionTally(model);
        var batches = new List<TrialTable>(finished);
        foreach (var batch in finished)
        {
            tally.Add(batch);
        }

        var widest = done == 0 ? AdaptiveStopping.MaxPrecision : tally.WidestHalfWidth;
        var shown = 0.0; // the fraction reported so far: estimates move, the bar does not go back
        void Report(int trials, double fraction, double width)
        {
            shown = Math.Max(shown, Math.Min(fraction, 1));
            progress?.Report(new RunProgress(trials, shown, width));
        }

        while (done < cap && !(done > 0 && widest <= precision))
        {
            var (first, count, before) = (done, Math.Min(_plan.BatchSize, cap - done), widest);
            var total = Math.Max(AdaptiveStopping.EstimateTrials(first, widest, precision, cap), first + count);
            var batch = await runner.Run(new BatchSlice(first, count, ParallelAgents: true),
                new InlineProgress<double>(f => Report(first, (first + (f * count)) / total, before)), cancellation);
            batches.Add(batch);
            tally.Add(batch);
            done += count;
            widest = tally.WidestHalfWidth;
            if (BatchFinished is { } checkpoint)
            {
                await checkpoint(first, batch, cancellation);
            }

            Report(done, (double)done / AdaptiveStopping.EstimateTrials(done, widest, precision, cap), widest);
        }

        return new RunTable(TrialTable.Concatenate(batches),
            widest <= precision ? StopReason.Precision : StopReason.MaxTrials, widest);
    }

    /// <summary>The fraction of a fixed run done: every batch's trials weighted by its own fraction, reported when it or the trials done grow.</summary>
    private sealed class FixedProgress(List<BatchSlice> slices, int resumed, int total, IProgress<RunProgress>? progress)
    {
        private readonly double[] _fractions = new double[slices.Count];
        private readonly int _resumed = resumed;
        private readonly Lock _sendLock = new();
        private double _reported = -1;
        private int _reportedTrials = -1;
        private int _trialsDone = resumed;
        private RunProgress _sent = new(0, -1, null);

        public IProgress<double> For(int index) => new InlineProgress<double>(f => Report(index, f, 0));

        public void Finished(int index) => Report(index, 1.0, slices[index].Trials);

        private void Report(int index, double fraction, int finishedTrials)
        {
            RunProgress? next = null;
            lock (_fractions)
            {
                _trialsDone += finishedTrials;
                _fractions[index] = Math.Max(_fractions[index], fraction);
                var sum = (double)_resumed;
                for (var i = 0; i < _fractions.Length; i++)
                {
                    sum += _fractions[i] * slices[i].Trials;
                }

                if (sum / total > _reported || _trialsDone > _reportedTrials)
                {
                    _reported = Math.Max(_reported, sum / total);
                    _reportedTrials = _trialsDone;
                    next = new RunProgress(_trialsDone, _reported, null);
                }
            }

            if (next is { } p)
            {
                Send(p);
            }
        }

        /// <summary>
        /// Reports in order: two batches' threads may leave the lock above in either order, so a report
        /// older than one already sent is dropped. Outside that lock: a slow follower holds up only other reports.
        /// </summary>
        private void Send(RunProgress p)
        {
            lock (_sendLock)
            {
                if (p.Fraction < _sent.Fraction || p.TrialsDone < _sent.TrialsDone)
                {
                    return;
                }

                _sent = p;
                progress?.Report(p);
            }
        }
    }
}
