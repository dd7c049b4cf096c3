namespace Forecast.Statistics;

/// <summary>
/// Proper scores of a forecast against what happened: CRPS and the probability integral transform
/// of an indicator's predictive distribution (given as its percentiles P1..P99), and the Brier and
/// logarithmic scores of a target's probability.
/// </summary>
public static class Scoring
{
    /// <summary>
    /// CRPS from quantiles: twice the mean quantile (pinball) loss over the levels k / (K + 1),
    /// k = 1..K (Gneiting and Raftery 2007, JASA 102:359-378, eq. 22; Laio and Tamea 2007). With
    /// the 99 percentiles it is within about 1% of the exact CRPS of a smooth distribution.
    /// </summary>
    public static double Crps(IReadOnlyList<double> quantiles, double actual)
    {
        if (quantiles.Count == 0)
        {
            throw new ArgumentException("no quantiles to score", nameof(quantiles));
        }

        var k = quantiles.Count;
        double sum = 0;
        for (var i = 0; i < k; i++)
        {
            var tau = (i + 1.0) / (k + 1);
            var q = quantiles[i];
            sum += ((actual < q ? 1 : 0) - tau) * (q - actual);
        }

        return 2 * sum / k;
    }

    /// <summary>
    /// The predictive CDF at <paramref name="actual"/>, interpolated linearly between the quantiles
    /// k / (K + 1); below the first or above the last it is 0 or 1 (the tails beyond P1 and P99 are
    /// not resolved). Ties (a flat stretch of quantiles) take the middle of their levels.
    /// </summary>
    public static double Pit(IReadOnlyList<double> quantiles, double actual)
    {
        var k = quantiles.Count;
        double Level(int i) => (i + 1.0) / (k + 1);
        if (actual < quantiles[0])
        {
            return 0;
        }

        if (actual > quantiles[k - 1])
        {
            return 1;
        }

        var first = -1;
        var last = -1;
        for (var i = 0; i < k; i++)
        {
            if (quantiles[i] == actual)
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        if (first >= 0)
        {
            return (Level(first) + Level(last)) / 2;
        }

        for (var i = 0; i + 1 < k; i++)
        {
            if (actual > quantiles[i] && actual < quantiles[i + 1])
            {
                return Level(i) + ((Level(i + 1) - Level(i)) * (actual - quantiles[i]) / (quantiles[i + 1] - quantiles[i]));
            }
        }

        return double.NaN; // unreachable for sorted quantiles
    }

    /// <summary>The Brier score: (p - o)^2, o = 1 when the target was met.</summary>
    public static double Brier(double probability, bool met) => Math.Pow(probability - (met ? 1 : 0), 2);

    /// <summary>
    /// The logarithmic score, -ln of the probability given to what happened. A Monte Carlo estimate
    /// of 0 or 1 from n trials is first moved to 0.5 / n from the edge (a trial count cannot show a
    /// probability below that), so a miss scores a large finite penalty, not infinity.
    /// </summary>
    public static double Log(double probability, bool met, int trials)
    {
        var floor = 0.5 / Math.Max(1, trials);
        var p = Math.Clamp(probability, floor, 1 - floor);
        return -Math.Log(met ? p : 1 - p);
    }
}
