using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// When a target is met: its indicator's value in its year is at least its threshold (NaN never
/// meets it). Every count of met trials (a target's probability, a year's joint probability, the
/// stopping rule, paired comparisons) goes through here, as one bit per trial: bit j of word w is
/// trial 64 w + j, and bits past the last trial are zero.
/// </summary>
public static class MetRule
{
    public static bool IsMet(double value, double threshold) => value >= threshold;

    /// <summary>The trials of <paramref name="series"/> that meet <paramref name="threshold"/>, as bits.</summary>
    public static ulong[] Bits(ReadOnlySpan<double> series, double threshold)
    {
        var words = AllTrials(series.Length);
        And(series, threshold, words);
        return words;
    }

    /// <summary>The trials [first, first + count) of <paramref name="table"/> that meet every one of <paramref name="targets"/>, as bits (bit 0: trial first).</summary>
    public static ulong[] JointBits(TrialTable table, IReadOnlyList<TargetDefinition> targets, int first, int count)
    {
        var words = AllTrials(count);
        foreach (var t in targets)
        {
            And(table.Series(t.Indicator, t.Year).Slice(first, count), t.Threshold, words);
        }

        return words;
    }

    /// <summary>Trials of every trial of <paramref name="table"/> that meet all of <paramref name="targets"/>.</summary>
    public static ulong[] JointBits(TrialTable table, IReadOnlyList<TargetDefinition> targets) => JointBits(table, targets, 0, table.Trials);

    /// <summary>How many trials meet <paramref name="threshold"/>.</summary>
    public static long Count(ReadOnlySpan<double> series, double threshold) => Count(Bits(series, threshold));

    /// <summary>How many bits are set.</summary>
    public static long Count(ReadOnlySpan<ulong> bits)
    {
        long met = 0;
        foreach (var w in bits)
        {
            met += BitOperations.PopCount(w);
        }

        return met;
    }

    /// <summary>1 for a trial that meets, 0 for one that does not (the per-trial values of a paired difference).</summary>
    public static double[] ZeroOne(ReadOnlySpan<ulong> bits, int trials)
    {
        var values = new double[trials];
        for (var k = 0; k < trials; k++)
        {
            values[k] = (bits[k >> 6] >> (k & 63)) & 1;
        }

        return values;
    }

    /// <summary>Every one of <paramref name="trials"/> bits set, the bits past them clear.</summary>
    private static ulong[] AllTrials(int trials)
    {
        var words = new ulong[(trials + 63) / 64];
        Array.Fill(words, ulong.MaxValue);
        if (trials % 64 != 0)
        {
            words[^1] = (1UL << (trials % 64)) - 1;
        }

        return words;
    }

    /// <summary>Clears the bit of every trial that does not meet <paramref name="threshold"/> (vector compares, four trials at a time).</summary>
    private static void And(ReadOnlySpan<double> series, double threshold, Span<ulong> words)
    {
        var n = series.Length;
        ref var start = ref MemoryMarshal.GetReference(series);
        var vThreshold = Vector256.Create(threshold);
        for (var w = 0; w < words.Length; w++)
        {
            ulong bits = 0;
            var first = w * 64;
            var count = Math.Min(64, n - first);
            var j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 4 <= count; j += 4)
                {
                    bits |= (ulong)Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref start, (nuint)(first + j)), vThreshold).ExtractMostSignificantBits() << j;
                }
            }

            for (; j < count; j++)
            {
                bits |= IsMet(series[first + j], threshold) ? 1UL << j : 0;
            }

            words[w] &= bits;
        }
    }
}
