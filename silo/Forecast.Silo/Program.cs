using Forecast.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A Forecast silo on loopback. Options: --Forecast:SiloPort=11111 --Forecast:GatewayPort=30000
// --Forecast:ClusterId=forecast --Forecast:Address=127.0.0.1 (or FORECAST__SILOPORT=... variables).
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables("FORECAST_");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var options = builder.Configuration.GetSection("Forecast").Get<SiloHostOptions>() ?? new SiloHostOptions();
builder.UseOrleans(silo => silo.AddForecastSilo(options));
var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"forecast-silo: cluster '{options.ClusterId}', silo {options.Address}:{options.SiloPort}, gateway {options.Address}:{options.GatewayPort}; Ctrl+C stops");
await host.WaitForShutdownAsync();
