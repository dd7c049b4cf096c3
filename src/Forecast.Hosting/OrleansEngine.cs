using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Forecast.Engines;
using Forecast.Grains;
using Forecast.Running;
using Forecast.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Forecast.Hosting;

/// <summary>
/// Grains on a silo, reached through a cluster client: a silo embedded in this process (its runs end
/// with it), or a cluster (its runs are durable: submit, leave, and wait for them from elsewhere).
/// The run store is the coordinator and catalogue grains.
/// </summary>
public sealed class OrleansEngine : IForecastEngine, IRunStore
{
    private readonly IHost? _host;
    private readonly IClusterClient _client;
    private readonly Placement _placement;
    private readonly bool _embedded;
    private readonly StrongBox<bool> _stopping; // the embedded silo's deliberate, cancelled stop has begun

    private OrleansEngine(IHost? host, IClusterClient client, string name, Placement placement, bool embedded, StrongBox<bool>? stopping = null)
    {
        _stopping = stopping ?? new StrongBox<bool>();
        _host = host;
        _client = client;
        Name = name;
        _placement = placement;
        _embedded = embedded;
    }

    private OrleansEngine(IHost host, string name, Placement placement, bool embedded, StrongBox<bool>? stopping = null)
        : this(host, host.Services.GetRequiredService<IClusterClient>(), name, placement, embedded, stopping)
    {
    }

    /// <summary>An engine over a client someone else hosts and stops (a silo host's own client; tests on an in-process cluster).</summary>
    public static OrleansEngine Over(IClusterClient client, string name, Placement placement) => new(null, client, name, placement, embedded: false);

    /// <summary>How long a follower rides out a cluster that does not answer (a silo dying makes calls fail until the cluster notices).</summary>
    public static TimeSpan LostClusterAfter { get; } = TimeSpan.FromMinutes(3);

    public string Name { get; }

    public IRunStore Runs => this;

    public bool Durable => !_embedded;

    /// <summary>Starts a silo inside this process on free loopback ports and uses its co-hosted client.</summary>
    public static async Task<OrleansEngine> Embedded(Placement placement, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IHostLifetime, HostedByCaller>();
        // One rule for every category, Warning and above, decided by EmbeddedLog.Shows. It replaces a
        // configured default level; a configured category (Logging__LogLevel__Orleans=...) still takes over for its category.
        var stopping = new StrongBox<bool>();
        builder.Services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, null, LogLevel.Warning,
            (_, category, level) => EmbeddedLog.Shows(category, level, Volatile.Read(ref stopping.Value)))));

        var options = new SiloHostOptions { SiloPort = FreePort(), GatewayPort = FreePort(), ClusterId = $"forecast-embedded-{Environment.ProcessId}" };
        builder.UseOrleans(silo => silo.AddForecastSilo(options));
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return new OrleansEngine(host, "embedded silo", placement, embedded: true, stopping);
    }

    /// <summary>Connects to a running silo's gateway.</summary>
    public static Task<OrleansEngine> Connect(IPEndPoint gateway, string clusterId, Placement placement, CancellationToken cancellation) =>
        Connect(c => c.UseStaticClustering(gateway), gateway.ToString(), $"silo at {gateway}", clusterId, placement, cancellation);

    /// <summary>Connects to a cluster whose membership lives in Redis (redis://[:PASSWORD@]HOST:PORT).</summary>
    public static async Task<OrleansEngine> ConnectRedis(string redis, string clusterId, Placement placement, CancellationToken cancellation)
    {
        StackExchange.Redis.ConfigurationOptions config;
        try
        {
            config = RedisAddress.Parse(redis);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new EngineUnavailableException("command line", e.Message);
        }

        // Shown without the password.
        var shown = $"redis://{string.Join(",", config.EndPoints.Select(e => e is DnsEndPoint d ? $"{d.Host}:{d.Port}" : e.ToString()))}";
        try
        {
            await RedisAddress.PingAsync(redis).WaitAsync(TimeSpan.FromSeconds(10), cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            throw new EngineUnavailableException(shown, $"cannot reach Redis there ({e.Message.Split('.')[0].Trim()})");
        }

        return await Connect(c => c.UseRedisClustering(o => o.ConfigurationOptions = config), shown, $"cluster '{clusterId}' at {shown}",
            clusterId, placement, cancellation);
    }

    private static async Task<OrleansEngine> Connect(Action<IClientBuilder> clustering, string where, string name, string clusterId,
        Placement placement, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IHostLifetime, HostedByCaller>();
        // A client rides out silos coming and going (and reports what matters itself): no connection chatter.
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.UseOrleansClient(c =>
        {
            clustering(c);
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            c.Configure<ClientMessagingOptions>(m => m.ResponseTimeout = TimeSpan.FromMinutes(5));
            c.Configure<GatewayOptions>(g => g.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new EngineUnavailableException(where, $"cannot reach a Forecast silo there (cluster id '{clusterId}': {e.Message})");
        }

        return new OrleansEngine(host, name, placement, embedded: false);
    }

    public async Task<Guid> Submit(RunRequest request, CancellationToken cancellation)
    {
        var spec = new RunSpec(Guid.NewGuid(), request.Inputs, request.Plan.Validated(), _placement);
        var model = SimulationModel.Build(spec.Inputs); // bad inputs throw here, in the caller's process, before anything runs
        RunMemory.Check(model, spec.Plan, _embedded ? Environment.ProcessorCount : 0); // the table is finalised here; an embedded silo's agents step here too
        // A silo dying just then fails the call until the cluster notices; Start is idempotent, so try again (a refused spec is not retried).
        await Retry(() => Coordinator(spec.RunId).Start(spec), spec.RunId, cancellation, transient: e => e is not ArgumentException);
        return spec.RunId;
    }

    public async Task<IReadOnlyList<RunRecord>> List(CancellationToken cancellation) =>
        await Retry(() => _client.GetGrain<IRunCatalogGrain>(0).List(), Guid.Empty, cancellation);

    public async Task<RunDetails?> Find(Guid runId, CancellationToken cancellation)
    {
        var record = await Retry(() => _client.GetGrain<IRunCatalogGrain>(0).Get(runId), runId, cancellation);
        var coordinator = Coordinator(runId);
        var status = await Retry(() => coordinator.Status(), runId, cancellation);
        if (record is null && status.RunId == Guid.Empty)
        {
            return null;
        }

        var checkpoints = await Retry(() => coordinator.Checkpoints(), runId, cancellation);
        return new RunDetails(record, status, checkpoints);
    }

    /// <summary>
    /// Follows a run to its end and returns it. Rides out a silo dying under the run: the coordinator
    /// is re-activated on another silo by the next call and resumes from its checkpoint.
    /// </summary>
    public async Task<CompletedRun> Wait(Guid runId, IProgress<RunProgress>? progress, CancellationToken cancellation)
    {
        var coordinator = Coordinator(runId);
        var spec = await Retry(() => coordinator.Spec(), runId, cancellation) ?? throw new UnknownRunException(runId);
        RunStatus status;
        var pause = 10; // ms: short runs (a study's variants) are seen done soon; long ones are polled five times a second
        while (true)
        {
            status = await Retry(() => coordinator.Status(), runId, cancellation);
            if (status.State != RunState.Running)
            {
                break;
            }

            progress?.Report(new RunProgress(status.TrialsDone, status.Fraction, status.WidestHalfWidth));
            await Task.Delay(pause, cancellation);
            pause = Math.Min(200, pause * 2);
        }

        if (status.State != RunState.Done)
        {
            throw new RunFailedException(runId, status.Error ?? status.State.ToString().ToLowerInvariant());
        }

        var outcome = await Retry(() => coordinator.Outcome(), runId, cancellation) ?? throw new InvalidOperationException($"run {runId} has no outcome");
        var model = SimulationModel.Build(spec.Inputs);
        var table = model.NewTable(outcome.Trials);
        outcome.Values.CopyTo(table.Values);
        progress?.Report(new RunProgress(table.Trials, 1, outcome.WidestHalfWidth));
        return new CompletedRun(runId, spec.Request, model, new RunTable(table, (StopReason)outcome.StoppedBy, outcome.WidestHalfWidth),
            new RunExecution(Name, status.Shards, spec.Placement.SiloAggregation));
    }

    private ICoordinatorGrain Coordinator(Guid runId) => _client.GetGrain<ICoordinatorGrain>(runId);

    /// <summary>Retries a call for up to <see cref="LostClusterAfter"/>.</summary>
    private static async Task<T> Retry<T>(Func<Task<T>> call, Guid runId, CancellationToken cancellation, Func<Exception, bool>? transient = null)
    {
        var since = DateTime.UtcNow;
        while (true)
        {
            try
            {
                return await call().WaitAsync(TimeSpan.FromSeconds(30), cancellation);
            }
            catch (Exception e) when (transient is not null && !transient(e))
            {
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException && DateTime.UtcNow - since < LostClusterAfter)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new EngineLostException(
                    $"{(runId == Guid.Empty ? "the cluster" : $"run {runId:D}")}: the cluster did not answer for {LostClusterAfter.TotalSeconds:F0} s ({e.Message})", e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        // The embedded silo's grains hold nothing worth handing over once the results are written, so it
        // stops at once (a cancelled stop skips deactivating every agent grain); a client of a cluster
        // leaves gracefully.
        Volatile.Write(ref _stopping.Value, _embedded);
        using var timeout = new CancellationTokenSource(_embedded ? TimeSpan.Zero : TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Shutting down after the results are written: a slow stop is not an error.
        }

        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The lifetime of a host inside the `forecast` process: the command that opened the engine owns
/// Ctrl+C and SIGTERM (and disposes the engine), so the host does not take the console's signals.
/// </summary>
internal sealed class HostedByCaller : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// What the embedded silo's log shows (warnings and above): the silo is stopped without deactivating
/// its grains once the results are written (a cancelled stop, see <see cref="OrleansEngine.DisposeAsync"/>),
/// which is by design, not news, so the silo lifecycle's errors about it are not shown, and once that
/// stop has begun nothing from the silo (Orleans, Forecast's grains) below Critical is: its reminder
/// service reports its own stop as failed, a coordinator that outlives its run's result cannot update the catalogue.
/// </summary>
internal static class EmbeddedLog
{
    private static readonly string[] Lifecycle = ["Orleans.Runtime.SiloLifecycleSubject", "Orleans.Runtime.Silo", "Orleans.Grain"];

    public static bool Shows(string? category, LogLevel level, bool stopping)
    {
        if (level >= LogLevel.Critical)
        {
            return true;
        }

        if (level < LogLevel.Warning || category is null)
        {
            return level >= LogLevel.Warning;
        }

        if (stopping && (category.StartsWith("Orleans.", StringComparison.Ordinal) || category.StartsWith("Forecast.Grains.", StringComparison.Ordinal)))
        {
            return false;
        }

        if (level >= LogLevel.Error)
        {
            return true;
        }

        foreach (var prefix in Lifecycle)
        {
            if (category.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
