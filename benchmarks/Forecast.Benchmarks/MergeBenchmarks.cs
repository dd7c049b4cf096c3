using BenchmarkDotNet.Attributes;
using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Benchmarks;

/// <summary>
/// Merging one partial aggregate into another (what the engines do per chunk and shard), against
/// copying the same bytes with Array.Copy (the baseline). Merge reads two arrays and writes one, a
/// copy reads one and writes one. At 1,000 trials a partial (192 KB) sits in L2, at 10,000 (1.9 MB)
/// in L3. Bandwidth ratio = baseline time / Merge time (goal: at least 0.75x).
/// </summary>
[MemoryDiagnoser]
public class MergeBenchmarks
{
    private PartialAggregate _target = null!;
    private PartialAggregate _source = null!;
    private long[] _copy = null!;

    [ParamsSource(nameof(TrialValues))]
    public int Trials { get; set; }

    public static IEnumerable<int> TrialValues => BenchParams.SmallOrTwo(1_000, 10_000);

    [GlobalSetup]
    public void Setup()
    {
        _target = new PartialAggregate(Trials);
        _source = new PartialAggregate(Trials);
        _copy = new long[Metrics.Count * Trials];
        new System.Random(1).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_source.Values.AsSpan()));
    }

    [Benchmark(Baseline = true, Description = "Array.Copy of the same bytes")]
    public void CopySameBytes() => Array.Copy(_source.Values, _copy, _copy.Length);

    [Benchmark(Description = "PartialAggregate.Merge")]
    public void Merge() => _target.Merge(_source);
}
