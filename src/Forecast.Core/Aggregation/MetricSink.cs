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
    /// <summary>Trials the sink holds; kernels check their batch fits before adding unchecked.</summary>
    int Trials { get; }

    void Add(Metric metric, int trial, long value);

    /// <summary>
    /// Adds sixteen trials' staged counts: byte k of <paramref name="packed"/>'s lane i is the count of
    /// metric 4 * <paramref name="word"/> + k for trial <paramref name="trial"/> + i (see
    /// <see cref="Metrics.StagedCounts"/>); each byte is 0 or 1.
    /// </summary>
    void AddCounts16(int word, int trial, Vector512<uint> packed);

    /// <summary>Adds eight trials' staged counts (the AVX2 kernel's <see cref="AddCounts16"/>).</summary>
    void AddCounts8(int word, int trial, Vector256<uint> packed);

    /// <summary>Adds one trial's staged counts (the scalar kernel's <see cref="AddCounts16"/>).</summary>
    void AddCounts1(int word, int trial, uint packed);

    /// <summary>Adds sixteen consecutive trials' values (money in thousand yuan, or a count), starting at <paramref name="trial"/>, into the metric's 64-bit row.</summary>
    void AddRow16(Metric metric, int trial, Vector512<int> values);

    /// <summary>Adds eight consecutive trials' money (the AVX2 kernel's <see cref="AddRow16"/>).</summary>
    void AddRow8(Metric metric, int trial, Vector256<int> values);

    /// <summary>Called once after each agent's step (an <see cref="Accumulator"/> carries its bytes every 255).</summary>
    void AgentDone();
}

/// <summary>How the kernels' staged count words map to metrics: word w, byte k is metric 4w + k.</summary>
public static class StagedCounts
{
    public const int MetricsPerWord = 4;

    public const int Words = (Metrics.StagedCounts + MetricsPerWord - 1) / MetricsPerWord;

    /// <summary>The metrics word <paramref name="word"/> stages.</summary>
    public static int MetricsIn(int word) => Math.Min(MetricsPerWord, Metrics.StagedCounts - (word * MetricsPerWord));
}

/// <summary>Adds into a <see cref="PartialAggregate"/>'s metric-major array.</summary>
public readonly struct PartialSink(PartialAggregate partial) : IMetricSink
{
    private readonly long[] _values = partial.Values;
    private readonly int _trials = partial.Trials;

    public int Trials => _trials;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value) => _values[((int)metric * _trials) + trial] += value;

    /// <summary>Unpacks the bytes into their rows at once (no staging here).</summary>
    public void AddCounts16(int word, int trial, Vector512<uint> packed)
    {
        for (var i = 0; i < 16; i++)
        {
            AddCounts1(word, trial + i, packed[i]);
        }
    }

    public void AddCounts8(int word, int trial, Vector256<uint> packed)
    {
        for (var i = 0; i < 8; i++)
        {
            AddCounts1(word, trial + i, packed[i]);
        }
    }

    public void AddCounts1(int word, int trial, uint packed)
    {
        for (var k = 0; k < StagedCounts.MetricsIn(word); k++)
        {
            Add((Metric)((word * StagedCounts.MetricsPerWord) + k), trial, (packed >> (8 * k)) & 0xFF);
        }
    }

    public void AddRow16(Metric metric, int trial, Vector512<int> values)
    {
        for (var i = 0; i < 16; i++)
        {
            Add(metric, trial + i, values[i]);
        }
    }

    public void AddRow8(Metric metric, int trial, Vector256<int> values)
    {
        for (var i = 0; i < 8; i++)
        {
            Add(metric, trial + i, values[i]);
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
    public void AddCounts16(int word, int trial, Vector512<uint> packed)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts8(int word, int trial, Vector256<uint> packed)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts1(int word, int trial, uint packed)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddRow16(Metric metric, int trial, Vector512<int> values)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddRow8(Metric metric, int trial, Vector256<int> values)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AgentDone()
    {
    }
}
