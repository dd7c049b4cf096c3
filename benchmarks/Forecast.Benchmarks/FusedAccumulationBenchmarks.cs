using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Benchmarks;

/// <summary>
/// The cost of fusing accumulation into the step: one year (the calibration year, 2021) of every
/// enterprise of the baseline population over one batch of 1,000 trials, on one thread, with
/// <see cref="EnterpriseAgent.Step{TSink}(in EnterpriseProfile, uint, Span{EnterpriseState}, YearContext, StepRules, ref TSink)"/>
/// adding into an <see cref="AccumulatorSink"/> (money into 64-bit rows, counts staged as bytes), against
/// the same step with a <see cref="FoldSink"/> (simulate alone, the baseline: every contribution is
/// computed and folded into a few registers, none is stored per trial). Goal: fused at most 1.10x.
/// A third row steps with a <see cref="DiscardSink"/>, which lets the JIT drop work whose only use is a
/// contribution (the fixed-point rounding of money, the packing of counts): it measures less than a
/// simulation, so it is shown for comparison, not used as the baseline.
/// States are re-initialised to the end-2020 population before every iteration (not timed), so
/// each measured invocation steps the same states with the same draws. [IterationSetup] makes
/// BenchmarkDotNet run one invocation per iteration; one invocation is hundreds of milliseconds.
/// </summary>
[Config(typeof(HeavyConfig))]
public class FusedAccumulationBenchmarks
{
    public const int Trials = 1_000;

    private SimulationModel _model = null!;
    private YearContext _ctx = null!;
    private EnterpriseState[] _states = [];
    private Accumulator _acc = null!;

    public static double AgentTrialYearsPerOp(IReadOnlyDictionary<string, object> parameters) =>
        (double)BenchModels.Agents(1) * Trials;

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchModels.Get(1);
        _ctx = new BatchCoordinator(_model, BenchModels.Seed, 0, Trials).BeginYear(_model.FirstYear);
        _states = new EnterpriseState[_model.Population.Enterprises.Length * Trials];
        _acc = new Accumulator(Trials);
    }

    [IterationSetup]
    public void ResetStates()
    {
        var firms = _model.Population.Enterprises;
        for (var a = 0; a < firms.Length; a++)
        {
            EnterpriseAgent.Init(firms[a], _states.AsSpan(a * Trials, Trials));
        }

        _acc.Clear();
    }

    [Benchmark(Baseline = true, Description = "Step, FoldSink (simulate alone)")]
    public long SimulateAlone()
    {
        var sink = default(FoldSink);
        var firms = _model.Population.Enterprises;
        var rules = _model.Rules;
        for (var a = 0; a < firms.Length; a++)
        {
            EnterpriseAgent.Step(firms[a], (uint)a, _states.AsSpan(a * Trials, Trials), _ctx, rules, ref sink);
        }

        return sink.Checksum;
    }

    [Benchmark(Description = "Step, DiscardSink (contributions may be dropped)")]
    public void Discard()
    {
        var sink = default(DiscardSink);
        var firms = _model.Population.Enterprises;
        var rules = _model.Rules;
        for (var a = 0; a < firms.Length; a++)
        {
            EnterpriseAgent.Step(firms[a], (uint)a, _states.AsSpan(a * Trials, Trials), _ctx, rules, ref sink);
        }
    }

    [Benchmark(Description = "Step, AccumulatorSink (fused accumulation)")]
    public long Fused()
    {
        var sink = new AccumulatorSink(_acc);
        var firms = _model.Population.Enterprises;
        var rules = _model.Rules;
        for (var a = 0; a < firms.Length; a++)
        {
            EnterpriseAgent.Step(firms[a], (uint)a, _states.AsSpan(a * Trials, Trials), _ctx, rules, ref sink);
        }

        return _acc.Flush().Values[0];
    }
}

/// <summary>
/// Consumes every contribution without storing it per trial: each call site's values are xor-folded
/// into its own vector (one register-speed operation, independent chains), so the JIT must compute
/// everything a step contributes, and nothing reaches memory rows. The "simulate alone" baseline.
/// </summary>
public struct FoldSink : IMetricSink
{
    private Vector512<long> _money512;
    private Vector512<ulong> _counts512;
    private Vector256<long> _money256;
    private Vector256<ulong> _counts256;
    private long _scalar;

    public readonly int Trials => int.MaxValue;

    public readonly long Checksum =>
        Vector512.Sum(_money512) ^ (long)Vector512.Sum(_counts512) ^ Vector256.Sum(_money256) ^ (long)Vector256.Sum(_counts256) ^ _scalar;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value) => _scalar ^= value + (int)metric;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add8(Metric metric, int trial, Vector512<long> values) => _money512 ^= values;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts8(int word, int trial, Vector512<ulong> packed) => _counts512 ^= packed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add4(Metric metric, int trial, Vector256<long> values) => _money256 ^= values;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts4(int word, int trial, Vector256<ulong> packed) => _counts256 ^= packed;

    public readonly void AgentDone()
    {
    }
}
