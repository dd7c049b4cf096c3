using System.Collections.Immutable;

namespace Forecast.Statistics;

/// <summary>
/// 20 equal-width bins over [Min, Max]: bin = floor((x - Min) x (20 / (Max - Min))); a value equal to
/// Max goes into the last bin, and when Min == Max every value is in bin 0.
/// </summary>
public sealed record Histogram(double Min, double Max, ImmutableArray<int> Counts);

public sealed record SeriesSummary(
    int Count, double Mean, double StdDev, double StandardError,
    double P5, double P25, double P50, double P75, double P95, Histogram Histogram);
