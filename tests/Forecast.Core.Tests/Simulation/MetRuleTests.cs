using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>The met rule (value >= threshold, NaN never meets) as bits per trial, against plain loops.</summary>
public sealed class MetRuleTests
{
    [Fact]
    public void A_value_equal_to_the_threshold_meets_it()
    {
        double[] x = [1, 2, 2, 3];

        Assert.Equal(3, MetRule.Count(x, 2));
        Assert.Equal(0, MetRule.Count(x, 3.5));
        Assert.Equal(4, MetRule.Count(x, 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1003)]
    public void Vector_counts_equal_a_plain_loop_whatever_the_length_including_NaN(int n)
    {
        var rng = new System.Random(n);
        var x = Enumerable.Range(0, n).Select(_ => rng.Next(5) == 0 ? double.NaN : Math.Round(rng.NextDouble() * 10, 1)).ToArray();
        foreach (var threshold in new[] { 0.0, 3.3, 5, 10, double.NaN })
        {
            Assert.Equal(x.Count(v => v >= threshold), MetRule.Count(x, threshold));
            Assert.Equal(x.Select(v => v >= threshold ? 1.0 : 0.0), MetRule.ZeroOne(MetRule.Bits(x, threshold), n));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1001)]
    public void The_joint_count_equals_the_trials_meeting_every_target(int trials)
    {
        var table = new TrialTable(2021, 2, trials);
        var rng = new System.Random(trials);
        for (var i = 0; i < table.Values.Length; i++)
        {
            table.Values[i] = rng.Next(10);
        }

        TargetDefinition[][] groups =
        [
            [],
            [new("a", (Indicator)0, 2021, 3, "test")],
            [new("a", (Indicator)0, 2021, 3, "test"), new("b", (Indicator)1, 2022, 5, "test"), new("c", (Indicator)2, 2021, 1.5, "test")],
            [new("d", (Indicator)1, 2022, 10, "test")],
        ];
        foreach (var targets in groups)
        {
            var expected = Enumerable.Range(0, trials).Count(k => targets.All(t => table.Series(t.Indicator, t.Year)[k] >= t.Threshold));
            Assert.Equal(expected, MetRule.Count(MetRule.JointBits(table, targets)));
        }

        Assert.Equal(trials, MetRule.Count(MetRule.JointBits(table, [])));
    }

    [Fact]
    public void A_joint_count_over_a_slice_counts_only_the_slice()
    {
        var table = new TrialTable(2021, 1, 200);
        var target = new TargetDefinition("a", Indicator.NewHte, 2021, 1, "test");
        table.Series(Indicator.NewHte, 2021)[70..130].Fill(1); // met in trials 70..129

        Assert.Equal(30, MetRule.Count(MetRule.JointBits(table, [target], 100, 100)));
        Assert.Equal(60, MetRule.Count(MetRule.JointBits(table, [target], 65, 70)));
        Assert.Equal(0, MetRule.Count(MetRule.JointBits(table, [target], 0, 70)));
    }
}
