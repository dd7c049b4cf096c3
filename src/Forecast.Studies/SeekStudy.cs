using System.Globalization;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;

namespace Forecast.Studies;

/// <summary>A setting the search ran: its levers, P(target) and mean yearly cost.</summary>
public sealed record SeekPoint(IReadOnlyList<LeverSetting> Levers, double Probability, double Lo, double Hi, double Cost);

/// <summary>What limits a goal that was not reached.</summary>
public enum SeekLimit
{
    None,

    /// <summary>Every named lever at the top of its allowed range and still short.</summary>
    Range,

    /// <summary>A setting that would raise P(target) costs more than the budget.</summary>
    Budget,

    /// <summary>No named lever raises P(target) any further within its range: what limits it is in the model, not in the levers.</summary>
    Model,
}

/// <summary>
/// The cheapest setting found for the named levers that reaches P(target) >= goal (or, when none
/// does, the best reached and what limits it), with the path of settings the search ran.
/// </summary>
public sealed record SeekResult(
    ulong Seed, int Trials, string Scenario, string Target, double Goal, double? Budget, string Method,
    bool Reached, SeekLimit Limit, string Explanation, SeekPoint Start, SeekPoint Answer, IReadOnlyList<SeekPoint> Path, string AnswerScenario)
{
    public const string ScenarioFile = "seek-scenario.yaml";

    /// <summary>
    /// How far `forecast run` at the answer can fall below its probability: 0 with the same seed and
    /// trials (the same draws give the same trials); with other draws, the 95% interval's width.
    /// </summary>
    public const double Tolerance = 0;
}

/// <summary>
/// Goal seeking on paired trials. P(target) is estimated on common random numbers, so it is a
/// deterministic function of the setting for a seed and trial count, and (every lever's effect being
/// non-decreasing in its value) non-decreasing in each lever up to the rare trial whose coupled
/// feedback turns the other way. One lever: bisection on a grid of 1,000 steps over its allowed range
/// for the smallest value that reaches the goal (costs are non-decreasing in a lever's value, so the
/// smallest is the cheapest). Several: a greedy walk up the cost-ordered frontier over 10 steps of each
/// range, each move the one that buys the most probability per yuan, then bisection of the last move.
/// </summary>
public static class SeekStudy
{
    public const int Steps = 1000;
    public const int FrontierSteps = 10;

    public static async Task<SeekResult> Run(IForecastEngine engine, ModelInputs inputs, RunPlan plan, string target, double goal,
        IReadOnlyList<string> leverIds, double? budget, IProgress<StudyProgress>? progress, CancellationToken cancellation)
    {
        var p = ParametersLoader.Load(inputs);
        Check(p, target, goal, leverIds, budget);
        var levers = leverIds.Distinct().Select(id => Variants.Lever(p, id, "--lever")).ToList();
        var runner = new VariantRunner(engine, plan, progress, cancellation)
        {
            Expected = levers.Count == 1 ? 2 + (int)Math.Ceiling(Math.Log2(Steps)) : 1 + (levers.Count * FrontierSteps),
        };
        var path = new List<SeekPoint>();

        async Task<SeekPoint> Eval(double[] values)
        {
            var settings = levers.Select((l, i) => Variants.Setting(p, l, values[i])).ToList();
            var name = string.Join(" ", settings);
            var o = await runner.Run(Variants.With(inputs, name, settings), name);
            var t = o.Target(target);
            var (lo, hi) = t.Interval;
            var point = new SeekPoint(settings, t.Probability, lo, hi, o.MeanCost);
            if (!path.Any(x => x.Levers.SequenceEqual(settings)))
            {
                path.Add(point);
            }

            return point;
        }

        var start = await Eval(levers.Select(l => p.LeverValues[l.Index]).ToArray());
        var (answer, limit, why) = levers.Count == 1
            ? await OneLever(levers[0], goal, budget, Eval)
            : await Frontier(levers, levers.Select(l => p.LeverValues[l.Index]).ToArray(), start, goal, budget, Eval);
        var method = levers.Count == 1
            ? $"bisection over {Steps:N0} steps of the lever's allowed range, on paired trials"
            : $"greedy walk up the cost-ordered frontier ({FrontierSteps} steps of each lever's range; each move the most probability per yuan), then bisection of the last move";
        var scenario = Variants.With(inputs, $"{p.ScenarioName}-seek-{target}", answer.Levers).ScenarioYaml;
        var header = string.Create(CultureInfo.InvariantCulture,
            $"# forecast seek --target {target} --probability {goal}: {(limit == SeekLimit.None ? "the setting found" : "the best setting reached")}, P = {answer.Probability} at seed {plan.Seed}, {plan.Trials} trials.\n# The same P again: forecast run --scenario {SeekResult.ScenarioFile} --seed {plan.Seed} --trials {plan.Trials}\n");
        return new SeekResult(plan.Seed, plan.Trials, p.ScenarioName, target, goal, budget, method, limit == SeekLimit.None, limit, why, start, answer, path,
            header + scenario);
    }

    /// <summary>Bad input, named: an unknown target or lever, a goal outside (0, 1), a negative budget.</summary>
    public static void Check(Parameters p, string target, double goal, IReadOnlyList<string> levers, double? budget)
    {
        CheckTarget(p, target);

        if (!(goal > 0 && goal < 1))
        {
            throw new InputException("command line", "--probability", null, string.Create(CultureInfo.InvariantCulture, $"{goal} is not allowed; use a probability strictly between 0 and 1"));
        }

        if (levers.Count == 0)
        {
            throw new InputException("command line", "--lever", null, $"name at least one lever; known levers: {string.Join(", ", p.Levers.Select(l => l.Id))}");
        }

        foreach (var id in levers)
        {
            Variants.Lever(p, id, "--lever");
        }

        if (budget is { } b && !(b >= 0 && double.IsFinite(b)))
        {
            throw new InputException("command line", "--budget", null, string.Create(CultureInfo.InvariantCulture, $"{b} is not allowed; use a finite number of M yuan a year >= 0"));
        }
    }

    /// <summary>A target id or a year's joint (all-YEAR), or an input error naming --target and the known ones.</summary>
    public static void CheckTarget(Parameters p, string target)
    {
        var targets = p.Targets.Select(t => t.Id).Concat(p.Targets.Select(t => t.Year).Distinct().Order().Select(VariantOutcome.JointId)).ToList();
        if (!targets.Contains(target))
        {
            throw new InputException("command line", "--target", null, $"unknown target '{target}'; known targets: {string.Join(", ", targets)}");
        }
    }

    private static double Level(LeverDefinition l, int k, int steps) => k == steps ? l.Max : l.Min + ((l.Max - l.Min) * k / steps);

    private static async Task<(SeekPoint, SeekLimit, string)> OneLever(LeverDefinition lever, double goal, double? budget, Func<double[], Task<SeekPoint>> eval)
    {
        var top = await eval([lever.Max]);
        var (ceiling, best) = (Steps, top);
        if (budget is { } b && top.Cost > b)
        {
            // Cost is non-decreasing in the value: the search stops at the largest value that fits the budget.
            var floor = await eval([lever.Min]);
            if (floor.Cost > b)
            {
                return (floor, SeekLimit.Budget, Say($"the budget: even {lever.Id} at its minimum {lever.Min:R} costs {floor.Cost:0.##} M yuan a year > {b:R}"));
            }

            var (fits, over) = (0, Steps);
            best = floor;
            while (over - fits > 1)
            {
                var mid = (fits + over) / 2;
                var point = await eval([Level(lever, mid, Steps)]);
                if (point.Cost <= b)
                {
                    (fits, best) = (mid, point);
                }
                else
                {
                    over = mid;
                }
            }

            ceiling = fits;
            if (best.Probability < goal)
            {
                return (best, SeekLimit.Budget, Say($"the budget: within {b:R} M yuan a year the best is P = {best.Probability:0.000} at {best.Levers[0]}; {(top.Probability >= goal ? "the goal is reached only at a higher cost" : $"even at its maximum P = {top.Probability:0.000}")}"));
            }
        }
        else if (top.Probability < goal)
        {
            var bottom = await eval([lever.Min]);
            return bottom.Probability >= top.Probability
                ? (top, SeekLimit.Model, Say($"{lever.Id} does not raise P over its allowed range [{lever.Min:R}, {lever.Max:R}] (P = {bottom.Probability:0.000} at the bottom, {top.Probability:0.000} at the top): what holds this target back is not this lever"))
                : (top, SeekLimit.Range, Say($"the allowed range of {lever.Id}: at its maximum {lever.Max:R} {lever.Unit}, P = {top.Probability:0.000} < {goal:0.000}"));
        }

        // Invariant: P(lo) < goal <= P(hi), the answer the smallest reaching step.
        var (lo, hi) = (0, ceiling);
        var first = await eval([lever.Min]);
        if (first.Probability >= goal)
        {
            best = first;
            hi = 0;
        }

        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            var point = await eval([Level(lever, mid, Steps)]);
            if (point.Probability >= goal)
            {
                (hi, best) = (mid, point);
            }
            else
            {
                lo = mid;
            }
        }

        return (best, SeekLimit.None, Say($"P = {best.Probability:0.000} >= {goal:0.000} at {best.Levers[0]}, the smallest value on a grid of {Steps:N0} steps that reaches it"));
    }

    private static async Task<(SeekPoint, SeekLimit, string)> Frontier(IReadOnlyList<LeverDefinition> levers, double[] start, SeekPoint startPoint,
        double goal, double? budget, Func<double[], Task<SeekPoint>> eval)
    {
        // Each lever's levels: 10 steps of its range and its scenario value.
        var levels = levers.Select((l, i) =>
        {
            var grid = Enumerable.Range(0, FrontierSteps + 1).Select(k => Level(l, k, FrontierSteps)).ToList();
            var near = grid.MinBy(v => Math.Abs(v - start[i]));
            if (Math.Abs(near - start[i]) <= 1e-9 * (l.Max - l.Min))
            {
                start[i] = near; // 0.30000000000000004 is the 0.3 of the grid, not a level of its own
            }

            return grid.Append(start[i]).Distinct().Order().ToArray();
        }).ToArray();
        var at = levers.Select((_, i) => Array.IndexOf(levels[i], start[i])).ToArray();
        var current = startPoint;
        var overBudget = false;
        if (current.Probability >= goal)
        {
            // Already there: walk down, each move the one that saves the most per probability given up, while the goal holds.
            while (true)
            {
                (SeekPoint Point, int Lever, double Score)? pick = null;
                for (var i = 0; i < levers.Count; i++)
                {
                    if (at[i] == 0)
                    {
                        continue;
                    }

                    var point = await eval(Values(levels, at, i, -1));
                    var saving = current.Cost - point.Cost;
                    var loss = current.Probability - point.Probability;
                    var score = loss <= 0 ? double.PositiveInfinity : saving / loss;
                    if (point.Probability >= goal && saving >= 0 && (pick is null || score > pick.Value.Score))
                    {
                        pick = (point, i, score);
                    }
                }

                if (pick is not { } chosen)
                {
                    break;
                }

                at[chosen.Lever]--;
                current = chosen.Point;
            }

            return Done(current, goal, budget);
        }

        while (current.Probability < goal)
        {
            (SeekPoint Point, int Lever, double Score)? pick = null;
            (SeekPoint Point, int Lever)? flat = null; // the cheapest move that gains nothing (P counts trials: a step can be flat)
            for (var i = 0; i < levers.Count; i++)
            {
                if (at[i] == levels[i].Length - 1)
                {
                    continue;
                }

                var point = await eval(Values(levels, at, i, +1));
                var gain = point.Probability - current.Probability;
                var extra = point.Cost - current.Cost;
                if (budget is { } b && point.Cost > b)
                {
                    overBudget |= gain > 0;
                    continue;
                }

                if (gain <= 0)
                {
                    if (gain == 0 && (flat is null || point.Cost < flat.Value.Point.Cost))
                    {
                        flat = (point, i);
                    }

                    continue;
                }

                var score = extra <= 0 ? double.PositiveInfinity : gain / extra;
                if (pick is null || score > pick.Value.Score)
                {
                    pick = (point, i, score);
                }
            }

            // Past a flat step: move on over it (each lever only moves up, so the walk ends).
            if (pick is null && flat is { } f)
            {
                pick = (f.Point, f.Lever, 0);
            }

            if (pick is not { } chosen)
            {
                var allTop = at.Select((a, i) => a == levels[i].Length - 1).All(x => x);
                var (limit, why) = overBudget ? (SeekLimit.Budget, Say($"the budget: every move that raises P further costs more than {budget:R} M yuan a year"))
                    : allTop ? (SeekLimit.Range, "the allowed ranges: every named lever is at its maximum")
                    : (SeekLimit.Model, "no named lever raises P any further within its range: what holds this target back is not these levers");
                return (current, limit, Say($"{why}; best reached P = {current.Probability:0.000} < {goal:0.000}"));
            }

            var previous = at[chosen.Lever];
            at[chosen.Lever]++;
            current = chosen.Point;
            if (current.Probability >= goal)
            {
                // Bisection of the last move on a finer grid, for the smallest step of that lever that still reaches the goal.
                var (lo, hi) = (levels[chosen.Lever][previous], levels[chosen.Lever][at[chosen.Lever]]);
                var (a, z) = (0, 100);
                while (z - a > 1)
                {
                    var mid = (a + z) / 2;
                    var values = Values(levels, at, chosen.Lever, 0);
                    values[chosen.Lever] = lo + ((hi - lo) * mid / 100);
                    var point = await eval(values);
                    if (point.Probability >= goal)
                    {
                        (z, current) = (mid, point);
                    }
                    else
                    {
                        a = mid;
                    }
                }
            }
        }

        return Done(current, goal, budget);
    }

    private static (SeekPoint, SeekLimit, string) Done(SeekPoint point, double goal, double? budget) =>
        budget is { } b && point.Cost > b
            ? (point, SeekLimit.Budget, Say($"the budget: the cheapest setting found that reaches the goal costs {point.Cost:0.##} M yuan a year > {b:R}"))
            : (point, SeekLimit.None, Say($"P = {point.Probability:0.000} >= {goal:0.000} at {string.Join(", ", point.Levers)}"));

    private static double[] Values(double[][] levels, int[] at, int lever, int move) =>
        at.Select((a, i) => levels[i][i == lever ? a + move : a]).ToArray();

    private static string Say(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
