using Forecast.Model;
using Forecast.Simulation;
using Forecast.Statistics;

namespace Forecast.Running;

/// <summary>
/// The stopping rule of an adaptive run (a <see cref="RunPlan"/> with a precision p): stop once every target's
/// probability and every year's joint probability (all of that year's targets met) has a 95% Wilson
/// interval of half-width (hi - lo) / 2 at most p. The rule is checked only at batch boundaries and
/// trials are keyed by index, so an adaptive run that stops at N trials gives exactly the results of
/// a fixed run of N trials.
/// </summary>
public static class AdaptiveStopping
{
    /// <summary>The largest precision allowed: a Wilson half-width never exceeds 0.5.</summary>
    public const double MaxPrecision = 0.5;

    /// <summary>Throws unless <paramref name="precision"/> is in (0, 0.5].</summary>
    public static void Validate(double precision)
    {
        if (!(precision is > 0 and <= MaxPrecision))
        {
            throw new PlanOutOfRangeException(nameof(RunPlan.Precision), precision, "a 95% interval half-width in (0, 0.5], for example 0.01");
        }
    }

    /// <summary>Half-width (hi - lo) / 2 of the 95% Wilson interval of <paramref name="met"/> successes in <paramref name="n"/>.</summary>
    public static double HalfWidth(long met, long n)
    {
        var (lo, hi) = Intervals.Wilson(met, n);
        return (hi - lo) / 2;
    }

    /// <summary>The widest target or joint half-width over the first <paramref name="n"/> trials of <paramref name="table"/>.</summary>
    public static double WidestHalfWidth(SimulationModel model, TrialTable table, int n)
    {
        var tally = new PrecisionTally(model);
        tally.Add(table, 0, n);
        return tally.WidestHalfWidth;
    }

    /// <summary>True when every target and joint half-width over the first <paramref name="n"/> trials is at most <paramref name="precision"/>.</summary>
    public static bool IsPrecise(SimulationModel model, TrialTable table, int n, double precision)
    {
        Validate(precision);
        return WidestHalfWidth(model, table, n) <= precision;
    }

    /// <summary>
    /// A guess at the trials an adaptive run will take, for progress only: half-widths shrink about
    /// as 1/sqrt(n), so n (w/p)^2; before any trial, the worst case (a probability of one half),
    /// z^2 / (4 p^2); at least n (and 1) and at most <paramref name="maxTrials"/>.
    /// </summary>
    public static int EstimateTrials(int n, double widest, double precision, int maxTrials)
    {
        if (n > 0 && widest <= precision)
        {
            return n;
        }

        var estimate = n <= 0
            ? Intervals.Z95 * Intervals.Z95 / (4 * precision * precision)
            : n * (widest / precision) * (widest / precision);
        return (int)Math.Clamp(Math.Ceiling(estimate), Math.Max(n, 1), Math.Max(Math.Max(n, 1), maxTrials));
    }
}

/// <summary>
/// Running counts of trials meeting each target and each year's targets jointly, added batch by
/// batch in trial order, so the stopping rule costs O(batch) per check rather than O(trials so far).
/// Met as <see cref="MetRule"/> says.
/// </summary>
public sealed class PrecisionTally
{
    private readonly TargetDefinition[] _targets;
    private readonly TargetDefinition[][] _years;
    private readonly long[] _met;
    private readonly long[] _jointMet;

    public PrecisionTally(SimulationModel model)
    {
        _targets = model.Targets.ToArray();
        _years = _targets.GroupBy(t => t.Year).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        _met = new long[_targets.Length];
        _jointMet = new long[_years.Length];
    }

    /// <summary>Trials tallied so far.</summary>
    public long Trials { get; private set; }

    /// <summary>Adds trials [first, first + count) of <paramref name="table"/>.</summary>
    public void Add(TrialTable table, int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (first + count > table.Trials)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"trials [{first}, {first + count}) are not all in a table of {table.Trials}");
        }

        for (var i = 0; i < _targets.Length; i++)
        {
            var t = _targets[i];
            _met[i] += MetRule.Count(table.Series(t.Indicator, t.Year).Slice(first, count), t.Threshold);
        }

        for (var y = 0; y < _years.Length; y++)
        {
            _jointMet[y] += MetRule.Count(MetRule.JointBits(table, _years[y], first, count));
        }

        Trials += count;
    }

    /// <summary>Adds every trial of a batch's table.</summary>
    public void Add(TrialTable batch) => Add(batch, 0, batch.Trials);

    /// <summary>The widest half-width over every target and every year's joint probability (0.5 with no trials; 0 with no targets).</summary>
    public double WidestHalfWidth
    {
        get
        {
            double widest = 0;
            foreach (var met in _met.Concat(_jointMet))
            {
                widest = Math.Max(widest, AdaptiveStopping.HalfWidth(met, Trials));
            }

            return widest;
        }
    }
}
