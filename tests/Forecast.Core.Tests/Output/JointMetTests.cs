using Forecast.Model;
using Forecast.Output;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Output;

/// <summary>The joint count of the forecast (bits per trial, vector compares) must equal the per-trial booleans counted.</summary>
public sealed class JointMetTests
{
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
            var expected = Finaliser.JointMet(table, targets).Count(m => m);
            Assert.Equal(expected, Finaliser.JointMetCount(table, targets));
        }

        Assert.Equal(trials, Finaliser.JointMetCount(table, []));
        Assert.Equal(0, Finaliser.JointMetCount(table, [new("e", (Indicator)0, 2022, 10, "test")]));
    }
}
