using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Output;

public sealed record TargetResult(
    string Id, string Indicator, int Year, double Threshold, long Met, int Trials, double Probability, double Lo, double Hi);

public sealed record IndicatorResult(string Id, string Unit, int Year, SeriesSummary Summary);

public sealed record JointResult(int Year, IReadOnlyList<string> Targets, long Met, double Probability, double Lo, double Hi);

public sealed record ScenarioInfo(string Name, IReadOnlyList<(string Id, double Value)> Levers);

/// <summary>The finalised forecast of one scenario: what forecast.json holds, nothing else.</summary>
public sealed record ForecastResult(
    ulong Seed,
    int Trials,
    ScenarioInfo Scenario,
    IReadOnlyList<TargetResult> Targets,
    IReadOnlyList<JointResult> Joint,
    IReadOnlyList<IndicatorResult> Indicators)
{
    public const string QuantileDefinition =
        "R-7 (Hyndman-Fan type 7, numpy's default): h = (n-1)p, linear interpolation between order statistics";
}

/// <summary>Turns the per-trial table into statistics, target probabilities and joint probabilities.</summary>
public static class Finaliser
{
    public static ForecastResult Summarise(SimulationModel model, TrialTable table, ulong seed)
    {
        var n = table.Trials;
        var scratch = new double[n];
        var indicators = new List<IndicatorResult>();
        for (var i = 0; i < Model.Indicators.Count; i++)
        {
            var indicator = (Indicator)i;
            for (var y = model.FirstYear; y <= model.LastYear; y++)
            {
                var summary = SeriesStatistics.Summarise(table.Series(indicator, y), scratch);
                indicators.Add(new IndicatorResult(Model.Indicators.Id(indicator), Model.Indicators.Unit(indicator), y, summary));
            }
        }

        var targets = model.Targets.Select(t =>
        {
            var met = SeriesStatistics.CountAtLeast(table.Series(t.Indicator, t.Year), t.Threshold);
            var (lo, hi) = SeriesStatistics.Wilson(met, n);
            return new TargetResult(t.Id, Model.Indicators.Id(t.Indicator), t.Year, t.Threshold, met, n, (double)met / n, lo, hi);
        }).ToList();

        var joint = new List<JointResult>();
        foreach (var group in model.Targets.GroupBy(t => t.Year).OrderBy(g => g.Key))
        {
            var met = JointMetCount(table, group.ToArray());
            var (lo, hi) = SeriesStatistics.Wilson(met, n);
            joint.Add(new JointResult(group.Key, group.Select(t => t.Id).ToList(), met, (double)met / n, lo, hi));
        }

        return new ForecastResult(seed, n, Scenario(model.Parameters), targets, joint, indicators);
    }

    /// <summary>
    /// Trials that met every one of these targets (<see cref="JointMet"/>'s true entries, counted): each
    /// target's comparisons are vectorised into a bit per trial, the targets' bits and-ed, the bits counted.
    /// <see cref="JointMet"/> stays the plain per-trial form (the comparison needs it) and the reference
    /// this count is tested against, so the two do not share their comparison loop.
    /// </summary>
    public static long JointMetCount(TrialTable table, IReadOnlyList<TargetDefinition> targets)
    {
        var n = table.Trials;
        var words = new ulong[(n + 63) / 64];
        Array.Fill(words, ulong.MaxValue);
        foreach (var t in targets)
        {
            var series = table.Series(t.Indicator, t.Year);
            ref var start = ref MemoryMarshal.GetReference(series);
            var threshold = Vector256.Create(t.Threshold);
            for (var w = 0; w < words.Length; w++)
            {
                ulong bits = 0;
                var j = 0;
                var first = w * 64;
                var count = Math.Min(64, n - first);
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; j + 4 <= count; j += 4)
                    {
                        bits |= (ulong)Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref start, (nuint)(first + j)), threshold).ExtractMostSignificantBits() << j;
                    }
                }

                for (; j < count; j++)
                {
                    bits |= series[first + j] >= t.Threshold ? 1UL << j : 0;
                }

                words[w] &= bits;
            }
        }

        long met = 0;
        for (var w = 0; w < words.Length; w++)
        {
            var valid = Math.Min(64, n - (w * 64));
            met += System.Numerics.BitOperations.PopCount(valid == 64 ? words[w] : words[w] & ((1UL << valid) - 1));
        }

        return met;
    }

    /// <summary>Per trial: did it meet every one of these targets?</summary>
    public static bool[] JointMet(TrialTable table, IReadOnlyList<TargetDefinition> targets)
    {
        var met = new bool[table.Trials];
        Array.Fill(met, true);
        foreach (var t in targets)
        {
            var series = table.Series(t.Indicator, t.Year);
            for (var k = 0; k < met.Length; k++)
            {
                met[k] &= series[k] >= t.Threshold;
            }
        }

        return met;
    }

    public static ScenarioInfo Scenario(Parameters p) =>
        new(p.ScenarioName, p.Levers.Select(l => (l.Id, p.LeverValues[l.Index])).ToList());
}
