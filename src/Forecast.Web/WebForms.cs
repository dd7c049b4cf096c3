using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;
using Forecast.Studies;

namespace Forecast.Web;

/// <summary>A request the page cannot run: the field at fault (for example "levers.hte-reward") and why. Answered 400; nothing runs.</summary>
public sealed class BadRequestException(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;

    public string Problem { get; } = problem;
}

/// <summary>A run the page asks for, checked: the scenario (its levers set as asked) as inputs, its name as forecast.json gives it, and the plan.</summary>
public sealed record RunForm(string Name, ModelInputs Inputs, RunPlan Plan)
{
    /// <summary>The scenario file of this run: `forecast run --scenario` on it gives the same forecast.json.</summary>
    public string ScenarioYaml => Inputs.ScenarioYaml;
}

/// <summary>Reads the page's JSON bodies strictly: every field known, of its type, in its range; the scenario one of seeds/scenarios.</summary>
public static class WebForms
{
    private static readonly string[] RunFields = ["scenario", "levers", "trials", "seed"];
    private static readonly string[] CompareFields = ["base", "other"];

    /// <summary>The scenario names the page offers: seeds/scenarios/*.yaml without the extension.</summary>
    public static IReadOnlyList<string> Scenarios(string seedsDir) =>
        Directory.Exists(Path.Combine(seedsDir, "scenarios"))
            ? Directory.GetFiles(Path.Combine(seedsDir, "scenarios"), "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The inputs of scenario <paramref name="name"/> (one of <see cref="Scenarios"/>).</summary>
    public static ModelInputs ScenarioInputs(string seedsDir, string name, string field = "scenario")
    {
        var known = Scenarios(seedsDir);
        if (!known.Contains(name, StringComparer.Ordinal))
        {
            throw new BadRequestException(field, $"unknown scenario '{name}'; known: {string.Join(", ", known)}");
        }

        return ModelInputs.Read(seedsDir, Path.Combine(seedsDir, "scenarios", name + ".yaml"));
    }

    /// <summary>A run request: {scenario, levers: {id: value}, trials, seed}; levers and seed optional.</summary>
    public static RunForm Run(JsonNode? body, string seedsDir, int maxTrials) => Readable(() => ReadRun(body, seedsDir, maxTrials));

    private static RunForm ReadRun(JsonNode? body, string seedsDir, int maxTrials)
    {
        var o = Object(body, RunFields);
        var scenario = String(o, "scenario") ?? "baseline";
        var inputs = ScenarioInputs(seedsDir, scenario);
        var trials = Integer(o, "trials", 1, maxTrials) ?? 2_000;
        var seed = (ulong)(Integer(o, "seed", 0, long.MaxValue) ?? 1);
        var p = SimulationModel.Build(inputs).Parameters;
        var changed = new List<LeverSetting>();
        if (o["levers"] is { } leversNode)
        {
            if (leversNode is not JsonObject levers)
            {
                throw new BadRequestException("levers", "must be an object of lever ids and numbers, for example {\"hte-reward\": 0.4}");
            }

            foreach (var (id, node) in levers)
            {
                var field = $"levers.{id}";
                var lever = p.Levers.FirstOrDefault(l => l.Id == id)
                    ?? throw new BadRequestException(field, $"unknown lever '{id}'; known levers: {string.Join(", ", p.Levers.Select(l => l.Id))}");
                var value = Number(node, field);
                if (value < lever.Min || value > lever.Max)
                {
                    throw new BadRequestException(field, string.Create(CultureInfo.InvariantCulture,
                        $"{value:R} is outside the lever's allowed range {lever.Min:R}..{lever.Max:R} ({lever.Unit})"));
                }

                if (value != p.LeverValues[lever.Index])
                {
                    changed.Add(Variants.Setting(p, lever, value));
                }
            }
        }

        if (changed.Count > 0)
        {
            inputs = Variants.With(inputs, $"{p.ScenarioName} + {string.Join(", ", changed)}", changed);
        }
        else if (Variants.Tree(inputs)["name"] is null)
        {
            // a scenario named by its file name: the saved scenario.yaml says the name, so a run of it gives the same bytes
            inputs = Variants.WithTree(inputs, p.ScenarioName, Variants.Tree(inputs));
        }

        var model = SimulationModel.Build(inputs); // the variant checked like any run's inputs
        var plan = new RunPlan(seed, (int)trials).Validated();
        try
        {
            RunMemory.Check(model, plan, Environment.ProcessorCount); // the most any engine steps here at once (an embedded silo: one batch per core)
        }
        catch (RunTooLargeException e)
        {
            throw new BadRequestException("trials", e.Message);
        }

        return new RunForm(model.Parameters.ScenarioName, inputs, plan);
    }

    /// <summary>A comparison of two runs: {base: JOB, other: JOB}.</summary>
    public static (string Base, string Other) Compare(JsonNode? body) => Readable(() => ReadCompare(body));

    /// <summary>The request body as JSON: duplicate keys are refused (not silently one of them), as is anything not JSON.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new BadRequestException("body", $"not JSON ({e.Message})");
        }
    }

    // A JSON string with a lone surrogate or similar is found only when read: it is bad input too, not a failure.
    private static T Readable<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new BadRequestException("body", $"cannot be read ({e.Message})");
        }
    }

    private static (string Base, string Other) ReadCompare(JsonNode? body)
    {
        var o = Object(body, CompareFields);
        var b = String(o, "base") ?? throw new BadRequestException("base", "missing: the id of the run to compare against");
        var other = String(o, "other") ?? throw new BadRequestException("other", "missing: the id of the what-if run");
        return (b, other);
    }

    private static JsonObject Object(JsonNode? body, string[] fields)
    {
        if (body is not JsonObject o)
        {
            throw new BadRequestException("body", "must be a JSON object");
        }

        foreach (var (key, _) in o)
        {
            if (!fields.Contains(key, StringComparer.Ordinal))
            {
                throw new BadRequestException(key, $"unknown field; allowed: {string.Join(", ", fields)}");
            }
        }

        return o;
    }

    private static string? String(JsonObject o, string field) => o[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new BadRequestException(field, "must be a string"),
    };

    private static long? Integer(JsonObject o, string field, long min, long max)
    {
        if (o[field] is null)
        {
            return null;
        }

        if (o[field] is JsonValue exact && exact.GetValueKind() == JsonValueKind.Number && exact.TryGetValue<long>(out var whole) && whole >= min && whole <= max)
        {
            return whole;
        }

        var value = Number(o[field], field);
        if (value != Math.Floor(value) || value < min || value > max)
        {
            throw new BadRequestException(field, string.Create(CultureInfo.InvariantCulture, $"{value:R} is not allowed; use a whole number in {min}..{max}"));
        }

        return (long)value;
    }

    private static double Number(JsonNode? node, string field)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && double.IsFinite(d))
        {
            return d;
        }

        throw new BadRequestException(field, "must be a finite number");
    }
}
