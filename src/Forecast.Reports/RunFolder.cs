using System.Text.Json;
using System.Text.Json.Nodes;
using Forecast.Inputs;

namespace Forecast.Reports;

/// <summary>Reading a run's --out folder back: what the report and the spreadsheet are made from.</summary>
public static class RunFolder
{
    /// <summary>A result file of a run folder as JSON, or null when the folder has none; a missing folder or a broken file is bad input, named.</summary>
    public static JsonObject? Read(string dir, string name)
    {
        var path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            if (!Directory.Exists(dir))
            {
                throw new InputException(dir, null, null, File.Exists(dir)
                    ? "is a file; give the --out folder of a `forecast run`"
                    : "no such folder: give the --out folder of a `forecast run`");
            }

            return null;
        }

        try
        {
            return JsonNode.Parse(InputFile.ReadText(path)) as JsonObject ?? throw new InputException(path, null, null, "not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException(path, null, (int?)e.LineNumber + 1, $"not valid JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, null, $"cannot read the file ({e.Message})");
        }
    }
}
