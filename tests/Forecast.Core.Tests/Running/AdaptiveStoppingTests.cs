using Forecast.Statistics;
using Forecast.Engines;
using Forecast.Running;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Running;

public sealed class AdaptiveStoppingTests
{
    private const double Z = Intervals.Z95;

    /// <summary>A table of <paramref name="n"/> trials in which every target is met exactly (value = threshold) in every trial.</summary>
    private static TrialTable AllMet(SimulationModel model, int n)
    {
        var table = new TrialTable(model.FirstYear, model.Years, n);
        foreach (var t in model.Targets)
        {
            table.Series(t.Indicator, t.Year).Fill(t.Threshold);
        }

        return table;
    }

    private static void Miss(TrialTable table, TargetDefinition target, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            table.Set(target.Indicator, target.Year, k, target.Threshold - 1);
        }
    }

    [Fact]
    public void The_baseline_has_targets_in_two_years()
    {
        var model = TestModels.Baseline;
        Assert.True(model.Targets.Length >= 2);
        Assert.Equal(2, model.Targets.Select(t => t.Year).Distinct().Count());
        Assert.All(model.Targets, t => Assert.True(t.Threshold > 1, $"{t.Id}: 0 and threshold - 1 must miss it"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(188)]
    [InlineData(1000)]
    public void When_every_trial_meets_every_target_the_half_width_is_that_of_Wilson_n_of_n(int n)
    {
        var model = TestModels.Baseline;
        var table = AllMet(model, n);
        var (lo, hi) = Intervals.Wilson(n, n);

        Assert.Equal((hi - lo) / 2, AdaptiveStopping.WidestHalfWidth(model, table, n));
        // Wilson at n of n: lo = n / (n + z^2), hi = 1, so the half-width is z^2 / (2 (n + z^2)).
        Assert.Equal(Z * Z / (2 * (n + (Z * Z))), AdaptiveStopping.WidestHalfWidth(model, table, n), 12);
    }

    [Theory]
    [InlineData(0.01, 189)] // z^2 / (2 (n + z^2)) <= 0.01  <=>  n >= 50 z^2 - z^2 = 188.2
    [InlineData(0.05, 35)]  // n >= 10 z^2 - z^2 = 34.6
    [InlineData(0.2, 6)]    // n >= 2.5 z^2 - z^2 = 5.8
    public void With_every_target_met_the_rule_first_holds_at_the_known_n(double precision, int first)
    {
        var model = TestModels.Baseline;
        var table = AllMet(model, first + 10);

        Assert.False(AdaptiveStopping.IsPrecise(model, table, first - 1, precision));
        Assert.True(AdaptiveStopping.IsPrecise(model, table, first, precision));
        Assert.True(AdaptiveStopping.IsPrecise(model, table, first + 10, precision));
    }

    [Fact]
    public void A_target_met_in_half_the_trials_sets_the_half_width()
    {
        var model = TestModels.Baseline;
        const int N = 400;
        var table = AllMet(model, N);
        var target = model.Targets[0];
        Miss(table, target, 0, N / 2);

        // p = 1/2: half-width = z sqrt(1/4n + z^2/4n^2) / (1 + z^2/n), below 0.05 at 400 trials (0.0480...).
        var expected = Z * Math.Sqrt((0.25 / N) + (Z * Z / (4.0 * N * N))) / (1 + (Z * Z / N));
        Assert.Equal(expected, AdaptiveStopping.WidestHalfWidth(model, table, N), 12);
        Assert.True(AdaptiveStopping.IsPrecise(model, table, N, 0.05));
        Assert.False(AdaptiveStopping.IsPrecise(model, table, N, 0.045));
    }

    [Fact]
    public void Joint_probabilities_count_even_when_each_target_alone_is_precise_enough()
    {
        var model = TestModels.Baseline;
        const int N = 400;
        var table = AllMet(model, N);
        var year = model.Targets.GroupBy(t => t.Year).First(g => g.Count() >= 2).ToArray();
        Miss(table, year[0], 0, N / 4);       // 3/4 met
        Miss(table, year[1], N / 4, N / 2);   // 3/4 met, other trials: all of the year met in 1/2

        var single = AdaptiveStopping.HalfWidth(3 * N / 4, N);
        var joint = AdaptiveStopping.HalfWidth(N / 2, N);
        Assert.True(joint > single);
        Assert.Equal(joint, AdaptiveStopping.WidestHalfWidth(model, table, N));
        Assert.True(single < 0.045 && joint > 0.045);
        Assert.False(AdaptiveStopping.IsPrecise(model, table, N, 0.045)); // the joint probability is not yet there
    }

    [Fact]
    public void Only_the_prefix_of_n_trials_counts()
    {
        var model = TestModels.Baseline;
        var table = AllMet(model, 300);
        Miss(table, model.Targets[^1], 189, 300); // trials after the prefix miss a target

        Assert.True(AdaptiveStopping.IsPrecise(model, table, 189, 0.01));
        Assert.False(AdaptiveStopping.IsPrecise(model, table, 300, 0.01));
    }

    [Fact]
    public void A_tally_added_batch_by_batch_equals_the_whole_prefix()
    {
        var model = TestModels.Baseline;
        var table = LocalEngine.Simulate(model, new RunPlan(4, 60, 60)).Table;
        var tally = new PrecisionTally(model);
        tally.Add(table, 0, 25);
        tally.Add(table, 25, 35);

        Assert.Equal(60, tally.Trials);
        Assert.Equal(AdaptiveStopping.WidestHalfWidth(model, table, 60), tally.WidestHalfWidth);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.01)]
    [InlineData(0.5000001)]
    [InlineData(double.NaN)]
    public void Precision_outside_0_to_one_half_is_refused(double precision)
    {
        var model = TestModels.Baseline;
        Assert.Throws<PlanOutOfRangeException>(() => AdaptiveStopping.IsPrecise(model, AllMet(model, 10), 10, precision));
        Assert.Throws<PlanOutOfRangeException>(() => new RunPlan(1, 10, Precision: precision).Validated());
    }

    [Fact]
    public void An_adaptive_run_stops_at_the_first_batch_boundary_where_the_rule_holds_and_equals_the_fixed_run()
    {
        var model = TestModels.Baseline;
        const double Precision = 0.1;
        const int Batch = 20;
        var progress = new List<RunProgress>();
        var adaptive = LocalEngine.Simulate(model, new RunPlan(9, 10_000, Batch, Precision), new InlineProgress<RunProgress>(progress.Add)).Table;
        var n = adaptive.Trials;

        Assert.True(n > Batch, $"stopped after {n} trials; the test needs at least two batches");
        Assert.Equal(0, n % Batch);
        Assert.True(AdaptiveStopping.IsPrecise(model, adaptive, n, Precision));
        Assert.False(AdaptiveStopping.IsPrecise(model, adaptive, n - Batch, Precision));

        var fixedRun = LocalEngine.Simulate(model, new RunPlan(9, n, Batch)).Table;
        Assert.Equal(fixedRun.Values, adaptive.Values); // exact
        Assert.Equal(LocalEngine.Simulate(model, new RunPlan(9, n, 1000)).Table.Values, adaptive.Values);

        Assert.Equal(n, progress[^1].TrialsDone);
        Assert.Equal(1.0, progress[^1].Fraction);
        Assert.Contains(progress, p => p.TrialsDone == Batch);
    }

    [Fact]
    public void An_adaptive_run_that_cannot_reach_the_precision_stops_at_the_cap_cutting_the_last_batch()
    {
        var model = TestModels.Baseline;
        var adaptive = LocalEngine.Simulate(model, new RunPlan(2, 30, 12, 0.001)).Table;

        Assert.Equal(30, adaptive.Trials);
        Assert.Equal(LocalEngine.Simulate(model, new RunPlan(2, 30, 12)).Table.Values, adaptive.Values);
    }

    [Fact]
    public void The_trial_estimate_for_progress_scales_with_the_squared_width_ratio_within_bounds()
    {
        Assert.Equal(400, AdaptiveStopping.EstimateTrials(100, 0.1, 0.05, 10_000));
        Assert.Equal(1000, AdaptiveStopping.EstimateTrials(100, 0.1, 0.01, 1000));
        Assert.Equal(100, AdaptiveStopping.EstimateTrials(100, 0.04, 0.05, 1000));
        Assert.Equal(385, AdaptiveStopping.EstimateTrials(0, 0.5, 0.05, 1000)); // no trials yet: z^2 / (4 * 0.05^2) = 384.1
        Assert.Equal(300, AdaptiveStopping.EstimateTrials(0, 0.5, 0.05, 300));
    }
}
