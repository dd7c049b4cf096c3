using System.Collections.Concurrent;
using Forecast.Engines;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Running;

/// <summary>The one run loop: batching, concurrency, checkpoints in trial order, resume, failure, progress.</summary>
public sealed class RunDriverTests
{
    /// <summary>A runner whose every value says where it came from (trial, year, indicator), batches ending in a shuffled order.</summary>
    private sealed class StampRunner(SimulationModel model, int concurrent, int? failAt = null) : IBatchRunner
    {
        public ConcurrentBag<BatchSlice> Ran { get; } = [];

        public ConcurrentBag<int> Cancelled { get; } = [];

        public int ConcurrentBatches => concurrent;

        public async Task<TrialTable> Run(BatchSlice batch, IProgress<double> progress, CancellationToken cancellation)
        {
            Ran.Add(batch);
            try
            {
                await Task.Delay(batch.FirstTrial * 7 % 23, cancellation); // later batches may end first
                if (batch.FirstTrial == failAt)
                {
                    throw new InvalidOperationException("a silo died");
                }

                if (failAt is not null)
                {
                    // Still running when the failure arrives; with failAt -1 nothing fails, so wait for the cancellation.
                    await Task.Delay(failAt == -1 ? Timeout.Infinite : 200, cancellation);
                }
            }
            catch (OperationCanceledException)
            {
                Cancelled.Add(batch.FirstTrial);
                throw;
            }

            var table = model.NewTable(batch.Trials);
            for (var y = model.FirstYear; y <= model.LastYear; y++)
            {
                for (var i = 0; i < Indicators.Count; i++)
                {
                    var series = table.Series((Indicator)i, y);
                    for (var t = 0; t < batch.Trials; t++)
                    {
                        series[t] = Stamp(batch.FirstTrial + t, y, i);
                    }
                }

                progress.Report((y - model.FirstYear + 1.0) / model.Years);
            }

            return table;
        }

        public static double Stamp(int trial, int year, int indicator) => (trial * 1e4) + (year * 100) + indicator;
    }


    private static void AssertStamped(SimulationModel model, TrialTable table, int trials)
    {
        Assert.Equal(trials, table.Trials);
        for (var y = model.FirstYear; y <= model.LastYear; y++)
        {
            for (var i = 0; i < Indicators.Count; i++)
            {
                var series = table.Series((Indicator)i, y);
                for (var t = 0; t < trials; t++)
                {
                    Assert.Equal(StampRunner.Stamp(t, y, i), series[t]);
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 7)]
    [InlineData(8, 100)]
    public async Task A_fixed_run_puts_every_batch_in_place_and_hands_them_over_in_trial_order(int concurrent, int batchSize)
    {
        var model = TestModels.Baseline;
        var runner = new StampRunner(model, concurrent);
        var handed = new List<int>();
        var driver = new RunDriver(model, new RunPlan(1, 95, batchSize), runner)
        {
            BatchFinished = (first, batch, _) =>
            {
                handed.Add(first);
                Assert.Equal(StampRunner.Stamp(first, model.FirstYear, 0), batch.Series((Indicator)0, model.FirstYear)[0]);
                return Task.CompletedTask;
            },
        };

        var result = await driver.Run();

        AssertStamped(model, result.Table, 95);
        Assert.Equal(StopReason.Trials, result.StoppedBy);
        Assert.Null(result.WidestHalfWidth);
        var firsts = Enumerable.Range(0, (95 + batchSize - 1) / batchSize).Select(b => b * batchSize).ToList();
        Assert.Equal(firsts, handed);
        Assert.Equal(firsts, runner.Ran.Select(b => b.FirstTrial).Order());
        Assert.All(runner.Ran.Where(b => b.FirstTrial != firsts[^1]), b => Assert.Equal(concurrent == 1, b.ParallelAgents));
    }

    [Fact]
    public async Task A_resumed_run_steps_only_the_unfinished_batches_and_gives_the_whole_table()
    {
        var model = TestModels.Baseline;
        var first = await new RunDriver(model, new RunPlan(1, 30, 10), new StampRunner(model, 1)).Run();
        var done = new[] { Slice(model, first.Table, 0, 10), Slice(model, first.Table, 10, 10) };
        var runner = new StampRunner(model, 2);

        var resumed = await new RunDriver(model, new RunPlan(1, 30, 10), runner).Run(done);

        Assert.Equal([20], runner.Ran.Select(b => b.FirstTrial));
        Assert.Equal(first.Table.Values, resumed.Table.Values);
    }

    [Fact]
    public async Task An_adaptive_run_resumed_after_its_first_batch_stops_where_the_uninterrupted_run_stops()
    {
        var model = TestModels.Baseline;
        var plan = new RunPlan(9, 2_000, 20, 0.1);
        var whole = LocalEngine.Simulate(model, plan);
        Assert.True(whole.Table.Trials > 20, "the test needs a run of several batches");

        var runner = new LocalBatchRunner(model, plan.Seed);
        var firstBatch = await runner.Run(new BatchSlice(0, 20, ParallelAgents: true), new InlineProgress<double>(_ => { }), default);
        var resumed = await new RunDriver(model, plan, runner).Run([firstBatch]);

        Assert.Equal(whole.Table.Values, resumed.Table.Values);
        Assert.Equal((StopReason.Precision, whole.WidestHalfWidth), (resumed.StoppedBy, resumed.WidestHalfWidth));
    }

    [Fact]
    public async Task A_failing_batch_fails_the_run_and_cancels_the_batches_beside_it()
    {
        var model = TestModels.Baseline;
        var runner = new StampRunner(model, concurrent: 3, failAt: 10);
        var handed = new List<int>();
        var driver = new RunDriver(model, new RunPlan(1, 60, 10), runner)
        {
            BatchFinished = (first, _, _) =>
            {
                handed.Add(first);
                return Task.CompletedTask;
            },
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => driver.Run());

        Assert.Equal("a silo died", error.Message);
        Assert.DoesNotContain(10, handed);
        Assert.NotEmpty(runner.Cancelled);
        Assert.DoesNotContain(runner.Ran, b => b.FirstTrial >= 40); // nothing new started after the failure
    }

    [Fact]
    public async Task Progress_grows_and_ends_at_the_whole_run()
    {
        var model = TestModels.Baseline;
        var reports = new List<RunProgress>();
        await new RunDriver(model, new RunPlan(1, 50, 10), new StampRunner(model, 2)).Run(null, new InlineProgress<RunProgress>(p =>
        {
            lock (reports)
            {
                reports.Add(p);
            }
        }));

        Assert.True(reports.Count > 5);
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True(pair.Second.Fraction >= pair.First.Fraction));
        Assert.Equal(new RunProgress(50, 1.0, null), reports[^1]);
    }

    [Fact]
    public async Task Every_finished_batch_is_reported_with_its_trials()
    {
        var model = TestModels.Baseline;
        var reports = new List<RunProgress>();
        await new RunDriver(model, new RunPlan(1, 40, 10), new StampRunner(model, 1)).Run(null, new InlineProgress<RunProgress>(reports.Add));

        Assert.Equal([0, 10, 20, 30, 40], reports.Select(r => r.TrialsDone).Distinct());
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True(pair.Second.TrialsDone >= pair.First.TrialsDone));
    }

    [Fact]
    public async Task Adaptive_progress_never_goes_back()
    {
        var model = TestModels.Baseline;
        var reports = new List<RunProgress>();
        var result = LocalEngine.Simulate(model, new RunPlan(9, 2_000, 20, 0.1), new InlineProgress<RunProgress>(reports.Add));

        Assert.True(result.Table.Trials > 40, "the test needs several batches");
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True(pair.Second.Fraction >= pair.First.Fraction, $"{pair.First} then {pair.Second}"));
        Assert.True(reports.Where(r => r.TrialsDone == 0).Max(r => r.Fraction) < 1, "the first batch alone must not fill the bar");
        Assert.Equal(1.0, reports[^1].Fraction);
    }

    [Fact]
    public async Task An_adaptive_run_resumed_after_it_was_already_precise_steps_nothing()
    {
        var model = TestModels.Baseline;
        var plan = new RunPlan(9, 2_000, 20, 0.1);
        var whole = LocalEngine.Simulate(model, plan);
        var runner = new StampRunner(model, 1);

        var resumed = await new RunDriver(model, plan, runner).Run([whole.Table]);

        Assert.Empty(runner.Ran);
        Assert.Equal(whole.Table.Values, resumed.Table.Values);
        Assert.Equal(StopReason.Precision, resumed.StoppedBy);
    }

    [Fact]
    public async Task Cancelling_a_run_cancels_its_batches_and_throws()
    {
        var model = TestModels.Baseline;
        var runner = new StampRunner(model, concurrent: 3, failAt: -1); // every batch waits until it is cancelled
        using var cancel = new CancellationTokenSource();
        var run = new RunDriver(model, new RunPlan(1, 60, 10), runner).Run(null, null, cancel.Token);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (runner.Ran.Count < 3 && !run.IsCompleted && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(1); // until the first three batches (all the runner takes at once) have started
        }

        Assert.Equal(3, runner.Ran.Count);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(runner.Ran.Count, runner.Cancelled.Count);
    }

    [Fact]
    public async Task A_checkpoint_that_fails_fails_the_run()
    {
        var model = TestModels.Baseline;
        var driver = new RunDriver(model, new RunPlan(1, 30, 10), new StampRunner(model, 2))
        {
            BatchFinished = (first, _, _) => first == 10 ? throw new IOException("storage is down") : Task.CompletedTask,
        };

        var error = await Assert.ThrowsAsync<IOException>(() => driver.Run());
        Assert.Equal("storage is down", error.Message);
    }

    [Fact]
    public async Task More_finished_trials_than_the_plan_are_refused()
    {
        var model = TestModels.Baseline;
        var done = model.NewTable(20);

        await Assert.ThrowsAsync<ArgumentException>(() => new RunDriver(model, new RunPlan(1, 10), new StampRunner(model, 1)).Run([done]));
    }

    [Theory]
    [InlineData(0, 10, null, "Trials")]
    [InlineData(10_000_001, 10, null, "Trials")]
    [InlineData(10, 0, null, "BatchSize")]
    [InlineData(10, 100_001, null, "BatchSize")]
    [InlineData(10, 10, 0.0, "Precision")]
    [InlineData(10, 10, 0.51, "Precision")]
    [InlineData(10, 10, double.NaN, "Precision")]
    public void A_plan_out_of_range_names_the_member(int trials, int batch, double? precision, string member)
    {
        var error = Assert.Throws<PlanOutOfRangeException>(() => new RunPlan(1, trials, batch, precision).Validated());
        Assert.Equal(member, error.Member);
        Assert.StartsWith($"{member}: ", error.Message);
    }

    private static TrialTable Slice(SimulationModel model, TrialTable table, int first, int count)
    {
        var slice = model.NewTable(count);
        for (var y = model.FirstYear; y <= model.LastYear; y++)
        {
            for (var i = 0; i < Indicators.Count; i++)
            {
                table.Series((Indicator)i, y).Slice(first, count).CopyTo(slice.Series((Indicator)i, y));
            }
        }

        for (var k = 0; k < table.Inputs; k++)
        {
            table.Input(k).Slice(first, count).CopyTo(slice.Input(k));
        }

        return slice;
    }
}
