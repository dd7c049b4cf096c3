using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Running;

namespace Forecast.Grains.Tests;

public sealed class SiloAggregationTests(TwoSiloClusterFixture fixture) : IClassFixture<TwoSiloClusterFixture>
{
    [Fact]
    public async Task Results_are_identical_with_and_without_the_per_silo_aggregation()
    {
        var seeds = Path.Combine(Root(), "seeds");
        var inputs = ModelInputs.Read(seeds);
        var pooled = await Run(new RunSpec(Guid.NewGuid(), inputs, new RunPlan(23, 20, 20), new Placement(Shards: 0)));
        var direct = await Run(new RunSpec(Guid.NewGuid(), inputs, new RunPlan(23, 20, 20), new Placement(Shards: 3, SiloAggregation: false)));

        Assert.Equal(pooled, direct);
    }

    private async Task<double[]> Run(RunSpec spec)
    {
        var coordinator = fixture.Cluster.GrainFactory.GetGrain<ICoordinatorGrain>(spec.RunId);
        var status = await coordinator.Start(spec);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (status.State == RunState.Running)
        {
            await Task.Delay(50, deadline.Token);
            status = await coordinator.Status();
        }

        Assert.True(status.State == RunState.Done, status.Error);
        return (await coordinator.Outcome())!.Values.ToArray();
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Forecast.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
