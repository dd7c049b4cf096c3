using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Running;
using Forecast.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Forecast.Grains.Tests;

public sealed class CoordinatorGrainTests(TwoSiloClusterFixture fixture) : IClassFixture<TwoSiloClusterFixture>
{
    private static string Seeds()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Forecast.sln")))
            {
                return Path.Combine(dir.FullName, "seeds");
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public async Task Grains_on_two_silos_give_the_pure_simulations_results_bit_for_bit()
    {
        Assert.Equal(2, fixture.Cluster.GetActiveSilos().Count());
        var inputs = ModelInputs.Read(Seeds());
        var spec = new RunSpec(Guid.NewGuid(), inputs, new RunPlan(17, 24, 10), new Placement(Shards: 3));

        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);
        var status = await coordinator.Start(spec);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (status.State == RunState.Running)
        {
            await Task.Delay(50, deadline.Token);
            status = await coordinator.Status();
        }

        Assert.Equal(RunState.Done, status.State);
        var outcome = await coordinator.Outcome();
        Assert.NotNull(outcome);

        var pure = LocalEngine.Simulate(SimulationModel.Build(inputs), new RunPlan(17, 24, 24)).Table;
        Assert.Equal(pure.Values, outcome.Values.ToArray());
    }

    [Fact]
    public async Task Starting_a_run_twice_reports_on_the_first_run()
    {
        var inputs = ModelInputs.Read(Seeds());
        var spec = new RunSpec(Guid.NewGuid(), inputs, new RunPlan(3, 4, 4), new Placement(Shards: 2));
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);

        var first = await coordinator.Start(spec);
        var second = await coordinator.Start(spec with { Plan = spec.Plan with { Trials = 999 } });

        Assert.Equal(spec.RunId, second.RunId);
        Assert.Equal(first.RunId, second.RunId);
        while ((await coordinator.Status()).State == RunState.Running)
        {
            await Task.Delay(50);
        }

        Assert.Equal(4, (await coordinator.Outcome())!.Trials);
    }

    private static async Task<RunStatus> WaitFor(ICoordinatorGrain coordinator, RunStatus status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (status.State == RunState.Running)
        {
            await Task.Delay(50, deadline.Token);
            status = await coordinator.Status();
        }

        return status;
    }

    [Fact]
    public async Task An_adaptive_run_on_one_shard_per_silo_gives_the_pure_adaptive_runs_trials_bit_for_bit()
    {
        var inputs = ModelInputs.Read(Seeds());
        var spec = new RunSpec(Guid.NewGuid(), inputs, new RunPlan(21, 500, 10, 0.15), new Placement(Shards: 0, SiloAggregation: true));
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);

        var status = await WaitFor(coordinator, await coordinator.Start(spec));

        Assert.Equal(RunState.Done, status.State);
        Assert.Equal(2, status.Shards); // Shards 0: one per active silo of the two
        var outcome = await coordinator.Outcome();
        Assert.NotNull(outcome);
        Assert.True(outcome.Trials > 10 && outcome.Trials % 10 == 0, $"{outcome.Trials} trials");
        Assert.Equal(outcome.Trials, status.TrialsDone);
        Assert.True(status.WidestHalfWidth <= 0.15);

        var model = SimulationModel.Build(inputs);
        var pure = LocalEngine.Simulate(model, new RunPlan(21, 500, 10, 0.15)).Table;
        Assert.Equal(pure.Trials, outcome.Trials);
        Assert.Equal(pure.Values, outcome.Values.ToArray());
        Assert.Equal(LocalEngine.Simulate(model, new RunPlan(21, outcome.Trials)).Table.Values, outcome.Values.ToArray());
    }

    [Fact]
    public async Task An_adaptive_run_stops_at_its_cap_cutting_the_last_batch()
    {
        var inputs = ModelInputs.Read(Seeds());
        var spec = new RunSpec(Guid.NewGuid(), inputs, new RunPlan(8, 6, 4, 0.001), new Placement(Shards: 2));
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);

        var status = await WaitFor(coordinator, await coordinator.Start(spec));

        Assert.Equal(RunState.Done, status.State);
        Assert.Equal(6, status.TrialsDone);
        Assert.Equal(2, status.Shards);
        var outcome = await coordinator.Outcome();
        Assert.Equal(6, outcome!.Trials);
        Assert.Equal(LocalEngine.Simulate(SimulationModel.Build(inputs), new RunPlan(8, 6)).Table.Values, outcome.Values.ToArray());
    }

    [Theory]
    [InlineData(null, 0, 4, 0)]     // fixed trials, but no trials
    [InlineData(0.7, 100, 4, 0)]    // precision above 0.5
    [InlineData(0.1, 0, 4, 0)]      // adaptive without a cap
    [InlineData(null, 10, 0, 0)]    // empty batches
    [InlineData(null, 10, 4, -1)]   // negative shards
    public async Task A_spec_that_cannot_run_is_refused_at_start(double? precision, int trials, int batch, int shards)
    {
        var inputs = ModelInputs.Read(Seeds());
        var spec = new RunSpec(Guid.NewGuid(), inputs, new RunPlan(1, trials, batch, precision), new Placement(shards));
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);

        await Assert.ThrowsAnyAsync<ArgumentOutOfRangeException>(() => coordinator.Start(spec));
        Assert.Equal(RunState.Idle, (await coordinator.Status()).State);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(0.01, false)]
    public void A_run_spec_and_what_a_coordinator_keeps_come_through_the_Orleans_serializer_whole(double? precision, bool siloAggregation)
    {
        var serializer = fixture.Cluster.ServiceProvider!.GetRequiredService<Serializer>();
        T RoundTrip<T>(T value) => serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
        var spec = new RunSpec(Guid.NewGuid(), ModelInputs.Read(Seeds()), new RunPlan(5, 7, 3, precision), new Placement(0, siloAggregation));
        var checkpoint = new CheckpointInfo(1000, 500, "S127.0.0.1:11111:1", new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), 2);
        var state = new CoordinatorState { Spec = spec, State = RunState.Done, Checkpoints = [checkpoint], Activations = 2, ResumedAtTrial = 1000 };

        var copy = RoundTrip(spec);
        Assert.Equal((spec.RunId, spec.Plan, spec.Placement, spec.Inputs), (copy.RunId, copy.Plan, copy.Placement, copy.Inputs));
        var stateCopy = RoundTrip(state);
        Assert.Equal((RunState.Done, checkpoint, 2, 1000), (stateCopy.State, stateCopy.Checkpoints.Single(), stateCopy.Activations, stateCopy.ResumedAtTrial));
        var status = new RunStatus(spec.RunId, RunState.Failed, 0.5, 700, "a silo died", 0.02, 3, 2, 1, 1000);
        Assert.Equal(status, RoundTrip(status));
        var record = new RunRecord(spec.RunId, "baseline", 5, 7, RunState.Running, checkpoint.FinishedUtc, null, precision is not null);
        Assert.Equal(record, RoundTrip(record));
    }
}
