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
            EnterpriseAgent.Init(firms[a], _states.AsSpan(a * Trials, Trials), _ctx, _model.Rules, _acc);
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
/// Consumes every contribution without storing it per trial: each contribution is xor-folded into a
/// vector of its own metric (or staged-count word), so the JIT must compute everything a step
/// contributes, nothing reaches memory rows, and no call site waits on another's fold (one fold per
/// call site and step: independent chains of one xor). The "simulate alone" baseline.
/// </summary>
public struct FoldSink : IMetricSink
{
    private Vector512<int> _rd512, _va512, _htVa512, _invest512, _other512;
    private Vector512<uint> _counts512;
    private Vector256<int> _rd256, _va256, _htVa256, _invest256, _other256;
    private Vector256<uint> _counts256;
    private long _scalar;

    public readonly int Trials => int.MaxValue;

    public readonly long Checksum =>
        Vector512.Sum(_rd512 ^ _va512 ^ _htVa512 ^ _invest512 ^ _other512) ^ (long)Vector512.Sum(_counts512)
        ^ Vector256.Sum(_rd256 ^ _va256 ^ _htVa256 ^ _invest256 ^ _other256) ^ (long)Vector256.Sum(_counts256) ^ _scalar;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value) => _scalar ^= value + (int)metric;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts16(int word, int trial, Vector512<uint> packed) => _counts512 ^= packed + Vector512.Create((uint)word);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts8(int word, int trial, Vector256<uint> packed) => _counts256 ^= packed + Vector256.Create((uint)word);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts1(int word, int trial, uint packed) => _scalar ^= packed + word;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddRow16(Metric metric, int trial, Vector512<int> values)
    {
        switch (metric)
        {
            case Metric.RdSpend: _rd512 ^= values; break;
            case Metric.AboveScaleVa: _va512 ^= values; break;
            case Metric.HtVa: _htVa512 ^= values; break;
            case Metric.HtInvest: _invest512 ^= values; break;
            default: _other512 ^= values; break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddRow8(Metric metric, int trial, Vector256<int> values)
    {
        switch (metric)
        {
            case Metric.RdSpend: _rd256 ^= values; break;
            case Metric.AboveScaleVa: _va256 ^= values; break;
            case Metric.HtVa: _htVa256 ^= values; break;
            case Metric.HtInvest: _invest256 ^= values; break;
            default: _other256 ^= values; break;
        }
    }

    public readonly void AgentDone()
    {
    }
}
