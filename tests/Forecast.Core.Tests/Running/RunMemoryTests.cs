using Forecast.Running;

namespace Forecast.Core.Tests.Running;

public sealed class RunMemoryTests
{
    [Fact]
    public void The_table_grows_with_trials_and_the_states_with_batch_and_workers()
    {
        var model = TestModels.Baseline;
        var (table1, states1) = RunMemory.Estimate(model, new RunPlan(1, 10_000, 1_000), 2);
        var (table10, states10) = RunMemory.Estimate(model, new RunPlan(1, 100_000, 1_000), 2);
        var (_, statesWide) = RunMemory.Estimate(model, new RunPlan(1, 10_000, 2_000), 2);
        var (_, statesElsewhere) = RunMemory.Estimate(model, new RunPlan(1, 10_000, 1_000), 0);

        Assert.Equal(10 * table1, table10);
        Assert.Equal(states1, states10);
        Assert.Equal(2 * states1, statesWide);
        Assert.Equal(0, statesElsewhere);
        var agents = model.Population.Enterprises.Length + model.Population.Incubators.Length;
        Assert.Equal((long)agents * 1_000 * 8 * 2, states1);
    }

    [Fact]
    public void A_run_over_the_share_of_available_memory_is_refused_with_both_figures()
    {
        var model = TestModels.Baseline;
        var plan = new RunPlan(1, 1_000_000, 1_000);
        var (table, states) = RunMemory.Estimate(model, plan, 2);
        var e = Assert.Throws<RunTooLargeException>(() => RunMemory.Check(model, plan, 2, available: table + states));
        Assert.Equal(table + states, e.Needed);
        Assert.Equal((long)(RunMemory.Share * (table + states)), e.Limit);
        Assert.Contains("1,000,000 trials", e.Message);

        RunMemory.Check(model, plan, 2, available: (long)((table + states) / RunMemory.Share) + 1);
    }
}
