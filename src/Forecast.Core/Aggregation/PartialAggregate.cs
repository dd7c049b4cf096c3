using Forecast.Model;

namespace Forecast.Aggregation;

/// <summary>
/// One year's metrics for a contiguous range of trials: a <see cref="long"/> per (metric, trial),
/// metric-major so each metric's trials are contiguous. Integer addition makes merging exact,
/// commutative and associative: any merge order gives the same bits. The empty aggregate is the
/// identity.
/// </summary>
public sealed class PartialAggregate
{
    public PartialAggregate(int trials)
    {
        Trials = trials;
        Values = new long[Metrics.Count * trials];
    }

    public PartialAggregate(int trials, long[] values)
    {
        if (values.Length != Metrics.Count * trials)
        {
            throw new ArgumentException($"expected {Metrics.Count * trials} values, got {values.Length}", nameof(values));
        }

        Trials = trials;
        Values = values;
    }

    public int Trials { get; }

    public long[] Values { get; }

    public Span<long> Row(Metric metric) => Values.AsSpan((int)metric * Trials, Trials);

    public long this[Metric metric, int trial] => Values[((int)metric * Trials) + trial];

    public void Add(Metric metric, int trial, long value) => Values[((int)metric * Trials) + trial] += value;

    /// <summary>Adds another partial of the same shape into this one.</summary>
    public void Merge(PartialAggregate other)
    {
        if (other.Trials != Trials)
        {
            throw new ArgumentException($"cannot merge a partial of {other.Trials} trials into one of {Trials}", nameof(other));
        }

        var a = Values.AsSpan();
        var b = other.Values.AsSpan();
        System.Numerics.Tensors.TensorPrimitives.Add(a, b, a);
    }

    public void Clear() => Array.Clear(Values);
}
