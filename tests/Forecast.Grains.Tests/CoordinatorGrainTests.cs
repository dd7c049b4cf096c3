using Forecast.Inputs;
using Forecast.Simulation;

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
}
