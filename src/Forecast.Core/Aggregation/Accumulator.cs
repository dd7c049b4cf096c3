using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Forecast.Model;

namespace Forecast.Aggregation;

/// <summary>
/// A partial aggregate while agents add into it. Money goes straight into the partial's 64-bit
/// rows (the kernels' 32-bit thousands widened); the sixteen per-agent counts (each 0 or 1 per
/// agent, trial and year) are staged as bytes, four metrics to a 32-bit word per trial, so a vector
/// kernel adds four words where it would read and write sixteen rows. At most
/// <see cref="MaxPendingAgents"/> agents add before the bytes are carried into the 64-bit rows, so
/// no byte overflows; integer sums make the result identical to adding every count directly, in any order.
/// </summary>
public sealed class Accumulator
{
    /// <summary>Agents added since the last carry before the bytes are carried (a byte holds 255).</summary>
    public const int MaxPendingAgents = 255;

    private readonly uint[] _staged;
    private int _pending;

    public Accumulator(int trials)
    {
        Partial = new PartialAggregate(trials);
        _staged = new uint[StagedCounts.Words * trials];
    }

    public int Trials => Partial.Trials;

    /// <summary>The 64-bit rows; staged counts are in them only after <see cref="Flush"/>.</summary>
    public PartialAggregate Partial { get; }

    internal uint[] Staged => _staged;

    /// <summary>Carries the staged counts into the partial and returns it.</summary>
    public PartialAggregate Flush()
    {
        var trials = Trials;
        var values = Partial.Values;
        ref var rows = ref MemoryMarshal.GetArrayDataReference(values);
        for (var word = 0; word < StagedCounts.Words; word++)
        {
            var staged = _staged.AsSpan(word * trials, trials);
            var metrics = StagedCounts.MetricsIn(word);
            var t = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                // Eight trials at a time: byte k of each lane goes to row 4 * word + k.
                ref var words = ref MemoryMarshal.GetReference(staged);
                var byteMask = Vector512.Create(0xFFUL);
                for (; t + 8 <= trials; t += 8)
                {
                    var w = Vector512.WidenLower(Vector256.LoadUnsafe(ref words, (nuint)t).ToVector512Unsafe());
                    if (w == Vector512<ulong>.Zero)
                    {
                        continue;
                    }

                    for (var k = 0; k < metrics; k++)
                    {
                        var offset = (nuint)((((word * StagedCounts.MetricsPerWord) + k) * trials) + t);
                        (Vector512.LoadUnsafe(ref rows, offset) + ((w >> (8 * k)) & byteMask).AsInt64()).StoreUnsafe(ref rows, offset);
                    }
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                ref var words = ref MemoryMarshal.GetReference(staged);
                var byteMask = Vector256.Create(0xFFUL);
                for (; t + 4 <= trials; t += 4)
                {
                    var w = Vector256.WidenLower(Vector128.LoadUnsafe(ref words, (nuint)t).ToVector256Unsafe());
                    if (w == Vector256<ulong>.Zero)
                    {
                        continue;
                    }

                    for (var k = 0; k < metrics; k++)
                    {
                        var offset = (nuint)((((word * StagedCounts.MetricsPerWord) + k) * trials) + t);
                        (Vector256.LoadUnsafe(ref rows, offset) + ((w >> (8 * k)) & byteMask).AsInt64()).StoreUnsafe(ref rows, offset);
                    }
                }
            }

            for (; t < trials; t++)
            {
                var w = staged[t];
                if (w == 0)
                {
                    continue;
                }

                for (var k = 0; k < metrics; k++)
                {
                    values[(((word * StagedCounts.MetricsPerWord) + k) * trials) + t] += (w >> (8 * k)) & 0xFF;
                }
            }

            staged.Clear();
        }

        _pending = 0;
        return Partial;
    }

    /// <summary>Empties the accumulator for reuse.</summary>
    public void Clear()
    {
        Partial.Clear();
        Array.Clear(_staged);
        _pending = 0;
    }

    internal void AgentDone()
    {
        if (++_pending >= MaxPendingAgents)
        {
            Flush();
        }
    }
}

/// <summary>Adds into an <see cref="Accumulator"/>: money into its rows, counts into its staged bytes.</summary>
public readonly struct AccumulatorSink(Accumulator accumulator) : IMetricSink
{
    private readonly Accumulator _acc = accumulator;
    private readonly long[] _values = accumulator.Partial.Values;
    private readonly uint[] _staged = accumulator.Staged;
    private readonly int _trials = accumulator.Trials;

    public int Trials => _trials;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Metric metric, int trial, long value) => _values[((int)metric * _trials) + trial] += value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts16(int word, int trial, Vector512<uint> packed)
    {
        var offset = (nuint)((word * _trials) + trial);
        ref var start = ref MemoryMarshal.GetArrayDataReference(_staged);
        (Vector512.LoadUnsafe(ref start, offset) + packed).StoreUnsafe(ref start, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts8(int word, int trial, Vector256<uint> packed)
    {
        var offset = (nuint)((word * _trials) + trial);
        ref var start = ref MemoryMarshal.GetArrayDataReference(_staged);
        (Vector256.LoadUnsafe(ref start, offset) + packed).StoreUnsafe(ref start, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCounts1(int word, int trial, uint packed) => _staged[(word * _trials) + trial] += packed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddRow16(Metric metric, int trial, Vector512<int> values)
    {
        // The kernel only passes trial + 16 <= trials, so the row slice is in bounds.
        var offset = (nuint)(((int)metric * _trials) + trial);
        ref var start = ref MemoryMarshal.GetArrayDataReference(_values);
        var (lower, upper) = Vector512.Widen(values);
        (Vector512.LoadUnsafe(ref start, offset) + lower).StoreUnsafe(ref start, offset);
        (Vector512.LoadUnsafe(ref start, offset + 8) + upper).StoreUnsafe(ref start, offset + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddRow8(Metric metric, int trial, Vector256<int> values)
    {
        var offset = (nuint)(((int)metric * _trials) + trial);
        ref var start = ref MemoryMarshal.GetArrayDataReference(_values);
        var (lower, upper) = Vector256.Widen(values);
        (Vector256.LoadUnsafe(ref start, offset) + lower).StoreUnsafe(ref start, offset);
        (Vector256.LoadUnsafe(ref start, offset + 4) + upper).StoreUnsafe(ref start, offset + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AgentDone() => _acc.AgentDone();
}
