using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Forecast.Inputs;

/// <summary>A parsed, schema-valid input file: its JSON tree and the line of every node.</summary>
public sealed class InputDocument
{
    private readonly IReadOnlyDictionary<string, int> _lines;

    internal InputDocument(string path, JsonNode root, IReadOnlyDictionary<string, int> lines)
    {
        Path = path;
        Root = root;
        _lines = lines;
    }

    /// <summary>The file name used in messages.</summary>
    public string Path { get; }

    /// <summary>The document (an empty file is refused).</summary>
    public JsonNode Root { get; }

    /// <summary>
    /// The 1-based line of a field given as a dotted path (<c>levers.hte-reward</c>, <c>targets.0.year</c>;
    /// "" is the document). A field that is not in the file gets the line of its nearest present parent.
    /// </summary>
    public int? LineOf(string dottedField)
    {
        for (var field = dottedField; ;)
        {
            if (_lines.TryGetValue(field, out var line))
            {
                return line;
            }

            if (field.Length == 0)
            {
                return null;
            }

            var dot = field.LastIndexOf('.');
            field = dot < 0 ? "" : field[..dot];
        }
    }
}

/// <summary>
/// Reads a YAML input file into JSON, validates it against the embedded JSON Schema
/// <c>schema/{name}.schema.json</c> (seeds/schema) and reports the first problem as an
/// <see cref="InputException"/> with file, field and line.
/// </summary>
public static class YamlInput
{
    private const string StrTag = "tag:yaml.org,2002:str";

    // the core schema's own tags and the non-specific "!"; anything else (!!binary, !custom) is refused
    private static readonly HashSet<string> AllowedTags = new(StringComparer.Ordinal)
    {
        "!", StrTag, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
    };
    private static readonly string[] BranchKeywords = ["oneOf", "anyOf", "not", "if"];
    private static readonly ConcurrentDictionary<string, Lazy<LoadedSchema>> Schemas = new(StringComparer.Ordinal);

    public static InputDocument Load(string path, string schemaName)
    {
        return Parse(InputFile.ReadText(path), path, schemaName);
    }

    public static InputDocument Parse(string text, string pathForMessages, string schemaName)
    {
        var schema = Schemas.GetOrAdd(schemaName, n => new Lazy<LoadedSchema>(() => LoadSchema(n))).Value;
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var doc = new InputDocument(pathForMessages, ReadYaml(text, pathForMessages, lines), lines);
        Validate(schema, doc);
        return doc;
    }

    private static JsonNode ReadYaml(string text, string file, Dictionary<string, int> lines)
    {
        var scanner = new Scanner(new StringReader(text));
        var stream = new YamlStream();
        try
        {
            CheckShape(text, file);
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e) when (e.Message.StartsWith("Duplicate key ", StringComparison.Ordinal))
        {
            throw new InputException(file, null, LineOf(e.Start),
                $"duplicate key '{e.Message["Duplicate key ".Length..]}'");
        }
        catch (YamlException e)
        {
            throw new InputException(file, null, LineOf(e.Start), $"malformed YAML: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner fails this way on some unclosed flow collections and odd escapes.
            throw new InputException(file, null, LineOf(scanner.CurrentPosition),
                "malformed YAML: cannot scan this line (is a '[', '{' or quote above left open?)");
        }

        if (stream.Documents.Count > 1)
        {
            throw new InputException(file, null, LineOf(stream.Documents[1].RootNode.Start),
                $"expected one YAML document, found {stream.Documents.Count}");
        }

        if (stream.Documents.Count == 0)
        {
            throw new InputException(file, null, null, "is empty (no YAML document; a scenario that changes nothing still has its name)");
        }

        var node = stream.Documents[0].RootNode;
        lines[""] = LineOf(node.Start) ?? 1;
        var budget = new NodeBudget();
        return Convert(node, "", file, lines, 0, budget) ?? new JsonObject();
    }

    /// <summary>How deep an input's collections may nest (the shipped files nest 5 deep).</summary>
    public const int MaxDepth = 64;

    /// <summary>How many nodes an input may hold once its aliases are expanded (the shipped baseline holds about 2,000).</summary>
    public const int MaxNodes = 100_000;

    private sealed class NodeBudget
    {
        public int Used;
    }

    /// <summary>
    /// Walks the parser's events (an iterative state machine) before the recursive loader sees the text:
    /// nesting deeper than <see cref="MaxDepth"/> or more than <see cref="MaxNodes"/> events is refused
    /// here, so no input can exhaust the stack or the memory.
    /// </summary>
    private static void CheckShape(string text, string file)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var depth = 0;
        var events = 0;
        while (Next(parser, scanner, file))
        {
            var e = parser.Current!;
            if (++events > MaxNodes * 2)
            {
                throw new InputException(file, null, LineOf(e.Start), $"too large: more than {MaxNodes:N0} nodes");
            }

            switch (e)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++depth > MaxDepth:
                    throw new InputException(file, null, LineOf(e.Start), $"nested more than {MaxDepth} levels deep");
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    private static bool Next(Parser parser, Scanner scanner, string file)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new InputException(file, null, LineOf(scanner.CurrentPosition),
                "malformed YAML: cannot scan this line (is a '[', '{' or quote above left open?)");
        }
    }

    private static int? LineOf(Mark mark) => mark.Line > 0 ? (int)mark.Line : null;

    private static JsonNode? Convert(YamlNode node, string path, string file, Dictionary<string, int> lines, int depth, NodeBudget budget)
    {
        // aliases are expanded here: an alias that nests or repeats itself grows past these limits
        if (++budget.Used > MaxNodes)
        {
            throw new InputException(file, Field(path), LineOf(node.Start), $"more than {MaxNodes:N0} nodes once its aliases are expanded (an alias expanding itself?)");
        }

        if (depth > MaxDepth)
        {
            throw new InputException(file, Field(path), LineOf(node.Start), $"nested more than {MaxDepth} levels deep once its aliases are expanded");
        }

        if (!node.Tag.IsEmpty && !AllowedTags.Contains(node.Tag.Value))
        {
            throw new InputException(file, Field(path), LineOf(node.Start), $"YAML tag '{node.Tag.Value}' is not allowed (inputs are plain maps, lists, numbers, strings and booleans)");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        throw new InputException(file, Field(path), LineOf(keyNode.Start), "a key must be a plain scalar");
                    }

                    var child = path.Length == 0 ? key : $"{path}.{key}";
                    if (obj.ContainsKey(key))
                    {
                        throw new InputException(file, Field(path), LineOf(keyNode.Start), $"duplicate key '{key}'");
                    }

                    lines[child] = LineOf(keyNode.Start) ?? 1;
                    obj[key] = Convert(valueNode, child, file, lines, depth + 1, budget);
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                foreach (var item in seq.Children)
                {
                    var child = path.Length == 0 ? $"{array.Count}" : $"{path}.{array.Count}";
                    lines[child] = LineOf(item.Start) ?? 1;
                    array.Add(Convert(item, child, file, lines, depth + 1, budget));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new InputException(file, Field(path), LineOf(node.Start), $"unsupported YAML node {node.NodeType}");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var text = s.Value ?? "";
        if (s.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (!s.Tag.IsEmpty && s.Tag.Value == StrTag))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? JsonValue.Create(d)
            : JsonValue.Create(text);
    }

    private static string? Field(string dotted) => dotted.Length == 0 ? null : dotted;

    private sealed record LoadedSchema(JsonSchema Schema, JsonNode Json);

    private static LoadedSchema LoadSchema(string name)
    {
        var resource = $"schema/{name}.schema.json";
        using var stream = typeof(YamlInput).Assembly.GetManifestResourceStream(resource)
            ?? throw new ArgumentException($"no embedded schema '{resource}'", nameof(name));
        var text = new StreamReader(stream).ReadToEnd();
        var schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        return new LoadedSchema(schema, JsonNode.Parse(text)!);
    }

    private static void Validate(LoadedSchema schema, InputDocument doc)
    {
        using var json = JsonDocument.Parse(doc.Root.ToJsonString());
        // a yes/no evaluation first (the common case, several times cheaper); the detailed list only to explain a failure
        if (schema.Schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid)
        {
            return;
        }

        var results = schema.Schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return;
        }

        // Invalid nodes outside oneOf/anyOf/not/if branches (those only explain their combinator).
        var failed = (results.Details ?? [results])
            .Where(r => !r.IsValid)
            .Select(r => (Result: r, Eval: Segments(r.EvaluationPath.ToString()), Instance: Segments(r.InstanceLocation.ToString())))
            .Where(r => !r.Eval.Any(s => BranchKeywords.Contains(s)))
            .ToList();

        var problems = new List<(string[] Instance, string Problem)>();
        foreach (var (result, eval, instance) in failed)
        {
            if (result.Errors is { Count: > 0 } errors)
            {
                problems.AddRange(errors.Select(e => (instance, Describe(schema.Json, eval, instance, e.Key, e.Value))));
            }
            else if (!failed.Any(f => f.Eval.Length > eval.Length && f.Eval.Take(eval.Length).SequenceEqual(eval)))
            {
                // A failing node without its own message and without failing children: a combinator
                // whose message the library does not report (JsonSchema.Net 8 drops oneOf's).
                problems.Add((instance, DescribeCombinator(schema.Json, eval, results, result.EvaluationPath.ToString())));
            }
        }

        var (at, problem) = problems.Count == 0
            ? ([], "does not match the schema")
            : problems
                .Select((p, i) => (p, i, Line: doc.LineOf(string.Join('.', p.Instance)) ?? int.MaxValue))
                .OrderByDescending(x => x.p.Instance.Length).ThenBy(x => x.Line).ThenBy(x => x.i)
                .First().p;
        var field = string.Join('.', at);
        throw new InputException(doc.Path, Field(field), doc.LineOf(field), problem);
    }

    private static string Describe(JsonNode schemaRoot, string[] eval, string[] instance, string keyword, string message)
    {
        var sub = Navigate(schemaRoot, eval);
        if (eval is [.., "additionalProperties" or "unevaluatedProperties"] && (keyword.Length == 0 || sub is JsonValue))
        {
            var allowed = (Navigate(schemaRoot, eval[..^1])?["properties"] as JsonObject)?.Select(p => p.Key).ToList() ?? [];
            var name = instance.Length > 0 ? instance[^1] : "";
            return allowed.Count == 0 ? $"unknown field '{name}'" : $"unknown field '{name}'; allowed: {string.Join(", ", allowed)}";
        }

        var prefix = eval.Contains("propertyNames") && instance.Length > 0 ? $"invalid name '{instance[^1]}': " : "";
        var suffix = keyword switch
        {
            "enum" when sub?["enum"] is JsonArray values => $"; allowed: {string.Join(", ", values.Select(Show))}",
            "pattern" or "type" or "minItems" or "maxItems" or "minLength" when sub?["description"] is JsonValue description =>
                $"; expected {Show(description)}",
            "pattern" when sub?["pattern"] is JsonValue pattern => $"; expected pattern {Show(pattern)}",
            _ => "",
        };
        return prefix + message + suffix;
    }

    private static string DescribeCombinator(JsonNode schemaRoot, string[] eval, EvaluationResults results, string evalPath)
    {
        var sub = Navigate(schemaRoot, eval);
        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (sub?[keyword] is not JsonArray branches)
            {
                continue;
            }

            var matched = (results.Details ?? []).Count(r => r.IsValid && r.EvaluationPath.ToString().StartsWith($"{evalPath}/{keyword}/", StringComparison.Ordinal)
                && Segments(r.EvaluationPath.ToString()).Length == eval.Length + 2);
            var names = branches.Select(b => b?["required"] is JsonArray { Count: 1 } r ? Show(r[0]) : null).ToList();
            if (names.Any(n => n is null) && sub["description"] is JsonValue description)
            {
                return $"expected {Show(description)}"; // alternatives of different shapes: the schema says what they are
            }

            var what = names.All(n => n is not null) ? $"{string.Join(", ", names)}" : $"the {branches.Count} alternatives";
            return keyword == "oneOf"
                ? $"give exactly one of {what} (found {matched})"
                : $"give at least one of {what}";
        }

        return "does not match the schema";
    }

    private static string Show(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "null";

    /// <summary>Follows an evaluation path through the schema, resolving local <c>$ref</c>s; skips segments it cannot follow.</summary>
    private static JsonNode? Navigate(JsonNode schemaRoot, IEnumerable<string> path)
    {
        var node = schemaRoot;
        foreach (var segment in path)
        {
            if (segment == "$ref" && node?["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith('#'))
            {
                node = Navigate(schemaRoot, Segments(Uri.UnescapeDataString(reference[1..])));
                continue;
            }

            var next = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            node = next ?? node;
        }

        return node;
    }

    private static string[] Segments(string pointer) => pointer.Length == 0
        ? []
        : pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
}
