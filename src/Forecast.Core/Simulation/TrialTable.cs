using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// Per-trial values of a run: one double per (year, indicator, trial), trials contiguous, then one
/// per (recorded input, trial): the uncertain inputs the trial drew, for driver analysis. This is
/// the only per-trial store of a run (a few MB at 10,000 trials); no agent x trial data.
/// </summary>
public sealed class TrialTable
{
    public TrialTable(int firstYear, int years, int trials, int inputs = 0)
    {
        FirstYear = firstYear;
        Years = years;
        Trials = trials;
        Inputs = inputs;
        Values = new double[((years * Indicators.Count) + inputs) * trials];
    }

    public int FirstYear { get; }

    public int Years { get; }

    public int Trials { get; }

    /// <summary>Recorded inputs per trial (after the indicators).</summary>
    public int Inputs { get; }

    public double[] Values { get; }

    public Span<double> Series(Indicator indicator, int year) =>
        Values.AsSpan((((year - FirstYear) * Indicators.Count) + (int)indicator) * Trials, Trials);

    public void Set(Indicator indicator, int year, int trial, double value) =>
        Values[((((year - FirstYear) * Indicators.Count) + (int)indicator) * Trials) + trial] = value;

    /// <summary>Recorded input <paramref name="input"/> of every trial.</summary>
    public Span<double> Input(int input) => Values.AsSpan(((Years * Indicators.Count) + input) * Trials, Trials);

    /// <summary>Copies a batch's table into trials [firstTrial, firstTrial + batch.Trials).</summary>
    public void CopyFrom(TrialTable batch, int firstTrial)
    {
        if (batch.Years != Years || batch.Inputs != Inputs || batch.FirstYear != FirstYear)
        {
            throw new ArgumentException("the batch's years or inputs differ from the table's", nameof(batch));
        }

        var series = (Years * Indicators.Count) + Inputs;
        for (var k = 0; k < series; k++)
        {
            batch.Values.AsSpan(k * batch.Trials, batch.Trials).CopyTo(Values.AsSpan((k * Trials) + firstTrial, batch.Trials));
        }
    }

    /// <summary>Trials [0, total) of a run assembled from consecutive batch tables (batch k holding trials from its offset on).</summary>
    public static TrialTable Concatenate(IReadOnlyList<TrialTable> batches)
    {
        var shape = batches.Count > 0 ? batches[0] : throw new ArgumentException("no batches to put together", nameof(batches));
        var table = new TrialTable(shape.FirstYear, shape.Years, batches.Sum(b => b.Trials), shape.Inputs);
        var first = 0;
        foreach (var batch in batches)
        {
            table.CopyFrom(batch, first);
            first += batch.Trials;
        }

        return table;
    }
}
