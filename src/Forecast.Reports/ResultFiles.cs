using System.Globalization;
using System.Text;
using System.Text.Json;
using Forecast.Studies;

namespace Forecast.Reports;

/// <summary>
/// The result files of studies. forecast.json holds results only (no times, hosts or dates), in a
/// fixed field order with shortest round-trip numbers, so identical inputs give identical bytes.
/// Files are committed together by <see cref="OutputFolder.Commit"/>.
/// </summary>
public static class ResultFiles
{
    public const string ForecastFile = "forecast.json";
    public const string CompareFile = "compare.json";

    public static IReadOnlyList<string> WriteForecast(string dir, ForecastResult r) =>
        OutputFolder.Commit(dir, new Dictionary<string, string>
        {
            [ForecastFile] = ForecastJson(r),
            ["targets.csv"] = TargetsCsv(r),
            ["indicators.csv"] = IndicatorsCsv(r),
        });

    public static IReadOnlyList<string> WriteComparison(string dir, ComparisonResult r) =>
        OutputFolder.Commit(dir, new Dictionary<string, string>
        {
            [CompareFile] = CompareJson(r),
            ["compare.csv"] = CompareCsv(r),
        });

    public static string ForecastJson(ForecastResult r) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("seed", r.Seed);
        w.WriteNumber("trials", r.Trials);
        WriteScenario(w, "scenario", r.Scenario);
        w.WriteString("quantile-definition", ForecastResult.QuantileDefinition);
        Objects(w, "targets", r.Targets, t =>
        {
            w.WriteString("id", t.Id);
            w.WriteString("indicator", t.Indicator);
            w.WriteNumber("year", t.Year);
            Number(w, "threshold", t.Threshold);
            Number(w, "probability", t.Probability);
            Interval(w, t.Lo, t.Hi);
            w.WriteNumber("met", t.Met);
            if (t.Owner is { } owner)
            {
                w.WriteString("owner", owner);
            }
        });
        Objects(w, "joint", r.Joint, j =>
        {
            w.WriteNumber("year", j.Year);
            w.WriteStartArray("targets");
            foreach (var id in j.Targets)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
            Number(w, "probability", j.Probability);
            Interval(w, j.Lo, j.Hi);
        });
        Objects(w, "indicators", r.Indicators, i =>
        {
            var s = i.Summary;
            w.WriteString("id", i.Id);
            w.WriteString("unit", i.Unit);
            w.WriteNumber("year", i.Year);
            Number(w, "mean", s.Mean);
            Number(w, "sd", s.StdDev);
            Number(w, "se", s.StandardError);
            Number(w, "p5", s.P5);
            Number(w, "p25", s.P25);
            Number(w, "p50", s.P50);
            Number(w, "p75", s.P75);
            Number(w, "p95", s.P95);
            w.WriteStartObject("histogram");
            Number(w, "min", s.Histogram.Min);
            Number(w, "max", s.Histogram.Max);
            Numbers(w, "counts", s.Histogram.Counts.Select(c => (double)c));
            w.WriteEndObject();
            Numbers(w, "percentiles", i.Percentiles);
        });
        if (r.Observed is { Count: > 0 } observed)
        {
            // The calibration's facts: what the calibration year really was, beside the simulated fans.
            Objects(w, "observed", observed, o =>
            {
                w.WriteString("fact", o.Fact);
                w.WriteString("indicator", o.Indicator);
                w.WriteNumber("year", o.Year);
                Number(w, "value", o.Value);
            });
        }

        Drivers(w, r.Drivers);
        w.WriteEndObject();
    });

    /// <summary>drivers-method, then per target its inputs' first-order shares (forecast.json, sensitivity.json).</summary>
    internal static void Drivers(Utf8JsonWriter w, IReadOnlyList<TargetDrivers> drivers)
    {
        w.WriteString("drivers-method", Statistics.Sensitivity.Method);
        Objects(w, "drivers", drivers, d =>
        {
            w.WriteString("target", d.Target);
            Objects(w, "inputs", d.Inputs, x =>
            {
                w.WriteString("id", x.Input);
                Number(w, "share", x.Share);
                Interval(w, x.Lo, x.Hi, "ci90");
            });
        });
    }

    public static string CompareJson(ComparisonResult r) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("seed", r.Seed);
        w.WriteNumber("trials", r.Trials);
        w.WriteString("pairing", "common random numbers: trial k of both scenarios uses the same draws");
        WriteScenario(w, "base", r.Base);
        WriteScenario(w, "other", r.Other);
        foreach (var (name, list) in new[] { ("targets", r.Targets), ("joint", r.Joint) })
        {
            Objects(w, name, list, t =>
            {
                w.WriteString("id", t.Id);
                w.WriteNumber("year", t.Year);
                Number(w, "base-threshold", t.BaseThreshold);
                Number(w, "other-threshold", t.OtherThreshold);
                Number(w, "base-probability", t.BaseProbability);
                Number(w, "other-probability", t.OtherProbability);
                Number(w, "difference", t.Difference.Mean);
                Interval(w, t.Difference.Lo, t.Difference.Hi);
            });
        }

        Objects(w, "policy-cost", r.Cost, c =>
        {
            w.WriteNumber("year", c.Year);
            w.WriteString("unit", "M yuan");
            Number(w, "base", c.BaseMean);
            Number(w, "other", c.OtherMean);
            Number(w, "difference", c.Difference.Mean);
            Interval(w, c.Difference.Lo, c.Difference.Hi);
        });
        w.WriteEndObject();
    });

    /// <summary>A list of objects named <paramref name="name"/>: one object per item, its fields written by <paramref name="fields"/>.</summary>
    internal static void Objects<T>(Utf8JsonWriter w, string name, IEnumerable<T> items, Action<T> fields)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            fields(item);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            NumberValue(w, v);
        }

        w.WriteEndArray();
    }

    private static string TargetsCsv(ForecastResult r)
    {
        var sb = new StringBuilder("id,indicator,year,threshold,probability,ci95_lo,ci95_hi,met,trials\n");
        foreach (var t in r.Targets)
        {
            sb.AppendLine(string.Join(',', t.Id, t.Indicator, I(t.Year), D(t.Threshold), D(t.Probability), D(t.Lo), D(t.Hi), I(t.Met), I(t.Trials)));
        }

        foreach (var j in r.Joint)
        {
            sb.AppendLine(string.Join(',', $"all-{j.Year}", "joint", I(j.Year), string.Empty, D(j.Probability), D(j.Lo), D(j.Hi), I(j.Met), I(r.Trials)));
        }

        return sb.ToString();
    }

    private static string IndicatorsCsv(ForecastResult r)
    {
        var sb = new StringBuilder("id,unit,year,mean,sd,se,p5,p25,p50,p75,p95\n");
        foreach (var i in r.Indicators)
        {
            var s = i.Summary;
            sb.AppendLine(string.Join(',', i.Id, Quote(i.Unit), I(i.Year), D(s.Mean), D(s.StdDev), D(s.StandardError),
                D(s.P5), D(s.P25), D(s.P50), D(s.P75), D(s.P95)));
        }

        return sb.ToString();
    }

    private static string CompareCsv(ComparisonResult r)
    {
        var sb = new StringBuilder("id,year,base_threshold,other_threshold,base_probability,other_probability,difference,ci95_lo,ci95_hi\n");
        foreach (var t in r.Targets.Concat(r.Joint))
        {
            sb.AppendLine(string.Join(',', t.Id, I(t.Year), D(t.BaseThreshold), D(t.OtherThreshold), D(t.BaseProbability),
                D(t.OtherProbability), D(t.Difference.Mean), D(t.Difference.Lo), D(t.Difference.Hi)));
        }

        foreach (var c in r.Cost)
        {
            sb.AppendLine(string.Join(',', "policy-cost-m-yuan", I(c.Year), string.Empty, string.Empty, D(c.BaseMean), D(c.OtherMean),
                D(c.Difference.Mean), D(c.Difference.Lo), D(c.Difference.Hi)));
        }

        return sb.ToString();
    }

    private static void WriteScenario(Utf8JsonWriter w, string name, ScenarioInfo s)
    {
        w.WriteStartObject(name);
        w.WriteString("name", s.Name);
        w.WriteStartObject("levers");
        foreach (var (id, value) in s.Levers)
        {
            Number(w, id, value);
        }

        w.WriteEndObject();
        if (s.From.Count > 0)
        {
            w.WriteStartObject("lever-from");
            foreach (var (id, year) in s.From)
            {
                w.WriteNumber(id, year);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    internal static void Interval(Utf8JsonWriter w, double lo, double hi, string name = "ci95")
    {
        w.WriteStartArray(name);
        NumberValue(w, lo);
        NumberValue(w, hi);
        w.WriteEndArray();
    }

    internal static void Number(Utf8JsonWriter w, string name, double v)
    {
        w.WritePropertyName(name);
        NumberValue(w, v);
    }

    private static void NumberValue(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v))
        {
            w.WriteNumberValue(v);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    internal static string Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        // Relaxed escaping: these are files for people and tools, not HTML, so "numpy's" stays readable.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(w);
        }

        return Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    private static string D(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.Contains(',') || s.Contains(' ') ? $"\"{s}\"" : s;
}
