using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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

    /// <summary>Adds eight consecutive trials' values, starting at <paramref name="trial"/>.</summary>
    void Add8(Metric metric, int trial, Vector512<long> values);
}

/// <summary>Adds into a <see cref="PartialAggregate"/>'s metric-major array.</summary>
public readonly struct PartialSink(PartialAggregate partial) : IMetricSink
{
    private readonly long[] _values = partial.Values;
    private readonly int _trials = partial.Trials;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value) => _values[((int)metric * _trials) + trial] += value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add8(Metric metric, int trial, Vector512<long> values)
    {
        var row = _values.AsSpan(((int)metric * _trials) + trial, 8);
        (Vector512.Create<long>(row) + values).CopyTo(row);
    }
}

/// <summary>Drops every contribution (for measuring the simulation without its reduction).</summary>
public readonly struct DiscardSink : IMetricSink
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add8(Metric metric, int trial, Vector512<long> values)
    {
    }
}
