using System.Net;
using System.Net.Sockets;
using Forecast.Grains;
using Forecast.Inputs;
using Forecast.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Forecast.Cli;

/// <summary>
/// What to run: <see cref="Trials"/> trials, or, when <see cref="Precision"/> is above 0, batches
/// until every target and joint 95% Wilson half-width is at most <see cref="Precision"/> or
/// <see cref="MaxTrials"/> trials are done. <see cref="SiloAggregation"/> matters on Orleans only.
/// </summary>
public sealed record RunRequest(ulong Seed, int Trials, int Batch, double Precision = 0, int MaxTrials = 0, bool SiloAggregation = true)
{
    public bool Adaptive => Precision > 0;
}

/// <summary>Where a simulation runs: an embedded silo (default), a running silo, or no Orleans at all.</summary>
public abstract class Engine : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Shard grains the last run used (resolved from "one per active silo"), or null without Orleans.</summary>
    public int? ShardsUsed { get; protected set; }

    public abstract Task<TrialTable> Run(ModelInputs inputs, SimulationModel model, RunRequest request,
        IProgress<TrialProgress> progress, CancellationToken cancellation);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Passes a fraction on at once (the caller's <see cref="Progress{T}"/> does the marshalling).</summary>
    private sealed class Relay(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    /// <summary>The pure simulation in this process (for comparison and benchmarks).</summary>
    public sealed class Local : Engine
    {
        public override string Name => "local (no Orleans)";

        public override Task<TrialTable> Run(ModelInputs inputs, SimulationModel model, RunRequest request,
            IProgress<TrialProgress> progress, CancellationToken cancellation) =>
            Task.Run(
                () => request.Adaptive
                    ? LocalEngine.RunAdaptive(model, request.Seed, request.Precision, request.MaxTrials, request.Batch, progress, cancellation)
                    : LocalEngine.Run(model, request.Seed, request.Trials, request.Batch,
                        new Relay(f => progress.Report(new TrialProgress((int)(f * request.Trials), f, 0))), cancellation),
                cancellation);
    }

    /// <summary>Grains on a cluster reached through <see cref="IClusterClient"/>.</summary>
    public sealed class Orleans : Engine
    {
        private readonly IHost _host;
        private readonly IClusterClient _client;
        private readonly int _shards;
        private readonly bool _embedded;

        private Orleans(IHost host, string name, int shards, bool embedded = false)
        {
            _host = host;
            _embedded = embedded;
            _client = host.Services.GetRequiredService<IClusterClient>();
            Name = name;
            _shards = shards;
        }

        public override string Name { get; }

        /// <summary>Starts a silo inside this process on free loopback ports and uses its co-hosted client.</summary>
        public static async Task<Orleans> Embedded(int shards, CancellationToken cancellation)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            // It is stopped without deactivating its grains (see DisposeAsync): that is by design, not news.
            foreach (var category in new[] { "Orleans.Runtime.SiloLifecycleSubject", "Orleans.Runtime.Silo", "Orleans.Grain" })
            {
                builder.Logging.AddFilter(category, LogLevel.Error);
            }

            var options = new SiloHostOptions { SiloPort = FreePort(), GatewayPort = FreePort(), ClusterId = $"forecast-embedded-{Environment.ProcessId}" };
            builder.UseOrleans(silo => silo.AddForecastSilo(options));
            var host = builder.Build();
            await host.StartAsync(cancellation);
            return new Orleans(host, "embedded silo", shards, embedded: true);
        }

        /// <summary>Connects to a running silo's gateway.</summary>
        public static Task<Orleans> Connect(IPEndPoint gateway, string clusterId, int shards, CancellationToken cancellation) =>
            Connect(c => c.UseStaticClustering(gateway), gateway.ToString(), $"silo at {gateway}", clusterId, shards, cancellation);

        /// <summary>Connects to a cluster whose membership lives in Redis (redis://[:PASSWORD@]HOST:PORT).</summary>
        public static async Task<Orleans> ConnectRedis(string redis, string clusterId, int shards, CancellationToken cancellation)
        {
            StackExchange.Redis.ConfigurationOptions config;
            try
            {
                config = RedisAddress.Parse(redis);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new InputException("command line", "--connect", null, e.Message);
            }

            // Shown without the password.
            var shown = $"redis://{string.Join(",", config.EndPoints.Select(e => e is DnsEndPoint d ? $"{d.Host}:{d.Port}" : e.ToString()))}";
            try
            {
                await RedisAddress.PingAsync(redis).WaitAsync(TimeSpan.FromSeconds(10), cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
            {
                throw new InputException(shown, "--connect", null, $"cannot reach Redis there ({e.Message.Split('.')[0].Trim()})");
            }

            return await Connect(c => c.UseRedisClustering(o => o.ConfigurationOptions = config), shown, $"cluster '{clusterId}' at {shown}",
                clusterId, shards, cancellation);
        }

        private static async Task<Orleans> Connect(Action<IClientBuilder> clustering, string where, string name, string clusterId, int shards,
            CancellationToken cancellation)
        {
            var builder = Host.CreateApplicationBuilder();
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
                throw new InputException(where, "--connect", null, $"cannot reach a Forecast silo there (cluster id '{clusterId}': {e.Message})");
            }

            return new Orleans(host, name, shards);
        }

        /// <summary>The cluster client (for the `runs` commands).</summary>
        public IClusterClient Client => _client;

        /// <summary>Submits a run and returns at once with its id.</summary>
        public async Task<Guid> Submit(ModelInputs inputs, RunRequest request)
        {
            var spec = new RunSpec(Guid.NewGuid(), inputs, request.Seed, request.Trials, request.Batch, _shards,
                request.Precision, request.MaxTrials, request.SiloAggregation);
            await _client.GetGrain<ICoordinatorGrain>(spec.RunId).Start(spec);
            return spec.RunId;
        }

        public override async Task<TrialTable> Run(ModelInputs inputs, SimulationModel model, RunRequest request,
            IProgress<TrialProgress> progress, CancellationToken cancellation) =>
            await Follow(await Submit(inputs, request), progress, cancellation);

        /// <summary>
        /// Follows a run to its end and returns its table. Rides out a silo dying under the run: the
        /// coordinator is re-activated on another silo by the next call and resumes from its checkpoint.
        /// </summary>
        public async Task<TrialTable> Follow(Guid runId, IProgress<TrialProgress> progress, CancellationToken cancellation)
        {
            var coordinator = _client.GetGrain<ICoordinatorGrain>(runId);
            RunStatus status;
            while (true)
            {
                status = await Retry(() => coordinator.Status(), runId, cancellation);
                if (status.RunId == Guid.Empty)
                {
                    throw new InputException("command line", "RUN-ID", null, $"no run {runId} in this cluster (see 'forecast runs list')");
                }

                if (status.State != "running")
                {
                    break;
                }

                progress.Report(new TrialProgress(status.TrialsDone, status.Fraction, status.WidestHalfWidth));
                await Task.Delay(200, cancellation);
            }

            ShardsUsed = status.Shards;
            if (status.State != "done")
            {
                throw new InvalidOperationException($"run {runId} {status.State}: {status.Error}");
            }

            progress.Report(new TrialProgress(status.TrialsDone, 1, status.WidestHalfWidth));
            var outcome = await Retry(() => coordinator.Outcome(), runId, cancellation) ?? throw new InvalidOperationException($"run {runId} has no outcome");
            var table = new TrialTable(outcome.FirstYear, outcome.Years, outcome.Trials);
            outcome.Values.CopyTo(table.Values);
            return table;
        }

        /// <summary>Retries a call for up to <see cref="LostClusterAfter"/> (a silo dying makes calls fail until the cluster notices).</summary>
        public static async Task<T> Retry<T>(Func<Task<T>> call, Guid runId, CancellationToken cancellation)
        {
            var since = DateTime.UtcNow;
            while (true)
            {
                try
                {
                    return await call().WaitAsync(TimeSpan.FromSeconds(30), cancellation);
                }
                catch (Exception e) when (e is not (OperationCanceledException or InputException) && DateTime.UtcNow - since < LostClusterAfter)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
                }
                catch (Exception e) when (e is not (OperationCanceledException or InputException))
                {
                    throw new InvalidOperationException($"run {runId}: the cluster did not answer for {LostClusterAfter.TotalSeconds:F0} s ({e.Message})", e);
                }
            }
        }

        public static TimeSpan LostClusterAfter { get; } = TimeSpan.FromMinutes(3);

        public override async ValueTask DisposeAsync()
        {
            // The embedded silo's grains hold nothing worth handing over once the results are written, so it
            // stops at once (a cancelled stop skips deactivating every agent grain, about 0.35 s at 10,000
            // trials); a client of a cluster leaves gracefully.
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
}
