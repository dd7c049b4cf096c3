using System.Text.Json.Nodes;
using Forecast.Inputs;

namespace Forecast.Core.Tests.Inputs;

public sealed class YamlInputTests
{
    private static readonly string Seeds = Path.Combine(RepoRoot(), "seeds");

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Forecast.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Forecast.sln not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string, string> SeedFiles()
    {
        var data = new TheoryData<string, string> { { "baseline.yaml", "baseline" }, { "targets.yaml", "targets" } };
        foreach (var file in Directory.GetFiles(Path.Combine(Seeds, "scenarios"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Seeds, file), "scenario");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SeedFiles))]
    public void Seed_files_validate(string file, string schema)
    {
        var doc = YamlInput.Load(Path.Combine(Seeds, file), schema);
        Assert.IsType<JsonObject>(doc.Root);
    }

    [Fact]
    public void Seed_file_set_is_complete()
    {
        Assert.True(SeedFiles().Count >= 3, "expected baseline, targets and at least one scenario");
    }

    [Fact]
    public void Baseline_values_are_typed()
    {
        var doc = YamlInput.Load(Path.Combine(Seeds, "baseline.yaml"), "baseline");
        Assert.Equal(469, doc.Root["facts"]!["new-hte-2021"]!["value"]!.GetValue<long>());
        Assert.Equal(0.2, doc.Root["levers"]!["hte-reward"]!["baseline"]!.GetValue<double>());
        Assert.True(doc.Root["levers"]!["hte-reward"]!["cost"]!["times-value"]!.GetValue<bool>());
        Assert.Equal("firms", doc.Root["facts"]!["new-hte-2021"]!["unit"]!.GetValue<string>());
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = Path.Combine(Seeds, "no-such-file.yaml");
        var e = Assert.Throws<InputException>(() => YamlInput.Load(path, "scenario"));
        Assert.Equal(path, e.File);
        Assert.StartsWith(path + ": ", e.Message);
    }

    [Fact]
    public void Malformed_yaml_reports_the_line()
    {
        const string text = "name: x\nlevers:\n  hte-reward: 0.4\n coaching-coverage: 1\n";
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "bad.yaml", "scenario"));
        Assert.Equal(4, e.Line);
        Assert.StartsWith("bad.yaml:4: ", e.Message);
    }

    [Fact]
    public void Unclosed_flow_sequence_reports_a_line()
    {
        const string text = "name: x\nassumptions:\n  rd-intensity-hte: [0.03, 0.05\nlevers:\n  hte-reward: 1\n";
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "bad.yaml", "scenario"));
        Assert.NotNull(e.Line);
        Assert.InRange(e.Line!.Value, 3, 5);
    }

    [Fact]
    public void Unknown_scenario_field_reports_field_line_and_allowed_fields()
    {
        const string text = "name: x\ndescription: y\nseed: 42\nlevers:\n  hte-reward: 0.4\n";
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "s.yaml", "scenario"));
        Assert.Equal("seed", e.Field);
        Assert.Equal(3, e.Line);
        Assert.Contains("unknown field 'seed'", e.Problem);
        Assert.Contains("allowed: name, description, levers, assumptions, targets", e.Problem);
        Assert.StartsWith("s.yaml:3: seed: ", e.Message);
    }

    [Fact]
    public void String_where_number_expected_reports_field_and_line()
    {
        const string text = "name: x\nlevers:\n  coaching-coverage: 1.0\n  hte-reward: lots\n";
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "s.yaml", "scenario"));
        Assert.Equal("levers.hte-reward", e.Field);
        Assert.Equal(4, e.Line);
        Assert.Contains("number", e.Problem);
    }

    [Fact]
    public void Quoted_number_stays_a_string()
    {
        var e = Assert.Throws<InputException>(() => YamlInput.Parse("levers:\n  hte-reward: '0.4'\n", "s.yaml", "scenario"));
        Assert.Equal("levers.hte-reward", e.Field);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void Lever_channel_outside_enum_lists_allowed_values()
    {
        var text = File.ReadAllText(Path.Combine(Seeds, "baseline.yaml")).Replace("channel: hte-pass", "channel: hte-coach");
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "baseline.yaml", "baseline"));
        Assert.Equal("levers.coaching-coverage.channel", e.Field);
        Assert.Contains("allowed: hte-apply, hte-pass, ptsme-listing", e.Problem);
        Assert.Equal(LineContaining(text, "channel: hte-coach"), e.Line);
    }

    [Fact]
    public void Target_with_an_unknown_field_fails_naming_it()
    {
        const string text = """
            targets:
              - {id: new-hte-2022, indicator: new-hte, year: 2022, at-least: 300, source: "seed"}
              - {id: hte-stock-2025, indicator: hte-stock-multiple, year: 2025, at-least: 2.0, at-least-times-2020: 2.0, source: "plan"}
            """;
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "targets.yaml", "targets"));
        Assert.Equal("targets.1.at-least-times-2020", e.Field);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void Target_without_a_threshold_fails()
    {
        const string text = "targets:\n  - {id: a, indicator: new-hte, year: 2022, source: s}\n";
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "targets.yaml", "targets"));
        Assert.Equal("targets.0", e.Field);
        Assert.Contains("at-least", e.Problem);
    }

    [Fact]
    public void Target_year_outside_range_names_the_bound()
    {
        const string text = "targets:\n  - {id: a, indicator: new-hte, year: 2030, at-least: 1, source: s}\n";
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "targets.yaml", "targets"));
        Assert.Equal("targets.0.year", e.Field);
        Assert.Contains("2025", e.Problem);
    }

    [Fact]
    public void The_committed_calibration_validates_and_a_stray_field_does_not()
    {
        var text = File.ReadAllText(Path.Combine(TestModels.Seeds, "calibration.yaml"));
        var doc = YamlInput.Parse(text, "calibration.yaml", "calibration");
        Assert.Equal("posterior.csv", doc.Root["ensemble"]!["file"]!.GetValue<string>());

        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text + "max-relative-error: 0.004\n", "calibration.yaml", "calibration"));
        Assert.Equal("max-relative-error", e.Field);
    }

    [Fact]
    public void Duplicate_keys_fail_with_key_and_line()
    {
        const string text = "name: x\nlevers:\n  hte-reward: 0.4\n  hte-reward: 0.5\n";
        var e = Assert.Throws<InputException>(() => YamlInput.Parse(text, "s.yaml", "scenario"));
        Assert.Equal(4, e.Line);
        Assert.Contains("'hte-reward'", e.Problem);
    }

    [Fact]
    public void LineOf_finds_nested_fields()
    {
        var text = File.ReadAllText(Path.Combine(Seeds, "baseline.yaml"));
        var doc = YamlInput.Parse(text, "baseline.yaml", "baseline");
        var lever = LineContaining(text, "  coaching-coverage:");
        Assert.Equal(lever, doc.LineOf("levers.coaching-coverage"));
        Assert.Equal(lever + 5, doc.LineOf("levers.coaching-coverage.channel"));
        Assert.Equal(lever + 7, doc.LineOf("levers.coaching-coverage.cost.per"));
        Assert.Equal(lever, doc.LineOf("levers.coaching-coverage.no-such-field")); // nearest present parent

        var targets = YamlInput.Load(Path.Combine(Seeds, "targets.yaml"), "targets");
        var targetsText = File.ReadAllText(Path.Combine(Seeds, "targets.yaml"));
        Assert.Equal(LineContaining(targetsText, "{id: new-hte-2022,"), targets.LineOf("targets.3.year"));
    }

    [Fact]
    public void An_empty_document_is_refused_naming_the_file()
    {
        var e = Assert.Throws<InputException>(() => YamlInput.Parse("# nothing here\n", "empty.yaml", "scenario"));
        Assert.Equal("empty.yaml", e.File);
        Assert.Contains("empty", e.Problem);
    }

    [Fact]
    public void Message_omits_missing_parts()
    {
        Assert.Equal("f.yaml:3: levers.x: bad", new InputException("f.yaml", "levers.x", 3, "bad").Message);
        Assert.Equal("f.yaml: bad", new InputException("f.yaml", null, null, "bad").Message);
        Assert.Equal("f.yaml:2: bad", new InputException("f.yaml", null, 2, "bad").Message);
        Assert.Equal("f.yaml: x: bad", new InputException("f.yaml", "x", null, "bad").Message);
    }

    private static int LineContaining(string text, string needle) =>
        text.Split('\n').Select((line, i) => (line, i)).First(x => x.line.Contains(needle, StringComparison.Ordinal)).i + 1;
}
