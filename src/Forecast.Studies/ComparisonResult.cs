using Forecast.Model;
using Forecast.Simulation;
using Forecast.Statistics;

namespace Forecast.Studies;

public sealed record TargetComparison(
    string Id, int Year, double BaseThreshold, double OtherThreshold, double BaseProbability, double OtherProbability, PairedDifference Difference);

public sealed record CostComparison(int Year, double BaseMean, double OtherMean, PairedDifference Difference);

/// <summary>
/// A what-if: two scenarios run on common random numbers (the same seed, so trial k of both
/// draws the same numbers), compared trial by trial. The interval is on the paired difference.
/// </summary>
public sealed record ComparisonResult(
    ulong Seed,
    int Trials,
    ScenarioInfo Base,
    ScenarioInfo Other,
    IReadOnlyList<TargetComparison> Targets,
    IReadOnlyList<TargetComparison> Joint,
    IReadOnlyList<CostComparison> Cost)
{
    public static ComparisonResult Compare(SimulationModel baseModel, TrialTable a, SimulationModel otherModel, TrialTable b, ulong seed)
    {
        if (a.Trials != b.Trials)
        {
            throw new ArgumentException("paired comparison needs the same number of trials");
        }

        var targets = new List<TargetComparison>();
        foreach (var ta in baseModel.Targets)
        {
            var tb = otherModel.Targets.First(t => t.Id == ta.Id);
            targets.Add(Pair(ta.Id, ta.Year, ta.Threshold, tb.Threshold,
                MetRule.ZeroOne(MetRule.Bits(a.Series(ta.Indicator, ta.Year), ta.Threshold), a.Trials),
                MetRule.ZeroOne(MetRule.Bits(b.Series(tb.Indicator, tb.Year), tb.Threshold), b.Trials)));
        }

        var joint = baseModel.Targets.Select(t => t.Year).Distinct().Order().Select(year =>
        {
            var ja = MetRule.ZeroOne(MetRule.JointBits(a, baseModel.Targets.Where(t => t.Year == year).ToList()), a.Trials);
            var jb = MetRule.ZeroOne(MetRule.JointBits(b, otherModel.Targets.Where(t => t.Year == year).ToList()), b.Trials);
            return Pair($"all-{year}", year, double.NaN, double.NaN, ja, jb);
        }).ToList();

        var cost = Enumerable.Range(baseModel.FirstYear, baseModel.Years).Select(year =>
        {
            var ca = a.Series(Indicator.PolicyCost, year);
            var cb = b.Series(Indicator.PolicyCost, year);
            return new CostComparison(year, Mean(ca), Mean(cb), Intervals.Paired(ca, cb));
        }).ToList();

        return new ComparisonResult(seed, a.Trials, Finaliser.Scenario(baseModel.Parameters), Finaliser.Scenario(otherModel.Parameters),
            targets, joint, cost);
    }

    private static TargetComparison Pair(string id, int year, double thresholdA, double thresholdB, double[] a, double[] b) =>
        new(id, year, thresholdA, thresholdB, Mean(a), Mean(b), Intervals.Paired(a, b));

    private static double Mean(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (var x in v)
        {
            s += x;
        }

        return s / v.Length;
    }
}
