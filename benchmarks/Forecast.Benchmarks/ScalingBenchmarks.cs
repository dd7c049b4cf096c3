using System.Globalization;
using BenchmarkDotNet.Attributes;
using Forecast.Simulation;
using Forecast.Running;

namespace Forecast.Benchmarks;

/// <summary>
/// How cost and memory grow with trials and population: one simulated year (the calibration year,
/// lastYear = model.FirstYear) of the full model, in batches of <see cref="RunPlan.DefaultBatchSize"/>
/// trials as the local engine does, for populations of 1x, 4x and 16x the baseline's
/// enterprise stocks. The baseline is the smallest configuration (1x, 1,000 trials); BenchmarkDotNet's
/// Ratio column compares methods within one configuration, so the report divides each
/// configuration's ns per agent-trial-year by the smallest one's. Memory: MemoryDiagnoser counts
/// GC bytes allocated per operation (not the peak); a batch's states (agents x batch x 8 bytes) are
/// native buffers reused between batches (not counted), so allocated bytes per batch must not grow
/// with the number of trials. Quick mode runs 1,000 trials at 1x and 4x; long mode adds 100,000.
/// </summary>
[Config(typeof(VeryHeavyConfig))]
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    private SimulationModel _model = null!;

    [ParamsSource(nameof(TrialValues))]
    public int Trials { get; set; }

    [ParamsSource(nameof(ScaleValues))]
    public int PopulationScale { get; set; }

    public static IEnumerable<int> TrialValues =>
        BenchMode.IsQuick ? [1_000] : BenchMode.IsLong ? [1_000, 10_000, 100_000] : [1_000, 10_000];

    public static IEnumerable<int> ScaleValues => BenchMode.IsQuick ? [1, 4] : [1, 4, 16];

    public static double AgentTrialYearsPerOp(IReadOnlyDictionary<string, object> parameters)
    {
        var trials = Convert.ToInt32(parameters["Trials"], CultureInfo.InvariantCulture);
        var scale = Convert.ToInt32(parameters["PopulationScale"], CultureInfo.InvariantCulture);
        return (double)BenchModels.Agents(scale) * trials; // one year
    }

    public static int Batches(IReadOnlyDictionary<string, object> parameters)
    {
        var trials = Convert.ToInt32(parameters["Trials"], CultureInfo.InvariantCulture);
        return (trials + RunPlan.DefaultBatchSize - 1) / RunPlan.DefaultBatchSize;
    }

    [GlobalSetup]
    public void Setup() => _model = BenchModels.Get(PopulationScale);

    [Benchmark(Baseline = true, Description = "one year, batches of 1,000 trials")]
    public double OneYear()
    {
        double checksum = 0;
        for (var first = 0; first < Trials; first += RunPlan.DefaultBatchSize)
        {
            var count = Math.Min(RunPlan.DefaultBatchSize, Trials - first);
            var batch = LocalBatchRunner.RunBatch(_model, BenchModels.Seed, first, count, _model.FirstYear);
            checksum += batch.Table.Values[0];
        }

        return checksum;
    }
}
