using BenchmarkDotNet.Attributes;
using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Benchmarks;

/// <summary>Merging partial aggregates, against copying the same bytes (the baseline).</summary>
[MemoryDiagnoser]
public class MergeBenchmarks
{
    private PartialAggregate _target = null!;
    private PartialAggregate _source = null!;
    private long[] _copy = null!;

    [Params(1_000, 10_000)]
    public int Trials { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _target = new PartialAggregate(Trials);
        _source = new PartialAggregate(Trials);
        _copy = new long[Metrics.Count * Trials];
        new System.Random(1).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_source.Values.AsSpan()));
    }

    [Benchmark(Baseline = true)]
    public void CopySameBytes() => Array.Copy(_source.Values, _copy, _copy.Length);

    [Benchmark]
    public void Merge() => _target.Merge(_source);
}
