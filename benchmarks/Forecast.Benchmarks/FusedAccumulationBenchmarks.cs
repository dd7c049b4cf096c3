using BenchmarkDotNet.Attributes;
using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Benchmarks;

/// <summary>
/// The cost of fusing accumulation into the step: one year (the calibration year, 2021) of every
/// enterprise of the baseline population over one batch of 1,000 trials, on one thread, with
/// <see cref="EnterpriseAgent.Step{TSink}(in EnterpriseProfile, uint, Span{EnterpriseState}, YearContext, StepRules, ref TSink)"/>
/// adding into an <see cref="AccumulatorSink"/> (money into 64-bit rows, counts staged as bytes), against the same step with a <see cref="DiscardSink"/>
/// (simulate alone; the baseline). Goal: fused at most 1.10x.
/// States are re-initialised to the end-2020 population before every iteration (not timed), so
/// each measured invocation steps the same states with the same draws. [IterationSetup] makes
/// BenchmarkDotNet run one invocation per iteration; one invocation is hundreds of milliseconds.
/// With DiscardSink the JIT may drop work whose only use is a contribution (e.g. fixed-point
/// rounding of money): that is part of what the fused path costs.
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

    [Benchmark(Baseline = true, Description = "Step, DiscardSink (simulate alone)")]
    public void SimulateAlone()
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
