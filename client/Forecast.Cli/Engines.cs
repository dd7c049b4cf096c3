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

/// <summary>Where a simulation runs: an embedded silo (default), a running silo, or no Orleans at all.</summary>
public abstract class Engine : IAsyncDisposable
{
    public abstract string Name { get; }

    public abstract Task<TrialTable> Run(ModelInputs inputs, SimulationModel model, ulong seed, int trials, int batch,
        IProgress<double> progress, CancellationToken cancellation);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The pure simulation in this process (for comparison and benchmarks).</summary>
    public sealed class Local : Engine
    {
        public override string Name => "local (no Orleans)";

        public override Task<TrialTable> Run(ModelInputs inputs, SimulationModel model, ulong seed, int trials, int batch,
            IProgress<double> progress, CancellationToken cancellation) =>
            Task.Run(() => LocalEngine.Run(model, seed, trials, batch, progress, cancellation), cancellation);
    }

    /// <summary>Grains on a cluster reached through <see cref="IClusterClient"/>.</summary>
    public sealed class Orleans : Engine
    {
        private readonly IHost _host;
        private readonly IClusterClient _client;
        private readonly int _shards;

        private Orleans(IHost host, string name, int shards)
        {
            _host = host;
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
            var options = new SiloHostOptions { SiloPort = FreePort(), GatewayPort = FreePort(), ClusterId = $"forecast-embedded-{Environment.ProcessId}" };
            builder.UseOrleans(silo => silo.AddForecastSilo(options));
            var host = builder.Build();
            await host.StartAsync(cancellation);
            return new Orleans(host, "embedded silo", shards);
        }

        /// <summary>Connects to a running silo's gateway.</summary>
        public static async Task<Orleans> Connect(IPEndPoint gateway, string clusterId, int shards, CancellationToken cancellation)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleansClient(c =>
            {
                c.UseStaticClustering(gateway);
                c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
                c.Configure<ClientMessagingOptions>(m => m.ResponseTimeout = TimeSpan.FromMinutes(5));
            });
            var host = builder.Build();
            try
            {
                await host.StartAsync(cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                host.Dispose();
                throw new InputException(gateway.ToString(), "--connect", null, $"cannot reach a Forecast silo there ({e.Message})");
            }

            return new Orleans(host, $"silo at {gateway}", shards);
        }

        public override async Task<TrialTable> Run(ModelInputs inputs, SimulationModel model, ulong seed, int trials, int batch,
            IProgress<double> progress, CancellationToken cancellation)
        {
            var spec = new RunSpec(Guid.NewGuid(), inputs, seed, trials, batch, _shards);
            var coordinator = _client.GetGrain<ICoordinatorGrain>(spec.RunId);
            var status = await coordinator.Start(spec);
            while (status.State == "running")
            {
                progress.Report(status.Fraction);
                await Task.Delay(100, cancellation);
                status = await coordinator.Status();
            }

            if (status.State != "done")
            {
                throw new InvalidOperationException($"run {spec.RunId} {status.State}: {status.Error}");
            }

            progress.Report(1);
            var outcome = await coordinator.Outcome() ?? throw new InvalidOperationException($"run {spec.RunId} has no outcome");
            var table = new TrialTable(outcome.FirstYear, outcome.Years, outcome.Trials);
            outcome.Values.CopyTo(table.Values);
            return table;
        }

        public override async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
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
