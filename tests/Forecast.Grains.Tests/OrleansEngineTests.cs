using Forecast.Engines;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Grains.Tests;

/// <summary>The engine seam on an in-process two-silo cluster: the run store is the coordinator and catalogue grains.</summary>
public sealed class OrleansEngineTests(TwoSiloClusterFixture fixture) : IClassFixture<TwoSiloClusterFixture>
{
    private OrleansEngine Engine() => OrleansEngine.Over(fixture.Cluster.Client, "test cluster", new Placement(Shards: 3));

    [Fact]
    public async Task A_run_is_submitted_found_listed_and_waited_for_with_the_pure_simulations_table()
    {
        await using var engine = Engine();
        var inputs = ModelInputs.Read(ModelInputs.LocateSeeds());
        var plan = new RunPlan(29, 30, 12, 0.2);

        var id = await engine.Runs.Submit(new RunRequest(inputs, plan), default);
        var run = await engine.Runs.Wait(id, null, default);

        var pure = LocalEngine.Simulate(SimulationModel.Build(inputs), plan);
        Assert.Equal(pure.Table.Values, run.Result.Table.Values);
        Assert.Equal((pure.StoppedBy, pure.WidestHalfWidth), (run.Result.StoppedBy, run.Result.WidestHalfWidth));
        Assert.Equal(new RunExecution("test cluster", 3, true), run.Execution);
        var details = await engine.Runs.Find(id, default);
        Assert.Equal((RunState.Done, "baseline", true), (details!.Status.State, details.Record!.Scenario, details.Record.Adaptive));
        Assert.Equal(details.Checkpoints.Sum(c => c.Trials), run.Result.Table.Trials);
        Assert.Contains(await engine.Runs.List(default), r => r.RunId == id && r.State == RunState.Done);
        Assert.True(engine.Runs.Durable);
    }

    [Fact]
    public async Task An_unknown_run_is_not_found_and_bad_input_is_refused_before_anything_runs()
    {
        await using var engine = Engine();
        var id = Guid.NewGuid();

        Assert.Null(await engine.Runs.Find(id, default));
        Assert.Equal(id, (await Assert.ThrowsAsync<UnknownRunException>(() => engine.Runs.Wait(id, null, default))).RunId);
        var bad = ModelInputs.Read(ModelInputs.LocateSeeds()) with { ScenarioName = "bad.yaml", ScenarioYaml = "levers:\n  free-money: 1\n" };
        var error = await Assert.ThrowsAsync<InputException>(() => engine.Runs.Submit(new RunRequest(bad, new RunPlan(1, 10)), default));
        Assert.Equal("levers.free-money", error.Field);
    }
}
