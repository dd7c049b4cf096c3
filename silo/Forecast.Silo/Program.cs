using System.Net;
using Forecast.Grains;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A Forecast silo on loopback. Options: --Forecast:SiloPort=11111 --Forecast:GatewayPort=30000
// --Forecast:ClusterId=forecast --Forecast:Address=127.0.0.1
// --Forecast:Redis=redis://[:PASSWORD@]127.0.0.1:6379 (cluster mode: Redis membership and grain state)
// --Forecast:WebPort=5080 (also serve the what-if page, as `forecast serve` does; --Forecast:WebAddress,
// --Forecast:WebToken or FORECAST_TOKEN, --Forecast:WebOut=out/serve, FORECAST_SEEDS for the scenarios)
// (or FORECAST_Forecast__SiloPort=... variables).
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables("FORECAST_");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var options = builder.Configuration.GetSection("Forecast").Get<SiloHostOptions>() ?? new SiloHostOptions();
var web = builder.Configuration.GetSection("Forecast").Get<SiloWebOptions>() ?? new SiloWebOptions();
if (!string.IsNullOrWhiteSpace(options.Redis))
{
    try
    {
        await RedisAddress.PingAsync(options.Redis);
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"forecast-silo: cannot reach Redis at {RedisAddress.Masked(options.Redis)}: {e.Message}");
        return 2;
    }
}

WebSettings? page = null;
if (web.WebPort is { } port)
{
    if (!IPAddress.TryParse(web.WebAddress, out var address))
    {
        Console.Error.WriteLine($"forecast-silo: --Forecast:WebAddress: '{web.WebAddress}' is not an IP address");
        return 2;
    }

    var token = string.IsNullOrEmpty(web.WebToken) ? Environment.GetEnvironmentVariable("FORECAST_TOKEN") : web.WebToken;
    page = new WebSettings(ModelInputs.LocateSeeds(), web.WebOut, address, port, string.IsNullOrEmpty(token) ? null : token);
    if (page.Check() is { } problem)
    {
        Console.Error.WriteLine($"forecast-silo: {(problem.Option == "--port" ? "--Forecast:WebPort" : "--Forecast:WebToken")}: {problem.Problem}");
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
if (page is not null)
{
    // the page runs its jobs on this silo's cluster through the silo's own client, and stops before the silo does
    var engine = OrleansEngine.Over(host.Services.GetRequiredService<IClusterClient>(), $"cluster '{options.ClusterId}' via silo {options.Address}:{options.SiloPort}", new Placement(0, true));
    var app = ForecastWeb.Build(engine, page);
    try
    {
        await app.StartAsync();
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"forecast-silo: --Forecast:WebPort: cannot listen on {page.Address}:{page.Port} ({e.Message})");
        await host.StopAsync();
        return 2;
    }

    host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => app.StopAsync().GetAwaiter().GetResult());
    Console.WriteLine($"forecast-silo: the what-if page at {ForecastWeb.Address(app)}");
    await host.WaitForShutdownAsync();
    await app.DisposeAsync();
    return 0;
}

await host.WaitForShutdownAsync();
return 0;

/// <summary>The silo host's page, off unless WebPort is set.</summary>
internal sealed class SiloWebOptions
{
    public int? WebPort { get; set; }

    public string WebAddress { get; set; } = "127.0.0.1";

    public string? WebToken { get; set; }

    public string WebOut { get; set; } = Path.Combine("out", "serve");
}
