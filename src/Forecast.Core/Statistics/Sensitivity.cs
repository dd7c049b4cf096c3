using System.Runtime.CompilerServices;
using Forecast.Random;

namespace Forecast.Statistics;

/// <summary>One input's first-order share of an output's variance, with a bootstrap 90% interval.</summary>
public sealed record FirstOrderShare(string Input, double Share, double Lo, double Hi);

/// <summary>Each input's equal-count class per trial (<see cref="Classes"/> classes; null where the input takes one value).</summary>
public sealed record InputClasses(IReadOnlyList<string> Ids, int Classes, IReadOnlyList<int[]?> ByInput);

/// <summary>
/// First-order variance shares from the run's own trials (no extra simulations): each trial drew
/// its inputs and produced its output, so Var(E[Y | X_i]) / Var(Y) is estimated from the given data
/// by binning X_i into equal-count classes (Plischke, Borgonovo and Smith 2013, "Global sensitivity
/// measures from given data", European Journal of Operational Research 226:536-550). The between-class
/// share is bias-corrected as epsilon-squared (Kelley 1935): (SSB - (M - 1) MSW) / SST, so an input
/// that does nothing scores about 0, not (M - 1) / n. The interval resamples trials (keyed bootstrap).
/// </summary>
public static class Sensitivity
{
    public const string Method =
        "first-order variance share, given-data estimator: equal-count binning of each input (Plischke, Borgonovo and Smith 2013, "
        + "EJOR 226:536-550), bias-corrected as epsilon-squared (Kelley 1935); 90% interval from a keyed bootstrap over trials";

    /// <summary>Equal-count classes: about sqrt(n) / 5, between 2 and 50 (20 at 10,000 trials).</summary>
    public static int Classes(int n) => Math.Clamp((int)(Math.Sqrt(n) / 5), 2, 50);

    /// <summary>
    /// The first-order share of <paramref name="output"/>'s variance for each input (columns of
    /// <paramref name="inputs"/>, one value per trial), the <paramref name="top"/> largest with
    /// bootstrap intervals over <paramref name="resamples"/> (see <see cref="Resamples"/>; shared by
    /// every input and output of a run), largest first. An input that takes
    /// one value, or an output that does not vary, explains nothing and is left out.
    /// </summary>
    public static IReadOnlyList<FirstOrderShare> Rank(ReadOnlySpan<double> output, IReadOnlyList<string> ids, Func<int, ReadOnlyMemory<double>> inputs,
        byte[][] resamples, int top = 8) =>
        Rank(output, Classify(output.Length, ids, inputs), resamples, top);

    /// <summary>Every input's equal-count classes over n trials (null for an input that takes one value): once per run, for every output.</summary>
    public static InputClasses Classify(int n, IReadOnlyList<string> ids, Func<int, ReadOnlyMemory<double>> inputs)
    {
        var m = Classes(n);
        var values = new ReadOnlyMemory<double>[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            values[i] = inputs(i);
            if (values[i].Length != n)
            {
                throw new ArgumentException($"input '{ids[i]}' has {values[i].Length} values for {n} trials");
            }
        }

        // Each input's classes depend on its values alone: sorted in parallel, the same on any thread.
        var classes = new int[]?[ids.Count];
        Parallel.For(0, ids.Count, i => classes[i] = ClassesOf(values[i].Span, m));
        return new InputClasses(ids, m, classes);
    }

    /// <summary><see cref="Rank(ReadOnlySpan{double}, IReadOnlyList{string}, Func{int, ReadOnlyMemory{double}}, byte[][], int)"/> over inputs already classified.</summary>
    public static IReadOnlyList<FirstOrderShare> Rank(ReadOnlySpan<double> output, InputClasses inputs, byte[][] resamples, int top = 8)
    {
        var n = output.Length;
        var y = output.ToArray();
        if (y.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("the output has a value that is not finite", nameof(output));
        }

        if (n < 8 || Variance(y) <= 0)
        {
            return [];
        }

        var m = inputs.Classes;
        var scored = new List<(int Input, int[] Class, double Share)>();
        for (var i = 0; i < inputs.Ids.Count; i++)
        {
            if (inputs.ByInput[i] is { } classes)
            {
                if (classes.Length != n)
                {
                    throw new ArgumentException($"input '{inputs.Ids[i]}' was classified over {classes.Length} trials, not {n}");
                }

                scored.Add((i, classes, Share(y, classes, m, null)));
            }
        }

        return scored.OrderByDescending(s => s.Share).ThenBy(s => s.Input).Take(top).Select(s =>
        {
            var (lo, hi) = Interval(y, s.Class, m, resamples);
            return new FirstOrderShare(inputs.Ids[s.Input], s.Share, lo, hi);
        }).ToList();
    }

    /// <summary>The bias-corrected between-class share of y's variance; <paramref name="weights"/> counts each trial's copies (bootstrap), null for once each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one long loop per call, called a few thousand times: no tier-0 pass
    internal static double Share(double[] y, int[] classes, int m, byte[]? weights)
    {
        var count = new double[m];
        var sum = new double[m];
        double total = 0, sumY = 0, sumY2 = 0;
        // No branch on a zero weight (a third of a bootstrap's trials, at random): for finite y it adds
        // exact zeros, which change no sum, and a mispredicted branch per trial cost more than the adds.
        for (var t = 0; t < y.Length; t++)
        {
            double w = weights is null ? 1 : weights[t];
            var c = classes[t];
            var wy = w * y[t];
            count[c] += w;
            sum[c] += wy;
            total += w;
            sumY += wy;
            sumY2 += wy * y[t];
        }

        var sst = sumY2 - (sumY * sumY / total);
        if (!(sst > 0))
        {
            return 0;
        }

        double ssb = 0;
        var groups = 0;
        for (var c = 0; c < m; c++)
        {
            if (count[c] > 0)
            {
                ssb += sum[c] * sum[c] / count[c];
                groups++;
            }
        }

        ssb -= sumY * sumY / total;
        var msw = (sst - ssb) / Math.Max(1, total - groups);
        return (ssb - ((groups - 1) * msw)) / sst;
    }

    /// <summary>Each trial's equal-count class of x (a run of ties in one class), or null when x takes one value.</summary>
    internal static int[]? ClassesOf(ReadOnlySpan<double> x, int m)
    {
        var n = x.Length;
        var order = new int[n];
        for (var t = 0; t < n; t++)
        {
            order[t] = t;
        }

        var keys = x.ToArray();
        Array.Sort(keys, order); // ties may come in any order: a run of equal values takes its first rank's class whatever its order
        if (keys[0] == keys[n - 1])
        {
            return null;
        }

        // Equal-count classes by rank, except that a run of equal values stays in its first member's class.
        var classes = new int[n];
        for (var r = 0; r < n; r++)
        {
            classes[order[r]] = r > 0 && keys[r] == keys[r - 1] ? classes[order[r - 1]] : (int)((long)r * m / n);
        }

        return classes;
    }

    /// <summary>Bootstrap resamples of n trials: how many copies of each trial resample b holds (a byte: a trial is drawn about once), keyed by the seed.</summary>
    public static byte[][] Resamples(int n, ulong seed, int count = 200)
    {
        var resamples = new byte[count][];
        for (var b = 0; b < count; b++)
        {
            var weights = new byte[n];
            var u = new KeyedUniforms(seed, (uint)b, Streams.Sensitivity, (uint)n);
            for (var k = 0; k < n; k++)
            {
                checked
                {
                    weights[Math.Min(n - 1, (int)(u.Next() * n))]++; // a trial drawn 256 times would throw, never wrap
                }
            }

            resamples[b] = weights;
        }

        return resamples;
    }

    private static (double Lo, double Hi) Interval(double[] y, int[] classes, int m, byte[][] resamples)
    {
        if (resamples.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        var shares = resamples.Select(w => Share(y, classes, m, w)).ToArray();
        var scratch = new double[shares.Length];
        return (Selection.R7Quantile(shares, 0.05, scratch), Selection.R7Quantile(shares, 0.95, scratch));
    }

    private static double Variance(double[] y)
    {
        var mean = y.Average();
        return y.Sum(v => (v - mean) * (v - mean));
    }
}
