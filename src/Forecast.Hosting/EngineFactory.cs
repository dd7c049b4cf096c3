using System.Net;
using Forecast.Engines;
using Forecast.Grains;

namespace Forecast.Hosting;

public enum EngineKind
{
    /// <summary>Grains on a silo: embedded in this process, or the cluster named by <see cref="EngineOptions.Connect"/>.</summary>
    Orleans,

    /// <summary>The pure simulation in this process, no Orleans.</summary>
    Local,
}

/// <summary>
/// Which engine to open. <see cref="Connect"/>: null starts an embedded silo; "redis://[:PASSWORD@]HOST:PORT"
/// joins the cluster whose membership lives there; "HOST:PORT" is one silo's gateway. On Orleans,
/// <see cref="Shards"/> splits the agents (0: one shard per active silo) and <see cref="SiloAggregation"/>
/// has agents add into their silo's pool (else each returns its own partial).
/// </summary>
public sealed record EngineOptions(
    EngineKind Kind = EngineKind.Orleans,
    string? Connect = null,
    string ClusterId = "forecast",
    int Shards = 0,
    bool SiloAggregation = true);

/// <summary>An engine that cannot be opened where it was asked for: <see cref="Where"/> (shown without any password) and why.</summary>
public sealed class EngineUnavailableException(string where, string problem) : Exception($"{where}: {problem}")
{
    public string Where { get; } = where;

    public string Problem { get; } = problem;
}

/// <summary>Opens the engine the options name.</summary>
public static class EngineFactory
{
    public const int MaxShards = 1024;

    public static async Task<IForecastEngine> Open(EngineOptions options, CancellationToken cancellation)
    {
        if (options.Shards is < 0 or > MaxShards)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Shards, $"shards must be in 0..{MaxShards} (0: one per active silo)");
        }

        var placement = new Placement(options.Shards, options.SiloAggregation);
        if (options.Kind == EngineKind.Local)
        {
            return new LocalEngine();
        }

        if (options.Connect is not { } connect)
        {
            return await OrleansEngine.Embedded(placement, cancellation);
        }

        return RedisAddress.IsUrl(connect)
            ? await OrleansEngine.ConnectRedis(connect, options.ClusterId, placement, cancellation)
            : await OrleansEngine.Connect(await Gateway(connect, cancellation), options.ClusterId, placement, cancellation);
    }

    /// <summary>HOST:PORT of a silo's gateway, the host resolved.</summary>
    private static async Task<IPEndPoint> Gateway(string connect, CancellationToken cancellation)
    {
        if (IPEndPoint.TryParse(connect, out var gateway) && gateway.Port != 0)
        {
            return gateway;
        }

        var parts = connect.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], out var port) || port is < 1 or > 65535)
        {
            throw new EngineUnavailableException(connect, "not HOST:PORT (for example 127.0.0.1:30000) or redis://HOST:PORT");
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(parts[0], cancellation);
            return new IPEndPoint(addresses.First(), port);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new EngineUnavailableException(connect, $"cannot resolve '{parts[0]}' ({e.Message})");
        }
    }
}
