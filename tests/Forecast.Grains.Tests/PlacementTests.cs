namespace Forecast.Grains.Tests;

public sealed class PlacementTests(TwoSiloClusterFixture fixture) : IClassFixture<TwoSiloClusterFixture>
{
    [Fact]
    public async Task Shard_k_of_a_run_lives_on_the_kth_silo()
    {
        var run = Guid.NewGuid().ToString("N");
        var factory = fixture.Cluster.GrainFactory;
        var silos = new List<string>();
        for (var k = 0; k < 4; k++)
        {
            silos.Add(await factory.GetGrain<ISiloProbe>($"{run}/{k}").Silo());
        }

        Assert.Equal(2, silos.Distinct().Count());       // two silos, both used
        Assert.NotEqual(silos[0], silos[1]);
        Assert.Equal(silos[0], silos[2]);                // k modulo the silo count
        Assert.Equal(silos[1], silos[3]);
        var active = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress.ToString()).ToList();
        Assert.All(silos, s => Assert.Contains(active, a => s.Contains(a, StringComparison.Ordinal) || a.Contains(s, StringComparison.Ordinal)));
    }
}
