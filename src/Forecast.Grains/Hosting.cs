using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Forecast.Grains;

/// <summary>Silo options, bound from the "Forecast" configuration section (or --Forecast:Name=value).</summary>
public sealed class SiloHostOptions
{
    public string ClusterId { get; set; } = "forecast";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The silo's address; loopback unless told otherwise.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>
    /// Redis for membership and grain state: "redis://[:PASSWORD@]HOST:PORT" or a StackExchange.Redis
    /// configuration string ("HOST:PORT,password=..."). Unset: localhost clustering and in-memory state.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Seconds a silo waits on a membership probe (cluster mode); lower detects a dead silo sooner.</summary>
    public int ProbeTimeoutSeconds { get; set; } = 2;
}

/// <summary>Parses the Redis addresses Forecast accepts.</summary>
public static class RedisAddress
{
    /// <summary>True when <paramref name="text"/> is a redis:// URL.</summary>
    public static bool IsUrl(string text) => text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase);

    /// <summary>"redis://[[user]:password@]host:port[/db]" or a StackExchange.Redis configuration string.</summary>
    public static ConfigurationOptions Parse(string text)
    {
        ConfigurationOptions options;
        if (IsUrl(text))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) || uri.Port is < 1 or > 65535)
            {
                throw new FormatException($"'{Masked(text)}' is not redis://[:PASSWORD@]HOST:PORT");
            }

            options = new ConfigurationOptions();
            options.EndPoints.Add(uri.Host, uri.Port);
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                var info = Uri.UnescapeDataString(uri.UserInfo);
                var colon = info.IndexOf(':');
                if (colon < 0)
                {
                    options.Password = info;
                }
                else
                {
                    if (colon > 0)
                    {
                        options.User = info[..colon];
                    }

                    options.Password = info[(colon + 1)..];
                }
            }

            var db = uri.AbsolutePath.Trim('/');
            if (db.Length > 0 && int.TryParse(db, out var n))
            {
                options.DefaultDatabase = n;
            }
        }
        else
        {
            options = ConfigurationOptions.Parse(text);
        }

        // a password kept off the command line: FORECAST_REDIS_PASSWORD, when the address names none
        if (string.IsNullOrEmpty(options.Password) && Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } password)
        {
            options.Password = password;
        }

        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        return options;
    }

    /// <summary>The environment variable a password may come from instead of the address.</summary>
    public const string PasswordVariable = "FORECAST_REDIS_PASSWORD";

    /// <summary><paramref name="text"/> with anything between "//" and "@" (user and password) replaced by "***".</summary>
    public static string Masked(string text)
    {
        var start = text.IndexOf("//", StringComparison.Ordinal);
        var at = text.LastIndexOf('@');
        return start >= 0 && at > start ? $"{text[..(start + 2)]}***{text[at..]}" : text;
    }

    /// <summary>Checks that Redis answers (so a client can fail fast with a clear message).</summary>
    public static async Task PingAsync(string text)
    {
        var options = Parse(text);
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = 3000;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        await redis.GetDatabase().PingAsync();
    }
}

public static class SiloBuilderExtensions
{
    /// <summary>The grain storage name every Forecast grain persists into.</summary>
    public const string Storage = "forecast";

    /// <summary>
    /// A silo hosting Forecast's grains: Redis clustering and Redis grain state when
    /// <see cref="SiloHostOptions.Redis"/> is set, else localhost clustering and in-memory state.
    /// </summary>
    public static ISiloBuilder AddForecastSilo(this ISiloBuilder silo, SiloHostOptions options)
    {
        var address = IPAddress.Parse(options.Address);
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, null, options.ClusterId, options.ClusterId);
            silo.AddForecastMemoryStorage();
        }
        else
        {
            var redis = RedisAddress.Parse(options.Redis);
            silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ClusterId));
            silo.Configure<ClusterMembershipOptions>(m =>
            {
                // Loopback clusters: notice a killed silo within seconds rather than tens of seconds.
                m.ProbeTimeout = TimeSpan.FromSeconds(Math.Max(1, options.ProbeTimeoutSeconds));
                m.NumMissedProbesLimit = 2;
                m.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            });
            // The Orleans binary serializer keeps doubles bit-exact and knows Forecast's surrogates.
            silo.AddRedisGrainStorage(Storage, o => o.Configure<Serializer>((r, s) =>
            {
                r.ConfigurationOptions = redis.Clone();
                r.GrainStorageSerializer = new OrleansGrainStorageSerializer(s);
            }));
            silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
        }

        silo.Configure<EndpointOptions>(e =>
        {
            e.AdvertisedIPAddress = address;
            e.SiloPort = options.SiloPort;
            e.GatewayPort = options.GatewayPort;
            e.SiloListeningEndpoint = new IPEndPoint(address, options.SiloPort);
            e.GatewayListeningEndpoint = new IPEndPoint(address, options.GatewayPort);
        });
        silo.Configure<SiloMessagingOptions>(m => m.ResponseTimeout = TimeSpan.FromMinutes(5));
        silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, new SiloClock());
        silo.Services.AddForecastGrains();
        return silo;
    }

    /// <summary>In-memory grain storage "forecast" (single-silo and test clusters), same serializer as Redis, and in-memory reminders.</summary>
    public static ISiloBuilder AddForecastMemoryStorage(this ISiloBuilder silo) =>
        silo.AddMemoryGrainStorage(Storage, o => o.Configure<Serializer>((m, s) => m.GrainStorageSerializer = new OrleansGrainStorageSerializer(s)))
            .UseInMemoryReminderService();
}

/// <summary>
/// The clock of the silo's membership and health checks: the system clock, with timestamps counted from
/// the silo's start instead of the machine's boot. Only differences of timestamps mean anything, so
/// nothing changes for code that reads the clock correctly; but Orleans' watchdog (10.4.2) starts its
/// platform check before it stamps its component check, and reads that still-zero stamp on its first
/// tick. Counted from boot, zero is the machine's uptime ("Participant check thread has not completed
/// for 00:48:31"); counted from here, it is the silo's age, under the 2 x 10 s the check allows.
/// </summary>
internal sealed class SiloClock : TimeProvider
{
    private readonly long origin = Stopwatch.GetTimestamp();

    public override long GetTimestamp() => Stopwatch.GetTimestamp() - origin;
}
