using System.Text.Json;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Studies;

namespace Forecast.Reports;

/// <summary>Reading a forecast.json and an actuals file for scoring, and writing score.json.</summary>
public static class ScoreFiles
{
    public const string ScoreFile = "score.json";

    /// <summary>The targets and indicator percentiles of a forecast.json; an error names the file and what is missing.</summary>
    public static ForecastSnapshot ReadForecast(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, null, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read the file ({e.Message})");
        }
        catch (JsonException e)
        {
            throw new InputException(path, null, null, $"not a forecast.json: {e.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            var trials = Get(root, "trials", path).GetInt32();
            var targets = Get(root, "targets", path).EnumerateArray().Select(t => new PredictiveTarget(
                Get(t, "id", path).GetString()!, Get(t, "indicator", path).GetString()!, Get(t, "year", path).GetInt32(),
                Get(t, "threshold", path).GetDouble(), Get(t, "probability", path).GetDouble(), trials)).ToList();
            var indicators = Get(root, "indicators", path).EnumerateArray().Select(i =>
            {
                var id = Get(i, "id", path).GetString()!;
                if (!i.TryGetProperty("percentiles", out var p) || p.GetArrayLength() != 99)
                {
                    throw new InputException(path, $"indicators.{id}.percentiles", null,
                        "missing or not 99 values: this forecast.json predates scoring; run the forecast again");
                }

                return new PredictiveIndicator(id, Get(i, "year", path).GetInt32(), Get(i, "p5", path).GetDouble(), Get(i, "p95", path).GetDouble(),
                    p.EnumerateArray().Select(x => x.GetDouble()).ToArray());
            }).ToList();
            return new ForecastSnapshot(targets, indicators);
        }
    }

    /// <summary>An actuals file, validated by seeds/schema/actuals.schema.json.</summary>
    public static IReadOnlyList<Actual> ReadActuals(string path)
    {
        var doc = YamlInput.Load(path, "actuals");
        return doc.Root["actuals"]!.AsArray().Select(a => new Actual(
            a!["id"]!.GetValue<string>(), (int)ParametersLoader.Num(a["year"]!), ParametersLoader.Num(a["value"]!), a["source"]!.GetValue<string>())).ToList();
    }

    public static string ScoreJson(ScoreResult r, string forecast, string actuals) => ResultFiles.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("forecast", forecast);
        w.WriteString("actuals", actuals);
        w.WriteString("notes", ScoreResult.Notes);
        w.WriteStartArray("indicators");
        foreach (var i in r.Indicators)
        {
            w.WriteStartObject();
            w.WriteString("id", i.Id);
            w.WriteNumber("year", i.Year);
            ResultFiles.Number(w, "actual", i.Actual);
            ResultFiles.Number(w, "pit", i.Pit);
            w.WriteBoolean("inside90", i.Inside90);
            ResultFiles.Number(w, "crps", i.Crps);
            w.WriteString("source", i.Source);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("targets");
        foreach (var t in r.Targets)
        {
            w.WriteStartObject();
            w.WriteString("id", t.Id);
            w.WriteBoolean("met", t.Met);
            ResultFiles.Number(w, "probability", t.Probability);
            ResultFiles.Number(w, "brier", t.Brier);
            ResultFiles.Number(w, "log", t.Log);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("summary");
        ResultFiles.Number(w, "mean-brier", r.MeanBrier);
        ResultFiles.Number(w, "coverage90", r.Coverage90);
        w.WriteNumber("indicators-scored", r.Indicators.Count);
        w.WriteEndObject();
        w.WriteStartArray("unmatched");
        foreach (var a in r.Unmatched)
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            w.WriteNumber("year", a.Year);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static JsonElement Get(JsonElement e, string name, string path) =>
        e.TryGetProperty(name, out var v) ? v : throw new InputException(path, name, null, "missing: not a forecast.json written by `forecast run`");
}
