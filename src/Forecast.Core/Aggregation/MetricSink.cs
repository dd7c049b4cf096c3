using System.Runtime.CompilerServices;
using Forecast.Model;

namespace Forecast.Aggregation;

/// <summary>
/// Where an agent's step puts its contributions. Agent kernels are generic over the sink, so the
/// JIT specialises each: <see cref="PartialSink"/> adds straight into a partial aggregate while the
/// agent steps (the fused reduction); <see cref="DiscardSink"/> measures the step alone.
/// </summary>
public interface IMetricSink
{
    void Add(Metric metric, int trial, long value);
}

/// <summary>Adds into a <see cref="PartialAggregate"/>'s metric-major array.</summary>
public readonly struct PartialSink(PartialAggregate partial) : IMetricSink
{
    private readonly long[] _values = partial.Values;
    private readonly int _trials = partial.Trials;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value) => _values[((int)metric * _trials) + trial] += value;
}

/// <summary>Drops every contribution (for measuring the simulation without its reduction).</summary>
public readonly struct DiscardSink : IMetricSink
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value)
    {
    }
}
