using Forecast.Inputs;
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
        var spec = new RunSpec(Guid.NewGuid(), inputs, Seed: 17, Trials: 24, BatchSize: 10, Shards: 3);

        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);
        var status = await coordinator.Start(spec);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (status.State == "running")
        {
            await Task.Delay(50, deadline.Token);
            status = await coordinator.Status();
        }

        Assert.Equal("done", status.State);
        var outcome = await coordinator.Outcome();
        Assert.NotNull(outcome);

        var pure = LocalEngine.Run(SimulationModel.Build(inputs), seed: 17, trials: 24, batchSize: 24);
        Assert.Equal(pure.Values, outcome.Values.ToArray());
    }

    [Fact]
    public async Task Starting_a_run_twice_reports_on_the_first_run()
    {
        var inputs = ModelInputs.Read(Seeds());
        var spec = new RunSpec(Guid.NewGuid(), inputs, Seed: 3, Trials: 4, BatchSize: 4, Shards: 2);
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);

        var first = await coordinator.Start(spec);
        var second = await coordinator.Start(spec with { Trials = 999 });

        Assert.Equal(spec.RunId, second.RunId);
        Assert.Equal(first.RunId, second.RunId);
        while ((await coordinator.Status()).State == "running")
        {
            await Task.Delay(50);
        }

        Assert.Equal(4, (await coordinator.Outcome())!.Trials);
    }

    private static async Task<RunStatus> WaitFor(ICoordinatorGrain coordinator, RunStatus status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (status.State == "running")
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
        var spec = new RunSpec(Guid.NewGuid(), inputs, Seed: 21, Trials: 1, BatchSize: 10, Shards: 0,
            Precision: 0.25, MaxTrials: 500, SiloAggregation: true);
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);

        var status = await WaitFor(coordinator, await coordinator.Start(spec));

        Assert.Equal("done", status.State);
        Assert.Equal(2, status.Shards); // Shards 0: one per active silo of the two
        var outcome = await coordinator.Outcome();
        Assert.NotNull(outcome);
        Assert.True(outcome.Trials > 10 && outcome.Trials % 10 == 0, $"{outcome.Trials} trials");
        Assert.Equal(outcome.Trials, status.TrialsDone);
        Assert.True(status.WidestHalfWidth <= 0.25);

        var model = SimulationModel.Build(inputs);
        var pure = LocalEngine.RunAdaptive(model, seed: 21, precision: 0.25, maxTrials: 500, batchSize: 10);
        Assert.Equal(pure.Trials, outcome.Trials);
        Assert.Equal(pure.Values, outcome.Values.ToArray());
        Assert.Equal(LocalEngine.Run(model, seed: 21, trials: outcome.Trials).Values, outcome.Values.ToArray());
    }

    [Fact]
    public async Task An_adaptive_run_stops_at_its_cap_cutting_the_last_batch()
    {
        var inputs = ModelInputs.Read(Seeds());
        var spec = new RunSpec(Guid.NewGuid(), inputs, Seed: 8, Trials: 1, BatchSize: 4, Shards: 2, Precision: 0.001, MaxTrials: 6);
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);

        var status = await WaitFor(coordinator, await coordinator.Start(spec));

        Assert.Equal("done", status.State);
        Assert.Equal(6, status.TrialsDone);
        Assert.Equal(2, status.Shards);
        var outcome = await coordinator.Outcome();
        Assert.Equal(6, outcome!.Trials);
        Assert.Equal(LocalEngine.Run(SimulationModel.Build(inputs), seed: 8, trials: 6).Values, outcome.Values.ToArray());
    }

    [Theory]
    [InlineData(0.0, 0)]   // fixed trials, but Trials is 0
    [InlineData(0.7, 100)] // precision above 0.5
    [InlineData(0.1, 0)]   // adaptive without a cap
    public async Task A_spec_that_cannot_run_is_refused_at_start(double precision, int maxTrials)
    {
        var inputs = ModelInputs.Read(Seeds());
        var spec = new RunSpec(Guid.NewGuid(), inputs, Seed: 1, Trials: 0, BatchSize: 4, Shards: 0, Precision: precision, MaxTrials: maxTrials);
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => coordinator.Start(spec));
        Assert.Equal("idle", (await coordinator.Status()).State);
    }

    [Theory]
    [InlineData(0.0, 0, true)]
    [InlineData(0.01, 200_000, false)]
    public void A_run_spec_keeps_its_trailing_members_through_the_Orleans_serializer(double precision, int maxTrials, bool siloAggregation)
    {
        var serializer = fixture.Cluster.ServiceProvider!.GetRequiredService<Serializer>();
        var spec = new RunSpec(Guid.NewGuid(), ModelInputs.Read(Seeds()), Seed: 5, Trials: 7, BatchSize: 3, Shards: 0,
            precision, maxTrials, siloAggregation);

        var copy = serializer.Deserialize<RunSpec>(serializer.SerializeToArray(spec));
        Assert.NotNull(copy);

        Assert.Equal((spec.RunId, spec.Seed, spec.Trials, spec.BatchSize, spec.Shards), (copy.RunId, copy.Seed, copy.Trials, copy.BatchSize, copy.Shards));
        Assert.Equal((precision, maxTrials, siloAggregation), (copy.Precision, copy.MaxTrials, copy.SiloAggregation));
    }
}
