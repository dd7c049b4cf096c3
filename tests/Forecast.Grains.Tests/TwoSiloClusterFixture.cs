using Forecast.Grains;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Forecast.Grains.Tests;

/// <summary>An in-process cluster of two silos, shared by the tests of a class.</summary>
public sealed class TwoSiloClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<Configurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.StopAllSilosAsync();

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.AddForecastMemoryStorage().Services.AddForecastGrains();
    }
}
