using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// <summary>Trials the sink holds; kernels check their batch fits before adding unchecked.</summary>
    int Trials { get; }

    void Add(Metric metric, int trial, long value);

    /// <summary>Adds eight consecutive trials' values, starting at <paramref name="trial"/>.</summary>
    void Add8(Metric metric, int trial, Vector512<long> values);

    /// <summary>
    /// Adds eight trials' staged counts: byte k of <paramref name="packed"/>'s lane i is the count of
    /// metric 8 * <paramref name="word"/> + k for trial <paramref name="trial"/> + i (see
    /// <see cref="Metrics.StagedCounts"/>); each byte is 0 or 1.
    /// </summary>
    void AddCounts8(int word, int trial, Vector512<ulong> packed);

    /// <summary>Adds four consecutive trials' values (the AVX2 kernel's <see cref="Add8"/>).</summary>
    void Add4(Metric metric, int trial, Vector256<long> values);

    /// <summary>Adds four trials' staged counts (the AVX2 kernel's <see cref="AddCounts8"/>).</summary>
    void AddCounts4(int word, int trial, Vector256<ulong> packed);

    /// <summary>Called once after each agent's step (an <see cref="Accumulator"/> carries its bytes every 255).</summary>
    void AgentDone();
}

/// <summary>Adds into a <see cref="PartialAggregate"/>'s metric-major array.</summary>
public readonly struct PartialSink(PartialAggregate partial) : IMetricSink
{
    private readonly long[] _values = partial.Values;
    private readonly int _trials = partial.Trials;

    public int Trials => _trials;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value) => _values[((int)metric * _trials) + trial] += value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add8(Metric metric, int trial, Vector512<long> values)
    {
        // The kernel only passes trial + 8 <= trials, so the row slice is in bounds.
        var offset = (nuint)(((int)metric * _trials) + trial);
        ref var start = ref MemoryMarshal.GetArrayDataReference(_values);
        (Vector512.LoadUnsafe(ref start, offset) + values).StoreUnsafe(ref start, offset);
    }

    /// <summary>Unpacks the bytes into their rows at once (no staging here).</summary>
    public void AddCounts8(int word, int trial, Vector512<ulong> packed)
    {
        var metrics = Math.Min(8, Metrics.StagedCounts - (word * 8));
        for (var k = 0; k < metrics; k++)
        {
            Add8((Metric)((word * 8) + k), trial, ((packed >> (8 * k)) & Vector512.Create(0xFFUL)).AsInt64());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add4(Metric metric, int trial, Vector256<long> values)
    {
        var offset = (nuint)(((int)metric * _trials) + trial);
        ref var start = ref MemoryMarshal.GetArrayDataReference(_values);
        (Vector256.LoadUnsafe(ref start, offset) + values).StoreUnsafe(ref start, offset);
    }

    /// <summary>Unpacks the bytes into their rows at once (no staging here).</summary>
    public void AddCounts4(int word, int trial, Vector256<ulong> packed)
    {
        var metrics = Math.Min(8, Metrics.StagedCounts - (word * 8));
        for (var k = 0; k < metrics; k++)
        {
            Add4((Metric)((word * 8) + k), trial, ((packed >> (8 * k)) & Vector256.Create(0xFFUL)).AsInt64());
        }
    }

    public void AgentDone()
    {
    }
}

/// <summary>Drops every contribution (for measuring the simulation without its reduction).</summary>
public readonly struct DiscardSink : IMetricSink
{
    public int Trials => int.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add8(Metric metric, int trial, Vector512<long> values)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts8(int word, int trial, Vector512<ulong> packed)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add4(Metric metric, int trial, Vector256<long> values)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts4(int word, int trial, Vector256<ulong> packed)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AgentDone()
    {
    }
}
