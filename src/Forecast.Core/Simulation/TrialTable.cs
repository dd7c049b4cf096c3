using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// Per-trial indicator values of a run: one double per (year, indicator, trial), trials contiguous.
/// This is the only per-trial store of a run (a few MB at 10,000 trials); no agent x trial data.
/// </summary>
public sealed class TrialTable
{
    public TrialTable(int firstYear, int years, int trials)
    {
        FirstYear = firstYear;
        Years = years;
        Trials = trials;
        Values = new double[years * Indicators.Count * trials];
    }

    public int FirstYear { get; }

    public int Years { get; }

    public int Trials { get; }

    public double[] Values { get; }

    public Span<double> Series(Indicator indicator, int year) =>
        Values.AsSpan((((year - FirstYear) * Indicators.Count) + (int)indicator) * Trials, Trials);

    public void Set(Indicator indicator, int year, int trial, double value) =>
        Values[((((year - FirstYear) * Indicators.Count) + (int)indicator) * Trials) + trial] = value;

    /// <summary>Copies a batch's table into trials [firstTrial, firstTrial + batch.Trials).</summary>
    public void CopyFrom(TrialTable batch, int firstTrial)
    {
        for (var y = 0; y < Years; y++)
        {
            for (var i = 0; i < Indicators.Count; i++)
            {
                batch.Series((Indicator)i, FirstYear + y).CopyTo(Series((Indicator)i, FirstYear + y)[firstTrial..]);
            }
        }
    }

    /// <summary>Trials [0, total) of a run assembled from consecutive batch tables (batch k holding trials from its offset on).</summary>
    public static TrialTable Concatenate(int firstYear, int years, IReadOnlyList<TrialTable> batches)
    {
        var table = new TrialTable(firstYear, years, batches.Sum(b => b.Trials));
        var first = 0;
        foreach (var batch in batches)
        {
            table.CopyFrom(batch, first);
            first += batch.Trials;
        }

        return table;
    }
}
