using Forecast.Simulation;
using Forecast.Statistics;

namespace Forecast.Studies;

/// <summary>What happened: an indicator's value in a year, with where it was published.</summary>
public sealed record Actual(string Id, int Year, double Value, string Source);

/// <summary>What a forecast said about an indicator in a year: its 90% band and percentiles P1..P99.</summary>
public sealed record PredictiveIndicator(string Id, int Year, double P5, double P95, IReadOnlyList<double> Percentiles);

/// <summary>What a forecast said about a target.</summary>
public sealed record PredictiveTarget(string Id, string Indicator, int Year, double Threshold, double Probability, int Trials);

/// <summary>The parts of forecast.json a score needs.</summary>
public sealed record ForecastSnapshot(IReadOnlyList<PredictiveTarget> Targets, IReadOnlyList<PredictiveIndicator> Indicators);

public sealed record IndicatorScore(string Id, int Year, double Actual, double Pit, bool Inside90, double Crps, string Source);

public sealed record TargetScore(string Id, bool Met, double Probability, double Brier, double Log);

public sealed record ScoreResult(IReadOnlyList<IndicatorScore> Indicators, IReadOnlyList<TargetScore> Targets, IReadOnlyList<Actual> Unmatched)
{
    public const string Notes =
        "crps: twice the mean quantile loss over P1..P99 (Gneiting and Raftery 2007), in the indicator's unit; pit: the predictive CDF at the actual, "
        + "interpolated between percentiles (0 or 1 beyond P1 or P99); inside90: P5 <= actual <= P95; brier: (p - met)^2; "
        + "log: -ln of the probability given to what happened, p kept 0.5/trials from 0 and 1";

    public double MeanBrier => Targets.Count == 0 ? double.NaN : Targets.Average(t => t.Brier);

    public double Coverage90 => Indicators.Count == 0 ? double.NaN : Indicators.Count(i => i.Inside90) / (double)Indicators.Count;
}

/// <summary>Scores a forecast against actuals: every actual against its indicator's fan, every target whose indicator and year have an actual.</summary>
public static class ScoreStudy
{
    /// <summary>What a finalised forecast says, as a score reads it from forecast.json.</summary>
    public static ForecastSnapshot Snapshot(ForecastResult r) => new(
        r.Targets.Select(t => new PredictiveTarget(t.Id, t.Indicator, t.Year, t.Threshold, t.Probability, t.Trials)).ToList(),
        r.Indicators.Select(i => new PredictiveIndicator(i.Id, i.Year, i.Summary.P5, i.Summary.P95, i.Percentiles)).ToList());

    public static ScoreResult Score(ForecastSnapshot forecast, IReadOnlyList<Actual> actuals)
    {
        var fans = forecast.Indicators.ToDictionary(i => (i.Id, i.Year));
        var byKey = new Dictionary<(string, int), Actual>();
        foreach (var a in actuals)
        {
            if (!byKey.TryAdd((a.Id, a.Year), a))
            {
                throw new ArgumentException($"two actuals for {a.Id} in {a.Year}");
            }
        }

        var indicators = new List<IndicatorScore>();
        var unmatched = new List<Actual>();
        foreach (var a in actuals)
        {
            if (!fans.TryGetValue((a.Id, a.Year), out var fan))
            {
                unmatched.Add(a);
                continue;
            }

            indicators.Add(new IndicatorScore(a.Id, a.Year, a.Value, Scoring.Pit(fan.Percentiles, a.Value), a.Value >= fan.P5 && a.Value <= fan.P95,
                Scoring.Crps(fan.Percentiles, a.Value), a.Source));
        }

        var targets = forecast.Targets.Where(t => byKey.ContainsKey((t.Indicator, t.Year))).Select(t =>
        {
            var met = MetRule.IsMet(byKey[(t.Indicator, t.Year)].Value, t.Threshold);
            return new TargetScore(t.Id, met, t.Probability, Scoring.Brier(t.Probability, met), Scoring.Log(t.Probability, met, t.Trials));
        }).ToList();
        return new ScoreResult(indicators, targets, unmatched);
    }
}
