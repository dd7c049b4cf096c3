using Forecast.Hosting;
using Microsoft.Extensions.Logging;

namespace Forecast.Grains.Tests;

/// <summary>The embedded silo's log rule: quiet about its own cancelled stop, not about anything else.</summary>
public sealed class EmbeddedLogTests
{
    [Theory]
    [InlineData("Orleans.Runtime.Catalog", LogLevel.Warning, false, true)] // a warning during a run is shown
    [InlineData("Orleans.Runtime.Catalog", LogLevel.Information, false, false)]
    [InlineData("Orleans.Runtime.SiloLifecycleSubject", LogLevel.Warning, false, false)] // the lifecycle: errors only
    [InlineData("Orleans.Runtime.SiloLifecycleSubject", LogLevel.Error, false, true)]
    [InlineData("Orleans.Grain", LogLevel.Warning, false, false)]
    [InlineData("Orleans.Runtime.ReminderService.LocalReminderService", LogLevel.Error, false, true)]
    [InlineData("Orleans.Runtime.ReminderService.LocalReminderService", LogLevel.Error, true, false)] // the stop's own complaint
    [InlineData("Orleans.Runtime.SiloLifecycleSubject", LogLevel.Error, true, false)]
    [InlineData("Orleans.Runtime.Catalog", LogLevel.Critical, true, true)] // Critical always
    [InlineData("Forecast.Grains.CoordinatorGrain", LogLevel.Warning, false, true)] // the grains' own during a run
    [InlineData("Forecast.Grains.CoordinatorGrain", LogLevel.Warning, true, false)] // "catalogue not updated: Silo stopping"
    [InlineData("Forecast.Hosting.OrleansEngine", LogLevel.Error, true, true)] // the engine's own, even while stopping
    [InlineData("Microsoft.Hosting.Lifetime", LogLevel.Warning, true, true)]
    [InlineData(null, LogLevel.Warning, false, true)]
    [InlineData(null, LogLevel.Debug, false, false)]
    public void Shows_warnings_but_not_the_deliberate_stop(string? category, LogLevel level, bool stopping, bool shown) =>
        Assert.Equal(shown, EmbeddedLog.Shows(category, level, stopping));
}
