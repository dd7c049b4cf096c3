using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Running;

namespace Forecast.Core.Tests.Engines;

/// <summary>The engine seam on the local engine: a run store of submitted runs, the same table as the run loop.</summary>
public sealed class LocalEngineTests
{
    [Fact]
    public async Task A_submitted_run_is_listed_found_and_waited_for_with_the_run_loops_table()
    {
        await using var engine = new LocalEngine();
        var plan = new RunPlan(7, 40, 15);
        var id = await engine.Runs.Submit(new RunRequest(TestModels.Inputs(), plan), default);

        var run = await engine.Runs.Wait(id, null, default);

        Assert.Equal(id, run.RunId);
        Assert.Equal(LocalEngine.Simulate(TestModels.Baseline, plan).Table.Values, run.Result.Table.Values);
        Assert.Equal("local (no Orleans)", run.Execution.Engine);
        var record = Assert.Single(await engine.Runs.List(default));
        Assert.Equal((id, "baseline", 7UL, 40, RunState.Done), (record.RunId, record.Scenario, record.Seed, record.Trials, record.State));
        Assert.NotNull(record.FinishedUtc);
        var details = await engine.Runs.Find(id, default);
        Assert.Equal((RunState.Done, 1.0), (details!.Status.State, details.Status.Fraction));
        Assert.False(engine.Runs.Durable);
    }

    [Fact]
    public async Task Bad_input_is_refused_at_submission_and_nothing_is_kept()
    {
        await using var engine = new LocalEngine();
        var inputs = TestModels.Inputs() with { ScenarioName = "bad.yaml", ScenarioYaml = "name: x\nlevers:\n  free-money: 5\n" };

        var error = await Assert.ThrowsAsync<InputException>(() => engine.Runs.Submit(new RunRequest(inputs, new RunPlan(1, 10)), default));
        Assert.Equal("levers.free-money", error.Field);
        await Assert.ThrowsAsync<PlanOutOfRangeException>(() => engine.Runs.Submit(new RunRequest(TestModels.Inputs(), new RunPlan(1, 0)), default));
        Assert.Empty(await engine.Runs.List(default));
    }

    [Fact]
    public async Task An_unknown_run_is_not_found_and_cannot_be_waited_for()
    {
        await using var engine = new LocalEngine();
        var id = Guid.NewGuid();

        Assert.Null(await engine.Runs.Find(id, default));
        var error = await Assert.ThrowsAsync<UnknownRunException>(() => engine.Runs.Wait(id, null, default));
        Assert.Equal(id, error.RunId);
    }

    [Fact]
    public async Task Disposing_the_engine_cancels_a_run_still_going()
    {
        var engine = new LocalEngine();
        var id = await engine.Runs.Submit(new RunRequest(TestModels.Inputs(), new RunPlan(1, 20_000)), default);
        await engine.DisposeAsync();

        var details = await engine.Runs.Find(id, default);
        Assert.Equal(RunState.Failed, details!.Status.State);
    }

    [Fact]
    public async Task A_follower_arriving_after_the_end_hears_the_last_progress()
    {
        await using var engine = new LocalEngine();
        var id = await engine.Runs.Submit(new RunRequest(TestModels.Inputs(), new RunPlan(2, 20)), default);
        await engine.Runs.Wait(id, null, default);
        var heard = new List<RunProgress>();

        await engine.Runs.Wait(id, new InlineProgress<RunProgress>(heard.Add), default);

        Assert.Equal(new RunProgress(20, 1.0, null), Assert.Single(heard));
    }

    [Fact]
    public async Task Giving_up_the_wait_cancels_the_run_and_a_second_dispose_is_harmless()
    {
        var engine = new LocalEngine();
        // A run far longer than any wait below, so it cannot end Done on its own even when other
        // tests keep the thread pool busy and the give-up is noticed late.
        var id = await engine.Runs.Submit(new RunRequest(TestModels.Inputs(), new RunPlan(1, 100_000)), default);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.Runs.Wait(id, null, giveUp.Token));
        var status = (await engine.Runs.Find(id, default))!.Status;
        for (var i = 0; i < 600 && status.State == RunState.Running; i++)
        {
            await Task.Delay(50);
            status = (await engine.Runs.Find(id, default))!.Status;
        }

        Assert.Equal((RunState.Failed, "cancelled"), (status.State, status.Error));
        await engine.DisposeAsync();
        await engine.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.Runs.Submit(new RunRequest(TestModels.Inputs(), new RunPlan(1, 10)), default));
    }
}
