using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Forecast.Statistics;

/// <summary>
/// The linear passes of a summary: sums in eight fixed lanes (lane k adds the values at indices = k
/// mod 8 in index order, the lanes add pairwise), so the bits are the same on any vector width, and
/// minimum and maximum as Math.Min and Math.Max give them.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // every stackalloc below is cleared or written before it is read
internal static class LanedPasses
{
    private const int Lanes = 8;

    /// <summary>Eight-lane sum (lane k: indices = k mod 8, in order; lanes added pairwise), minimum, maximum, any NaN.</summary>
    public static (double Sum, double Min, double Max, bool NaN) SumMinMax(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        var body = n - (n % Lanes);
        Span<double> lanes = stackalloc double[Lanes];
        double min, max;
        var nan = false;
        if (Vector512.IsHardwareAccelerated && body > 0)
        {
            var acc = Vector512<double>.Zero;
            var lo = Vector512.Create(double.PositiveInfinity);
            var hi = Vector512.Create(double.NegativeInfinity);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (var i = 0; i < body; i += Lanes)
            {
                var x = Vector512.LoadUnsafe(ref start, (nuint)i);
                acc += x;
                lo = Vector512.MinNative(lo, x);
                hi = Vector512.MaxNative(hi, x);
            }

            acc.CopyTo(lanes);
            (min, max) = ExactUnlessZero(MinOf(lo), MaxOf(hi), values[..body]);
        }
        else if (Vector256.IsHardwareAccelerated && body > 0)
        {
            // The same eight lanes as two four-lane halves: every lane adds its values in the same order.
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            Vector256<double> lo = Vector256.Create(double.PositiveInfinity), hi = Vector256.Create(double.NegativeInfinity);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (var i = 0; i < body; i += Lanes)
            {
                var x0 = Vector256.LoadUnsafe(ref start, (nuint)i);
                var x1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 4));
                acc0 += x0;
                acc1 += x1;
                lo = Vector256.MinNative(lo, Vector256.MinNative(x0, x1));
                hi = Vector256.MaxNative(hi, Vector256.MaxNative(x0, x1));
            }

            acc0.CopyTo(lanes);
            acc1.CopyTo(lanes[4..]);
            (min, max) = ExactUnlessZero(MinOf(lo), MaxOf(hi), values[..body]);
        }
        else
        {
            lanes.Clear();
            (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
            for (var i = 0; i < body; i++)
            {
                var x = values[i];
                lanes[i % Lanes] += x;
                (min, max, nan) = (Math.Min(min, x), Math.Max(max, x), nan | double.IsNaN(x));
            }
        }

        for (var i = body; i < n; i++)
        {
            var x = values[i];
            lanes[i % Lanes] += x;
            (min, max, nan) = (Math.Min(min, x), Math.Max(max, x), nan | double.IsNaN(x));
        }

        // The vector paths leave NaN to the sum: a NaN anywhere makes it NaN (so does inf - inf, hence the check).
        var sum = PairwiseLanes(lanes);
        nan |= double.IsNaN(sum) && HasNaN(values);
        return (sum, min, max, nan);
    }

    /// <summary>
    /// The machine's min and max (what the vector passes use) agree with Math.Min and Math.Max unless
    /// the extreme is a zero: between +0 and -0 they return either operand, Math.Min gives -0 and
    /// Math.Max +0. A nonzero extreme is strictly beyond every other value that is not its equal (NaN
    /// is refused elsewhere), so only a zero extreme is looked at again, with <see cref="ExactMinMax"/>.
    /// </summary>
    private static (double Min, double Max) ExactUnlessZero(double min, double max, ReadOnlySpan<double> values) =>
        min == 0 || max == 0 ? ExactMinMax(values) : (min, max);

    /// <summary>True when every value is a whole number (stops at the first that is not).</summary>
    public static bool AllIntegral(ReadOnlySpan<double> values)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(values);
            for (; i + 8 <= values.Length; i += 8)
            {
                var x0 = Vector256.LoadUnsafe(ref start, (nuint)i);
                var x1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 4));
                if (!Vector256.EqualsAll(Vector256.Floor(x0), x0) || !Vector256.EqualsAll(Vector256.Floor(x1), x1))
                {
                    return false;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (Math.Floor(values[i]) != values[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasNaN(ReadOnlySpan<double> values)
    {
        foreach (var x in values)
        {
            if (double.IsNaN(x))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sum of (x - mean)^2, laned as <see cref="SumMinMax"/>; no fused multiply-add, so every path rounds alike.</summary>
    public static double CentredSumOfSquares(ReadOnlySpan<double> values, double mean)
    {
        var n = values.Length;
        var body = n - (n % Lanes);
        Span<double> lanes = stackalloc double[Lanes];
        if (Vector512.IsHardwareAccelerated && body > 0)
        {
            var acc = Vector512<double>.Zero;
            var m = Vector512.Create(mean);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (var i = 0; i < body; i += Lanes)
            {
                var d = Vector512.LoadUnsafe(ref start, (nuint)i) - m;
                acc += d * d;
            }

            acc.CopyTo(lanes);
        }
        else if (Vector256.IsHardwareAccelerated && body > 0)
        {
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            var m = Vector256.Create(mean);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (var i = 0; i < body; i += Lanes)
            {
                var d0 = Vector256.LoadUnsafe(ref start, (nuint)i) - m;
                var d1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 4)) - m;
                acc0 += d0 * d0;
                acc1 += d1 * d1;
            }

            acc0.CopyTo(lanes);
            acc1.CopyTo(lanes[4..]);
        }
        else
        {
            lanes.Clear();
            for (var i = 0; i < body; i++)
            {
                var d = values[i] - mean;
                lanes[i % Lanes] += d * d;
            }
        }

        for (var i = body; i < n; i++)
        {
            var d = values[i] - mean;
            lanes[i % Lanes] += d * d;
        }

        return PairwiseLanes(lanes);
    }

    /// <summary>
    /// Minimum and maximum as Math.Min and Math.Max give them (-0 below +0): what the vector passes fall
    /// back to when an extreme is a zero (see <see cref="ExactUnlessZero"/>).
    /// </summary>
    private static (double Min, double Max) ExactMinMax(ReadOnlySpan<double> values)
    {
        var (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
        foreach (var x in values)
        {
            (min, max) = (Math.Min(min, x), Math.Max(max, x));
        }

        return (min, max);
    }

    private static double PairwiseLanes(ReadOnlySpan<double> l) => ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));

    private static double MinOf(Vector256<double> v) => Math.Min(Math.Min(v[0], v[1]), Math.Min(v[2], v[3]));

    private static double MaxOf(Vector256<double> v) => Math.Max(Math.Max(v[0], v[1]), Math.Max(v[2], v[3]));

    private static double MinOf(Vector512<double> v)
    {
        var m = double.PositiveInfinity;
        for (var i = 0; i < Lanes; i++)
        {
            m = Math.Min(m, v[i]);
        }

        return m;
    }

    private static double MaxOf(Vector512<double> v)
    {
        var m = double.NegativeInfinity;
        for (var i = 0; i < Lanes; i++)
        {
            m = Math.Max(m, v[i]);
        }

        return m;
    }
}
