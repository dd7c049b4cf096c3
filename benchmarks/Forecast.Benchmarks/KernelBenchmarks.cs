using BenchmarkDotNet.Attributes;
using Forecast.Simulation;
using Forecast.Running;

namespace Forecast.Benchmarks;

/// <summary>
/// The whole model kernel, <see cref="LocalBatchRunner.RunBatch"/> over 2021-2025 for one batch of
/// 1,000 trials (state set-up, district draws, every enterprise and incubator, merging, indicator
/// derivation; two threads), against <see cref="BareFourTierKernel"/> (the baseline, AVX-512 or else AVX2) over the same
/// agents x trials x years on two threads. Agents = every enterprise profile of the baseline
/// population, entrant slots included (incubators are not counted).
/// Per-op time: OperationsPerInvoke must be a compile-time constant, and the population changes
/// with the seeds (it went from 18,500 to 22,000 enterprises while this class was written), so the
/// "ns/agent-trial-year" column divides each invocation by the actual agents x trials x years
/// instead (<see cref="AgentTrialYearsPerOp"/>). Goal for the full model: at most 1.5 ns.
/// </summary>
[Config(typeof(HeavyConfig))]
public class KernelBenchmarks
{
    public const int Trials = 1_000;

    private SimulationModel _model = null!;
    private BareFourTierKernel _bare = null!;

    public static int Agents => BenchModels.Agents(1);

    public static int Years => BenchModels.Get(1).Years;

    public static double AgentTrialYearsPerOp(IReadOnlyDictionary<string, object> parameters) => (double)Agents * Trials * Years;

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchModels.Get(1);
        _bare = new BareFourTierKernel(_model.Population.Enterprises, Trials, _model.Parameters.StartYear);
        var vector = _bare.Run(BenchModels.Seed, _model.FirstYear, _model.LastYear, vector: true);
        var scalar = _bare.Run(BenchModels.Seed, _model.FirstYear, _model.LastYear, vector: false);
        if (vector != scalar)
        {
            throw new InvalidOperationException($"bare kernel: vector and scalar paths differ ({vector} vs {scalar})");
        }
    }

    [Benchmark(Baseline = true, Description = "bare four-tier kernel, widest vector path")]
    public long BareFourTier() => _bare.Run(BenchModels.Seed, _model.FirstYear, _model.LastYear, vector: true);

    [Benchmark(Description = "bare four-tier kernel, scalar")]
    public long BareFourTierScalar() => _bare.Run(BenchModels.Seed, _model.FirstYear, _model.LastYear, vector: false);

    [Benchmark(Description = "LocalBatchRunner.RunBatch (full model)")]
    public TrialTable FullModel() => LocalBatchRunner.RunBatch(_model, BenchModels.Seed, 0, Trials, _model.LastYear).Table;
}
