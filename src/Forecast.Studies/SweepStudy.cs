using System.Globalization;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Random;
using Forecast.Running;

namespace Forecast.Studies;

/// <summary>A lever's swept range: <see cref="Points"/> values from <see cref="Lo"/> to <see cref="Hi"/>, both ends included.</summary>
public sealed record SweepRange(string Lever, double Lo, double Hi, int Points)
{
    public const int MaxPoints = 1000;

    /// <summary>Parses L=LO..HI:POINTS (POINTS >= 2, or 1 when LO == HI), checked against the lever's allowed range.</summary>
    public static SweepRange Parse(Parameters p, string text)
    {
        const string Field = "--lever";
        var eq = text.IndexOf('=');
        var dots = text.IndexOf("..", StringComparison.Ordinal);
        var colon = text.LastIndexOf(':');
        if (eq <= 0 || dots < eq || colon < dots)
        {
            throw new InputException("command line", Field, null, $"'{text}' is not a range; use LEVER=LO..HI:POINTS, e.g. hte-reward=0..1:5");
        }

        var lever = Variants.Lever(p, text[..eq], Field);
        if (!double.TryParse(text[(eq + 1)..dots], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
            || !double.TryParse(text[(dots + 2)..colon], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi)
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var points))
        {
            throw new InputException("command line", Field, null, $"'{text}': LO and HI must be numbers and POINTS a whole number (LEVER=LO..HI:POINTS)");
        }

        if (!(lo >= lever.Min && hi <= lever.Max && lo <= hi))
        {
            throw new InputException("command line", Field, null,
                string.Create(CultureInfo.InvariantCulture, $"'{text}': {lo}..{hi} is outside the allowed range of {lever.Id}, [{lever.Min}, {lever.Max}] ({lever.Unit}), or LO > HI"));
        }

        if (points < 1 || points > MaxPoints || (points == 1 && lo != hi) || (points > 1 && lo == hi))
        {
            throw new InputException("command line", Field, null, $"'{text}': {points} points is not allowed; use 2..{MaxPoints} (1 when LO == HI)");
        }

        return new SweepRange(lever.Id, lo, hi, points);
    }

    public double At(int k) => Points == 1 ? Lo : k == Points - 1 ? Hi : Lo + ((Hi - Lo) * k / (Points - 1));
}

/// <summary>One point of a sweep: its lever values, every target's and year's joint P(met) with its interval, and the cost.</summary>
public sealed record SweepPoint(IReadOnlyList<LeverSetting> Levers, IReadOnlyList<(string Target, double Probability, double Lo, double Hi)> Targets, double Cost);

public sealed record SweepResult(ulong Seed, int Trials, string Scenario, string Design, IReadOnlyList<SweepRange> Ranges, IReadOnlyList<SweepPoint> Points);

/// <summary>
/// A sweep over levers: a full grid of the ranges' points, or a Latin hypercube of N points (each
/// range cut into N equal strata, one point at a stratum's centre per lever, the strata paired by a
/// permutation per lever drawn from Philox keyed by the seed, so the design is the same on any machine).
/// Every point is a plain run of the scenario with those levers set, on the same trials.
/// </summary>
public static class SweepStudy
{
    public const int MaxRuns = 1000;
    private const uint DesignStream = 0x5357_4550; // "SWEP": keys the hypercube's permutations apart from the simulation's draws

    public static IReadOnlyList<double[]> Grid(IReadOnlyList<SweepRange> ranges)
    {
        Check(ranges);
        var total = 1L;
        foreach (var r in ranges)
        {
            total = Math.Min(total * r.Points, MaxRuns + 1L); // capped: 1,000 points on seven levers would overflow a long
        }

        if (total > MaxRuns)
        {
            throw new InputException("command line", "--lever", null,
                string.Create(CultureInfo.InvariantCulture, $"the grid has {string.Join(" x ", ranges.Select(r => r.Points))} points, more than {MaxRuns:N0} (use --design lhs --points N, or fewer points)"));
        }

        var points = new List<double[]>();
        var k = new int[ranges.Count];
        for (var n = 0; n < total; n++)
        {
            points.Add(ranges.Select((r, i) => r.At(k[i])).ToArray());
            for (var i = ranges.Count - 1; i >= 0 && ++k[i] == ranges[i].Points; i--)
            {
                k[i] = 0;
            }
        }

        return points;
    }

    /// <summary>At least one range, and no lever twice.</summary>
    public static void Check(IReadOnlyList<SweepRange> ranges)
    {
        if (ranges.Count == 0)
        {
            throw new InputException("command line", "--lever", null, "name at least one lever range (LEVER=LO..HI:POINTS)");
        }

        if (ranges.GroupBy(r => r.Lever).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InputException("command line", "--lever", null, $"lever '{twice.Key}' is named twice");
        }
    }

    public static IReadOnlyList<double[]> LatinHypercube(IReadOnlyList<SweepRange> ranges, int n, ulong seed)
    {
        Check(ranges);
        if (n < 2 || n > MaxRuns)
        {
            throw new InputException("command line", "--points", null, $"{n} is not allowed; use 2..{MaxRuns}");
        }

        var columns = ranges.Select((r, i) =>
        {
            // Fisher-Yates with one keyed 32-bit word per swap: counter (stream, lever, swap, 0).
            var order = Enumerable.Range(0, n).ToArray();
            for (var j = n - 1; j > 0; j--)
            {
                Philox.Block((uint)seed, (uint)(seed >> 32), DesignStream, (uint)i, (uint)j, 0, out var word, out _, out _, out _);
                var pick = (int)((ulong)word * (ulong)(j + 1) >> 32);
                (order[j], order[pick]) = (order[pick], order[j]);
            }

            return order.Select(s => r.Lo + ((r.Hi - r.Lo) * (s + 0.5) / n)).ToArray();
        }).ToArray();
        return Enumerable.Range(0, n).Select(k => columns.Select(c => c[k]).ToArray()).ToList();
    }

    public static async Task<SweepResult> Run(IForecastEngine engine, ModelInputs inputs, RunPlan plan, IReadOnlyList<SweepRange> ranges,
        string design, int lhsPoints, IProgress<StudyProgress>? progress, CancellationToken cancellation)
    {
        var p = ParametersLoader.Load(inputs);
        var points = design switch
        {
            "grid" => Grid(ranges),
            "lhs" => LatinHypercube(ranges, lhsPoints, plan.Seed),
            _ => throw new InputException("command line", "--design", null, $"'{design}' is not a design; use grid or lhs"),
        };
        var runner = new VariantRunner(engine, plan, progress, cancellation) { Expected = points.Count };
        var result = new List<SweepPoint>();
        foreach (var values in points)
        {
            var settings = ranges.Select((r, i) => Variants.Setting(p, Variants.Lever(p, r.Lever, "--lever"), values[i])).ToList();
            var name = string.Join(" ", settings);
            var o = await runner.Run(Variants.With(inputs, name, settings), name);
            result.Add(new SweepPoint(settings, o.Targets.Select(t => (t.Id, t.Probability, t.Interval.Lo, t.Interval.Hi)).ToList(), o.MeanCost));
        }

        return new SweepResult(plan.Seed, plan.Trials, p.ScenarioName, design, ranges, result);
    }
}
