using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Forecast.Engines;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;
using Forecast.Statistics;
using Forecast.Studies;
using MathNet.Numerics.Statistics;

namespace Forecast.Benchmarks;

/// <summary>
/// Finalising a 10,000-trial run: <see cref="Finaliser.Statistics"/> (buckets and selection for the
/// R-7 quantiles P5..P95 and the percentiles P1..P99, two-pass mean and sd, histogram, target counts,
/// joint probabilities) over every indicator and year, against a sort-based path computing the same
/// (the baseline): per series a copy, Array.Sort, MathNet SortedArrayStatistics.QuantileCustom(R7)
/// for P5..P95 and P1..P99, ArrayStatistics.MeanStandardDeviation and the histogram, then the same
/// target counts and joint probabilities. Goal: at least 20x faster. The drivers (a forecast's other
/// part of finalising) are not in either: they have no sort-based counterpart; e2e.sh times them with the rest.
/// The table is filled with plausible values: per series, normal draws with the mean and sd of a
/// real 200-trial run (rounded where the real series is integer, so ties occur as in a run).
/// </summary>
[MemoryDiagnoser]
public class FinaliseBenchmarks
{
    public const int Trials = 10_000;

    private SimulationModel _model = null!;
    private TrialTable _table = null!;
    private readonly List<double[]> _percentiles = [];

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchModels.Get(1);
        _table = PlausibleTable(_model, Trials);

        // The two paths must agree (both R-7), or the comparison means nothing.
        var a = Finaliser.Statistics(_model, _table).Indicators;
        var b = SortBased();
        for (var i = 0; i < a.Count; i++)
        {
            var x = a[i].Summary;
            var y = b[i];
            if (!Close(x.P5, y.P5) || !Close(x.P50, y.P50) || !Close(x.P95, y.P95) || !Close(x.Mean, y.Mean) || !Close(x.StdDev, y.StdDev)
                || !a[i].Percentiles.SequenceEqual(_percentiles[i]))
            {
                throw new InvalidOperationException($"sort-based and selection statistics differ on series {i}: {x} vs {y}");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "sort-based (Array.Sort + MathNet R7, P5..P95 and P1..P99)")]
    public List<SeriesSummary> SortBased()
    {
        var n = _table.Trials;
        var result = new List<SeriesSummary>();
        _percentiles.Clear();
        for (var i = 0; i < Indicators.Count; i++)
        {
            for (var y = _model.FirstYear; y <= _model.LastYear; y++)
            {
                var sorted = _table.Series((Indicator)i, y).ToArray();
                Array.Sort(sorted);
                var (mean, sd) = ArrayStatistics.MeanStandardDeviation(sorted);
                double Q(double p) => SortedArrayStatistics.QuantileCustom(sorted, p, QuantileDefinition.R7);
                var min = sorted[0];
                var max = sorted[^1];
                var counts = new int[Summaries.HistogramBins];
                var width = max - min;
                foreach (var x in sorted)
                {
                    var bin = width > 0 ? (int)((x - min) / width * Summaries.HistogramBins) : 0;
                    counts[Math.Clamp(bin, 0, Summaries.HistogramBins - 1)]++;
                }

                _percentiles.Add(Enumerable.Range(1, 99).Select(k => Q(k / 100.0)).ToArray());
                result.Add(new SeriesSummary(n, mean, sd, sd / Math.Sqrt(n), Q(0.05), Q(0.25), Q(0.50), Q(0.75), Q(0.95),
                    new Forecast.Statistics.Histogram(min, max, ImmutableArray.Create(counts))));
            }
        }

        // Targets and joint probabilities, with plain per-trial loops.
        foreach (var t in _model.Targets)
        {
            var series = _table.Series(t.Indicator, t.Year);
            var met = 0;
            foreach (var v in series)
            {
                met += v >= t.Threshold ? 1 : 0;
            }

            _ = Intervals.Wilson(met, n);
        }

        foreach (var group in _model.Targets.GroupBy(t => t.Year))
        {
            var all = new bool[n];
            Array.Fill(all, true);
            foreach (var t in group)
            {
                var series = _table.Series(t.Indicator, t.Year);
                for (var k = 0; k < n; k++)
                {
                    all[k] &= series[k] >= t.Threshold;
                }
            }

            _ = Intervals.Wilson(all.Count(m => m), n);
        }

        return result;
    }

    [Benchmark(Description = "Finaliser.Statistics (buckets and selection)")]
    public object Summarise() => Finaliser.Statistics(_model, _table);

    public static TrialTable PlausibleTable(SimulationModel model, int trials)
    {
        var real = LocalEngine.Simulate(model, new RunPlan(BenchModels.Seed, 200)).Table;
        var table = new TrialTable(model.FirstYear, model.Years, trials);
        var random = new System.Random(7);
        for (var i = 0; i < Indicators.Count; i++)
        {
            for (var y = model.FirstYear; y <= model.LastYear; y++)
            {
                var sample = real.Series((Indicator)i, y).ToArray();
                var (mean, sd) = ArrayStatistics.MeanStandardDeviation(sample);
                var integer = sample.All(v => v == Math.Round(v));
                var series = table.Series((Indicator)i, y);
                for (var t = 0; t < trials; t++)
                {
                    // Box-Muller.
                    var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                    var v = mean + (sd * z);
                    series[t] = integer ? Math.Round(v) : v;
                }
            }
        }

        return table;
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));
}
