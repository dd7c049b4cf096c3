using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Forecast.Aggregation;
using Forecast.Grains;
using Forecast.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forecast.Benchmarks;

/// <summary>
/// Orleans' own cost per call beside the work a call carries. The baseline steps 1,000 enterprises
/// (awake ones of the baseline population, 1,000 trials, the calibration year) directly, as one
/// agent grain's call does each; the other rows make 1,000 calls to <see cref="IPingGrain"/> (the
/// agent grains' call shape and placement, no work) on a silo in this process: all in flight at
/// once as a shard makes them, and one at a time. A ratio near 1 means a grain call costs as much
/// as the step it carries, the floor of the grain path whatever the agents do.
/// </summary>
[Config(typeof(HeavyConfig))]
public class GrainCallBenchmarks
{
    public const int Calls = 1_000;
    public const int Trials = 1_000;

    private IHost _host = null!;
    private IPingGrain[] _grains = [];
    private Orleans.Concurrency.Immutable<YearContext> _context;
    private SimulationModel _model = null!;
    private YearContext _ctx = null!;
    private int[] _agents = [];
    private EnterpriseState[] _states = [];
    private EnterpriseState[] _initial = [];
    private Accumulator _acc = null!;

    public static double CallsPerOp(IReadOnlyDictionary<string, object> parameters) => Calls;

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchModels.Get(1);
        _ctx = new BatchCoordinator(_model, BenchModels.Seed, 0, Trials).BeginYear(_model.FirstYear);
        var firms = _model.Population.Enterprises;
        _agents = Enumerable.Range(0, firms.Length).Where(a => !EnterpriseAgent.IsDormant(firms[a], _ctx)).Take(Calls).ToArray();
        _initial = new EnterpriseState[Calls * Trials];
        _acc = new Accumulator(Trials);
        for (var i = 0; i < _agents.Length; i++)
        {
            EnterpriseAgent.Init(firms[_agents[i]], _initial.AsSpan(i * Trials, Trials), _ctx, _model.Rules, _acc);
        }

        _states = (EnterpriseState[])_initial.Clone();

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var options = new SiloHostOptions { SiloPort = FreePort(), GatewayPort = FreePort(), ClusterId = $"bench-{Environment.ProcessId}" };
        builder.UseOrleans(silo => silo.AddForecastSilo(options));
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        var factory = _host.Services.GetRequiredService<IGrainFactory>();
        _grains = Enumerable.Range(0, Calls).Select(i => factory.GetGrain<IPingGrain>(i, "bench")).ToArray();
        _context = new(_ctx);
        PingAll().GetAwaiter().GetResult(); // activate every grain before measuring
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    /// <summary>Every row runs one invocation per iteration (so all share one job and their ratios are taken in one run); the steps start from the same states each time.</summary>
    [IterationSetup]
    public void ResetStates() => _initial.CopyTo(_states, 0);

    [Benchmark(Baseline = true, Description = "1,000 agent steps of 1,000 trials, called directly")]
    public long AgentSteps()
    {
        var firms = _model.Population.Enterprises;
        for (var i = 0; i < _agents.Length; i++)
        {
            EnterpriseAgent.Step(firms[_agents[i]], (uint)_agents[i], _states.AsSpan(i * Trials, Trials), _ctx, _model.Rules, _acc);
        }

        return _acc.Flush().Values[0];
    }

    [Benchmark(Description = "1,000 grain calls that do nothing, all in flight (as a shard makes them)")]
    public Task PingAll() => Task.WhenAll(_grains.Select(g => g.Ping(_context)));

    [Benchmark(Description = "1,000 grain calls that do nothing, one at a time")]
    public async Task PingOneByOne()
    {
        foreach (var g in _grains)
        {
            await g.Ping(_context);
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
