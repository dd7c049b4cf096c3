using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forecast.Inputs;
using Forecast.Model;

namespace Forecast.Studies;

/// <summary>A lever set to a value, from the first policy year or (phased) from <see cref="From"/>.</summary>
public sealed record LeverSetting(string Id, double Value, int? From = null)
{
    public override string ToString() => From is { } y
        ? string.Create(CultureInfo.InvariantCulture, $"{Id}={Value:R} from {y}")
        : string.Create(CultureInfo.InvariantCulture, $"{Id}={Value:R}");
}

/// <summary>
/// Variants of a scenario: the same scenario file with some levers set otherwise. A variant travels
/// as scenario text like any run (JSON, which is YAML), so every engine builds it from the same bytes
/// and a planner can run it again with `forecast run --scenario`.
/// </summary>
public static class Variants
{
    /// <summary>The scenario file's tree (schema-checked).</summary>
    public static JsonObject Tree(ModelInputs inputs) =>
        (JsonObject)YamlInput.Parse(inputs.ScenarioYaml, inputs.ScenarioName, "scenario").Root.DeepClone();

    /// <summary><paramref name="inputs"/> with the levers of <paramref name="settings"/> set (others as in its scenario), named <paramref name="name"/>.</summary>
    public static ModelInputs With(ModelInputs inputs, string name, IEnumerable<LeverSetting> settings)
    {
        var tree = Tree(inputs);
        var levers = tree["levers"] as JsonObject ?? new JsonObject();
        tree["levers"] = levers;
        foreach (var s in settings)
        {
            levers[s.Id] = s.From is { } year
                ? new JsonObject { ["value"] = s.Value, ["from"] = year }
                : JsonValue.Create(s.Value);
        }

        return WithTree(inputs, name, tree);
    }

    /// <summary><paramref name="inputs"/> with its scenario replaced by <paramref name="tree"/>, named <paramref name="name"/>.</summary>
    public static ModelInputs WithTree(ModelInputs inputs, string name, JsonObject tree)
    {
        var copy = (JsonObject)tree.DeepClone();
        copy.Remove("name");
        var ordered = new JsonObject { ["name"] = name };
        foreach (var (key, value) in copy)
        {
            ordered[key] = value?.DeepClone();
        }

        return inputs with { ScenarioName = $"{inputs.ScenarioName} [{name}]", ScenarioYaml = ordered.ToJsonString(Options) + "\n" };
    }

    /// <summary>What a variant computes: its scenario text without the name (two variants with the same key give the same run).</summary>
    public static string Key(ModelInputs inputs)
    {
        var tree = Tree(inputs);
        tree.Remove("name");
        tree.Remove("description");
        return tree.ToJsonString();
    }

    /// <summary>The value each lever has in <paramref name="p"/>, as settings (with the year of phased ones).</summary>
    public static IReadOnlyList<LeverSetting> SettingsOf(Parameters p) =>
        p.Levers.Select(l => new LeverSetting(l.Id, p.LeverValues[l.Index], p.LeverFrom[l.Index] == p.FirstPolicyYear ? null : p.LeverFrom[l.Index])).ToList();

    /// <summary>Lever <paramref name="lever"/> at <paramref name="value"/>, from the year the scenario starts it (a phased lever stays phased).</summary>
    public static LeverSetting Setting(Parameters p, LeverDefinition lever, double value) =>
        new(lever.Id, value, p.LeverFrom[lever.Index] == p.FirstPolicyYear ? null : p.LeverFrom[lever.Index]);

    /// <summary>The lever named <paramref name="id"/>, or an input error naming <paramref name="field"/> and the known levers.</summary>
    public static LeverDefinition Lever(Parameters p, string id, string field) =>
        p.Levers.FirstOrDefault(l => l.Id == id)
        ?? throw new InputException("command line", field, null, $"unknown lever '{id}'; known levers: {string.Join(", ", p.Levers.Select(l => l.Id))}");

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
}
