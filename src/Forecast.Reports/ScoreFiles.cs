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
            doc = JsonDocument.Parse(InputFile.ReadText(path));
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
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InputException(path, null, null, "not a forecast.json written by `forecast run` (expected an object)");
            }

            var trials = (int)Number(root, "trials", path, "trials");
            if (trials < 1)
            {
                throw new InputException(path, "trials", null, $"{trials} trials: a forecast needs at least one");
            }

            var targets = Array(root, "targets", path).Select((t, k) => new PredictiveTarget(
                Text(t, "id", path, $"targets.{k}"), Text(t, "indicator", path, $"targets.{k}"), (int)Number(t, "year", path, $"targets.{k}"),
                Number(t, "threshold", path, $"targets.{k}"), Number(t, "probability", path, $"targets.{k}"), trials)).ToList();
            var indicators = Array(root, "indicators", path).Select((i, k) =>
            {
                var id = Text(i, "id", path, $"indicators.{k}");
                var year = (int)Number(i, "year", path, $"indicators.{k}");
                var field = $"indicators.{id}.{year}.percentiles";
                if (!i.TryGetProperty("percentiles", out var p) || p.ValueKind != JsonValueKind.Array || p.GetArrayLength() != 99)
                {
                    throw new InputException(path, field, null, "missing or not 99 values: this forecast.json predates scoring; run the forecast again");
                }

                var percentiles = p.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetDouble() : double.NaN).ToArray();
                if (percentiles.Any(x => !double.IsFinite(x)) || percentiles.Zip(percentiles.Skip(1)).Any(x => x.Second < x.First))
                {
                    throw new InputException(path, field, null, "the 99 percentiles must be finite numbers in non-decreasing order");
                }

                return new PredictiveIndicator(id, year, Number(i, "p5", path, $"indicators.{k}"), Number(i, "p95", path, $"indicators.{k}"), percentiles);
            }).ToList();
            return new ForecastSnapshot(targets, indicators);
        }
    }

    /// <summary>An actuals file, validated by seeds/schema/actuals.schema.json, with one value per indicator and year.</summary>
    public static IReadOnlyList<Actual> ReadActuals(string path)
    {
        var doc = YamlInput.Load(path, "actuals");
        var actuals = doc.Root["actuals"]!.AsArray().Select(a => new Actual(
            a!["id"]!.GetValue<string>(), (int)ParametersLoader.Num(a["year"]!), ParametersLoader.Num(a["value"]!), a["source"]!.GetValue<string>())).ToList();
        var seen = new HashSet<(string, int)>();
        for (var k = 0; k < actuals.Count; k++)
        {
            if (!seen.Add((actuals[k].Id, actuals[k].Year)))
            {
                throw new InputException(path, $"actuals.{k}", doc.LineOf($"actuals.{k}"), $"a second value for {actuals[k].Id} in {actuals[k].Year}");
            }
        }

        return actuals;
    }

    public static string ScoreJson(ScoreResult r, string forecast, string actuals) => ResultFiles.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("forecast", forecast);
        w.WriteString("actuals", actuals);
        w.WriteString("notes", ScoreResult.Notes);
        ResultFiles.Objects(w, "indicators", r.Indicators, i =>
        {
            w.WriteString("id", i.Id);
            w.WriteNumber("year", i.Year);
            ResultFiles.Number(w, "actual", i.Actual);
            ResultFiles.Number(w, "pit", i.Pit);
            w.WriteBoolean("inside90", i.Inside90);
            ResultFiles.Number(w, "crps", i.Crps);
            w.WriteString("source", i.Source);
        });
        ResultFiles.Objects(w, "targets", r.Targets, t =>
        {
            w.WriteString("id", t.Id);
            w.WriteBoolean("met", t.Met);
            ResultFiles.Number(w, "probability", t.Probability);
            ResultFiles.Number(w, "brier", t.Brier);
            ResultFiles.Number(w, "log", t.Log);
        });
        w.WriteStartObject("summary");
        ResultFiles.Number(w, "mean-brier", r.MeanBrier);
        ResultFiles.Number(w, "coverage90", r.Coverage90);
        w.WriteNumber("indicators-scored", r.Indicators.Count);
        w.WriteEndObject();
        ResultFiles.Objects(w, "unmatched", r.Unmatched, a =>
        {
            w.WriteString("id", a.Id);
            w.WriteNumber("year", a.Year);
        });
        w.WriteEndObject();
    });

    private static IEnumerable<JsonElement> Array(JsonElement e, string name, string path) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().ToList()
            : throw new InputException(path, name, null, "missing or not a list: not a forecast.json written by `forecast run`");

    private static double Number(JsonElement e, string name, string path, string where) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : throw new InputException(path, $"{where}.{name}".TrimStart('.'), null, "missing or not a number");

    private static string Text(JsonElement e, string name, string path, string where) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new InputException(path, $"{where}.{name}", null, "missing or not text");
}
