using Forecast.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A Forecast silo on loopback. Options: --Forecast:SiloPort=11111 --Forecast:GatewayPort=30000
// --Forecast:ClusterId=forecast --Forecast:Address=127.0.0.1
// --Forecast:Redis=redis://[:PASSWORD@]127.0.0.1:6379 (cluster mode: Redis membership and grain state)
// (or FORECAST_Forecast__SiloPort=... variables).
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables("FORECAST_");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var options = builder.Configuration.GetSection("Forecast").Get<SiloHostOptions>() ?? new SiloHostOptions();
if (!string.IsNullOrWhiteSpace(options.Redis))
{
    try
    {
        await RedisAddress.PingAsync(options.Redis);
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"forecast-silo: cannot reach Redis at {options.Redis}: {e.Message}");
        return 2;
    }
}

builder.UseOrleans(silo => silo.AddForecastSilo(options));
// On SIGTERM the silo leaves the cluster gracefully, but gives up deactivating agent grains one by one
// after 10 s (they hold only a batch's state; the coordinator's checkpoints are in storage).
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
var host = builder.Build();
await host.StartAsync();
var mode = string.IsNullOrWhiteSpace(options.Redis) ? "localhost clustering, in-memory state" : "Redis clustering and state";
Console.WriteLine($"forecast-silo: cluster '{options.ClusterId}' ({mode}), silo {options.Address}:{options.SiloPort}, gateway {options.Address}:{options.GatewayPort}, pid {Environment.ProcessId}; Ctrl+C stops");
await host.WaitForShutdownAsync();
return 0;
