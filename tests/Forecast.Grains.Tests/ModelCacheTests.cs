using Forecast.Inputs;
using Forecast.Running;

namespace Forecast.Grains.Tests;

/// <summary>A silo's model cache drops models no one has asked for in a while.</summary>
public sealed class ModelCacheTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;

        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    [Fact]
    public void A_model_unused_past_the_idle_limit_is_dropped_while_one_in_use_is_kept()
    {
        var clock = new ManualClock();
        var cache = new ModelCache(clock);
        var inputs = ModelInputs.Read(ModelInputs.LocateSeeds());
        RunSpec Spec(Guid id) => new(id, inputs, new RunPlan(1, 10), new Placement());
        var (old, busy) = (Spec(Guid.NewGuid()), Spec(Guid.NewGuid()));

        var first = cache.Get(old);
        cache.Get(busy);
        Assert.Same(first, cache.Get(old));
        for (var minute = 0; minute < 12; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            cache.Get(busy); // a running run asks every year
        }

        Assert.Equal(1, cache.Count);
        Assert.Same(first, cache.Get(old)); // asked again, it is back (SimulationModel.Build keeps the process's last few models)
        Assert.Equal(2, cache.Count);
    }
}
