using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Forecast.Grains;

/// <summary>Silo options, bound from the "Forecast" configuration section (or --Forecast:Name=value).</summary>
public sealed class SiloHostOptions
{
    public string ClusterId { get; set; } = "forecast";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The silo's address; loopback unless told otherwise.</summary>
    public string Address { get; set; } = "127.0.0.1";
}

public static class SiloBuilderExtensions
{
    /// <summary>A localhost-clustered silo hosting Forecast's grains.</summary>
    public static ISiloBuilder AddForecastSilo(this ISiloBuilder silo, SiloHostOptions options)
    {
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, null, options.ClusterId, options.ClusterId);
        silo.Configure<EndpointOptions>(e =>
        {
            e.AdvertisedIPAddress = IPAddress.Parse(options.Address);
            e.SiloListeningEndpoint = new IPEndPoint(IPAddress.Parse(options.Address), options.SiloPort);
            e.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Parse(options.Address), options.GatewayPort);
        });
        silo.Configure<SiloMessagingOptions>(m => m.ResponseTimeout = TimeSpan.FromMinutes(5));
        silo.Services.AddForecastGrains();
        return silo;
    }
}
