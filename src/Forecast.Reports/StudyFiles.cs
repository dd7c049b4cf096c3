using System.Globalization;
using System.Text;
using System.Text.Json;
using Forecast.Model;
using Forecast.Statistics;
using Forecast.Studies;
using static Forecast.Reports.ResultFiles;

namespace Forecast.Reports;

/// <summary>
/// The planner studies' files: levers, sensitivity, seek, sweep, explain and risks, each as JSON (results
/// only, fixed field order, shortest round-trip numbers: the same inputs give the same bytes) and CSV.
/// </summary>
public static class StudyFiles
{
    public static IReadOnlyList<string> WriteLevers(string dir, IReadOnlyList<LeverDefinition> levers) =>
        OutputFolder.Commit(dir, new Dictionary<string, string>
        {
            ["levers.json"] = ResultFiles.Json(w =>
            {
                w.WriteStartArray();
                foreach (var l in levers)
                {
                    w.WriteStartObject();
                    w.WriteString("id", l.Id);
                    Number(w, "baseline", l.Baseline);
                    Number(w, "min", l.Min);
                    Number(w, "max", l.Max);
                    w.WriteString("unit", l.Unit);
                    w.WriteString("cost", CostRule(l));
                    w.WriteStartObject("cost-rule");
                    Number(w, "factor", l.CostFactor);
                    w.WriteString("per", Kebab(l.CostBase.ToString()));
                    w.WriteBoolean("times-value", l.CostTimesValue);
                    w.WriteEndObject();
                    w.WriteString("coupling", Kebab(l.Coupling.ToString()));
                    w.WriteString("channel", Kebab(l.Channel.ToString()));
                    w.WriteStartArray("elasticity");
                    w.WriteNumberValue(l.ElasticityLo);
                    w.WriteNumberValue(l.ElasticityHi);
                    w.WriteEndArray();
                    w.WriteString("description", l.Description);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }),
            ["levers.csv"] = Csv("id,baseline,min,max,unit,cost,coupling,channel,elasticity_lo,elasticity_hi",
                levers.Select(l => new object[] { l.Id, l.Baseline, l.Min, l.Max, l.Unit, CostRule(l), Kebab(l.Coupling.ToString()), Kebab(l.Channel.ToString()), l.ElasticityLo, l.ElasticityHi })),
        });

    /// <summary>A lever's cost rule in words: "1 x value x new-hte M yuan a year".</summary>
    public static string CostRule(LeverDefinition l) =>
        string.Create(CultureInfo.InvariantCulture, $"{l.CostFactor:R}{(l.CostTimesValue ? " x value" : string.Empty)}{(l.CostBase == CostBase.One ? string.Empty : $" x {Kebab(l.CostBase.ToString())}")} M yuan a year");

    public static IReadOnlyList<string> WriteSensitivity(string dir, SensitivityResult r) =>
        OutputFolder.Commit(dir, new Dictionary<string, string>
        {
            ["sensitivity.json"] = ResultFiles.Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("seed", r.Seed);
                w.WriteNumber("trials", r.Trials);
                w.WriteString("scenario", r.Scenario.Name);
                w.WriteString("pairing", "common random numbers: trial k of every variant uses the same draws");
                w.WriteString("cost-unit", SensitivityResult.CostUnit);
                Number(w, "base-cost", r.BaseCost);
                Objects(w, "rows", r.Rows, x =>
                {
                    w.WriteString("lever", x.Lever);
                    w.WriteString("end", x.End);
                    Number(w, "value", x.Value);
                    w.WriteString("target", x.Target);
                    w.WriteNumber("year", x.Year);
                    Number(w, "base-probability", x.BaseProbability);
                    Number(w, "probability", x.Probability);
                    Number(w, "delta", x.Delta.Mean);
                    Interval(w, x.Delta.Lo, x.Delta.Hi, "ci95");
                    Number(w, "cost_delta", x.CostDelta.Mean);
                    Interval(w, x.CostDelta.Lo, x.CostDelta.Hi, "cost_ci95");
                });
                ResultFiles.Drivers(w, r.Forecast.Drivers);
                w.WriteEndObject();
            }),
            ["sensitivity.csv"] = Csv("lever,end,value,target,year,base_probability,probability,delta,ci95_lo,ci95_hi,cost_delta,cost_ci95_lo,cost_ci95_hi",
                r.Rows.Select(x => new object[] { x.Lever, x.End, x.Value, x.Target, x.Year, x.BaseProbability, x.Probability, x.Delta.Mean, x.Delta.Lo, x.Delta.Hi, x.CostDelta.Mean, x.CostDelta.Lo, x.CostDelta.Hi })),
            [ForecastFile] = ForecastJson(r.Forecast),
        });

    public static IReadOnlyList<string> WriteSeek(string dir, SeekResult r) =>
        OutputFolder.Commit(dir, new Dictionary<string, string>
        {
            ["seek.json"] = ResultFiles.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("target", r.Target);
                Number(w, "goal", r.Goal);
                w.WriteStartObject("levers");
                foreach (var s in r.Answer.Levers)
                {
                    Number(w, s.Id, s.Value);
                }

                w.WriteEndObject();
                Number(w, "probability", r.Answer.Probability);
                Interval(w, r.Answer.Lo, r.Answer.Hi, "ci95");
                Number(w, "cost", r.Answer.Cost);
                w.WriteString("cost-unit", SensitivityResult.CostUnit);
                w.WriteBoolean("reached", r.Reached);
                w.WriteString("limit", r.Limit.ToString().ToLowerInvariant());
                w.WriteString("explanation", r.Explanation);
                Number(w, "tolerance", SeekResult.Tolerance);
                w.WriteString("tolerance-meaning", "forecast run at these levers with the same seed and trials gives this probability exactly (the same draws); with other draws expect it within the 95% interval");
                if (r.Budget is { } b)
                {
                    Number(w, "budget", b);
                }

                w.WriteNumber("seed", r.Seed);
                w.WriteNumber("trials", r.Trials);
                w.WriteString("scenario", r.Scenario);
                w.WriteString("method", r.Method);
                Point(w, "start", r.Start);
                w.WriteStartArray("path");
                foreach (var p in r.Path)
                {
                    w.WriteStartObject();
                    PointFields(w, p);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }),
            [SeekResult.ScenarioFile] = r.AnswerScenario,
            ["seek.csv"] = Csv("step," + string.Join(',', r.Start.Levers.Select(l => l.Id)) + ",probability,ci95_lo,ci95_hi,cost",
                r.Path.Select((p, i) => new object[] { i }.Concat(p.Levers.Select(l => (object)l.Value)).Concat([p.Probability, p.Lo, p.Hi, p.Cost]).ToArray())),
        });

    public static IReadOnlyList<string> WriteSweep(string dir, SweepResult r)
    {
        var targets = r.Points.Count > 0 ? r.Points[0].Targets.Select(t => t.Target).ToList() : [];
        return OutputFolder.Commit(dir, new Dictionary<string, string>
        {
            ["sweep.json"] = ResultFiles.Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("seed", r.Seed);
                w.WriteNumber("trials", r.Trials);
                w.WriteString("scenario", r.Scenario);
                w.WriteString("design", r.Design);
                w.WriteString("cost-unit", SensitivityResult.CostUnit);
                Objects(w, "ranges", r.Ranges, x =>
                {
                    w.WriteString("lever", x.Lever);
                    Number(w, "lo", x.Lo);
                    Number(w, "hi", x.Hi);
                    w.WriteNumber("points", x.Points);
                });
                Objects(w, "points", r.Points, p =>
                {
                    w.WriteStartObject("levers");
                    foreach (var s in p.Levers)
                    {
                        Number(w, s.Id, s.Value);
                    }

                    w.WriteEndObject();
                    Objects(w, "targets", p.Targets, t =>
                    {
                        w.WriteString("id", t.Target);
                        Number(w, "probability", t.Probability);
                        Interval(w, t.Lo, t.Hi, "ci95");
                    });
                    Number(w, "cost", p.Cost);
                });
                w.WriteEndObject();
            }),
            ["sweep.csv"] = Csv(string.Join(',', r.Ranges.Select(x => x.Lever).Concat(targets.Select(t => $"p_{t}")).Append("cost")),
                r.Points.Select(p => p.Levers.Select(l => (object)l.Value).Concat(p.Targets.Select(t => (object)t.Probability)).Append(p.Cost).ToArray())),
        });
    }

    public static IReadOnlyList<string> WriteExplain(string dir, ExplainResult r) =>
        OutputFolder.Commit(dir, new Dictionary<string, string>
        {
            ["explain.json"] = ResultFiles.Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("seed", r.Seed);
                w.WriteNumber("trials", r.Trials);
                w.WriteString("base", r.Base);
                w.WriteString("scenario", r.Scenario);
                w.WriteString("method", "exact Shapley values over every subset of the scenario's changes (2^n runs on common random numbers)");
                w.WriteStartArray("players");
                foreach (var p in r.Players)
                {
                    w.WriteStringValue(p);
                }

                w.WriteEndArray();
                Objects(w, "targets", r.Targets, t =>
                {
                    w.WriteString("id", t.Target);
                    w.WriteNumber("year", t.Year);
                    Number(w, "base", t.Base);
                    Number(w, "scenario", t.Scenario);
                    Number(w, "total", t.Total);
                    w.WriteStartObject("parts");
                    foreach (var (player, part) in t.Parts)
                    {
                        Number(w, player, part);
                    }

                    w.WriteEndObject();

                    // The parts as integers over one denominator (n! x trials): they add up to the total exactly.
                    w.WriteStartObject("exact");
                    w.WriteNumber("denominator", t.Denominator * r.Trials);
                    w.WriteNumber("total", t.TotalNumerator * t.Denominator);
                    w.WriteStartObject("parts");
                    for (var i = 0; i < r.Players.Count; i++)
                    {
                        w.WriteNumber(r.Players[i], t.Numerators[i]);
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                });
                w.WriteStartObject("cost");
                w.WriteString("unit", SensitivityResult.CostUnit);
                Number(w, "base", r.BaseCost);
                Number(w, "scenario", r.ScenarioCost);
                w.WriteStartObject("parts");
                foreach (var (player, part) in r.CostParts)
                {
                    Number(w, player, part);
                }

                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }),
            ["explain.csv"] = Csv("target,year,base,scenario,total," + string.Join(',', r.Players),
                r.Targets.Select(t => new object[] { t.Target, t.Year, t.Base, t.Scenario, t.Total }.Concat(t.Parts.Select(p => (object)p.Part)).ToArray())),
        });

    public static IReadOnlyList<string> WriteRisks(string dir, RiskResult r) =>
        OutputFolder.Commit(dir, new Dictionary<string, string>
        {
            ["risks.json"] = ResultFiles.Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("seed", r.Seed);
                w.WriteNumber("trials", r.Trials);
                w.WriteString("scenario", r.Scenario);
                w.WriteString("target", r.Target);
                w.WriteString("method", RiskResult.Method);
                Number(w, "alpha", r.Alpha);
                Number(w, "min-mass", r.MinMass);
                Number(w, "miss-rate", r.MissRate);
                w.WriteNumber("missed", r.Missed);
                Objects(w, "boxes", r.Boxes, b =>
                {
                    Number(w, "min-coverage", b.MinCoverage);
                    Box(w, b.Pruned);
                    w.WriteStartObject("unpruned");
                    Box(w, b.Box);
                    w.WriteEndObject();
                });
                Objects(w, "trajectory", r.Trajectory, b => Box(w, b));
                w.WriteEndObject();
            }),
            ["risks.csv"] = Csv("step,coverage,density,mass,trials,limits",
                r.Trajectory.Select(b => new object[] { b.Step, b.Coverage, b.Density, b.Mass, b.Trials, string.Join("; ", b.Limits.Select(Limit)) })),
        });

    public static string Limit(BoxLimit l) => string.Create(CultureInfo.InvariantCulture, $"{l.Lo:G6} <= {l.Input} <= {l.Hi:G6}");

    private static void Box(Utf8JsonWriter w, PrimBox b)
    {
        w.WriteNumber("step", b.Step);
        Number(w, "coverage", b.Coverage);
        Number(w, "density", b.Density);
        Number(w, "mass", b.Mass);
        w.WriteNumber("trials", b.Trials);
        Objects(w, "limits", b.Limits, l =>
        {
            w.WriteString("input", l.Input);
            Number(w, "lo", l.Lo);
            Number(w, "hi", l.Hi);
            Interval(w, l.DataLo, l.DataHi, "data-range");
            if (!double.IsNaN(l.PValue))
            {
                Number(w, "p-value", l.PValue);
            }
        });
    }

    private static void Point(Utf8JsonWriter w, string name, SeekPoint p)
    {
        w.WriteStartObject(name);
        PointFields(w, p);
        w.WriteEndObject();
    }

    private static void PointFields(Utf8JsonWriter w, SeekPoint p)
    {
        w.WriteStartObject("levers");
        foreach (var s in p.Levers)
        {
            Number(w, s.Id, s.Value);
        }

        w.WriteEndObject();
        Number(w, "probability", p.Probability);
        Interval(w, p.Lo, p.Hi, "ci95");
        Number(w, "cost", p.Cost);
    }

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));

    private static string Csv(string header, IEnumerable<object[]> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            sb.AppendJoin(',', row.Select(Cell)).Append('\n');
        }

        return sb.ToString();
    }

    private static string Cell(object v) => v switch
    {
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : string.Empty,
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s when s.IndexOfAny([',', '"', '\n']) >= 0 => $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
