using Forecast.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Forecast.Grains.Tests;

/// <summary>
/// The silo's membership clock counts from the silo's start, so Orleans' watchdog, which reads a
/// still-zero stamp on its first tick, sees the silo's age there and not the machine's uptime.
/// </summary>
public sealed class SiloClockTests
{
    [Fact]
    public void A_forecast_silo_reads_a_zero_stamp_as_its_own_age_not_the_machines_uptime()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.AddForecastSilo(new SiloHostOptions { SiloPort = 0, GatewayPort = 0, ClusterId = "clock-test" }));
        using var host = builder.Build();
        var clock = host.Services.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Membership);

        var sinceZero = clock.GetElapsedTime(0);
        var uptime = TimeProvider.System.GetElapsedTime(0);
        Assert.True(sinceZero < TimeSpan.FromSeconds(20), $"a zero stamp reads as {sinceZero} (the watchdog allows 2 x 10 s)");
        Assert.True(uptime > sinceZero, $"uptime {uptime}, silo clock {sinceZero}");

        // the same ticks as the system clock, from another origin (the cluster suite's dead-silo detection runs on it)
        Assert.Equal(TimeProvider.System.TimestampFrequency, clock.TimestampFrequency);
    }
}
