using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Forecast.Cli.Tests;

/// <summary>
/// A corpus of broken and hostile inputs, every input file and some options, run through the real
/// program: each must exit 2 with one message naming the file (and field and line where it has
/// them), no stack trace, and nothing written. Times are printed (the goal is 2 s a case).
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    /// <summary>One case: a name, what to put where (relative to a fresh folder holding a copy of seeds/), the command, and what the message must say.</summary>
    public sealed record Case(string Name, Action<string> Setup, string[] Args, params string[] Expect)
    {
        public override string ToString() => Name;
    }

    private static readonly Dictionary<string, Case> Cases = Build().ToDictionary(c => c.Name);

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void A_hostile_input_exits_2_with_one_named_message_and_writes_nothing(string name)
    {
        var c = Cases[name];
        var dir = CliRunner.TempDir();
        CopySeeds(Path.Combine(dir, "seeds"));
        c.Setup(dir);
        var clock = Stopwatch.StartNew();
        var result = CliRunner.Run(dir, c.Args.Select(a => a.Replace("{dir}", dir, StringComparison.Ordinal)).ToArray());
        output.WriteLine($"{name}: exit {result.ExitCode} in {clock.Elapsed.TotalSeconds:0.00} s: {result.Stderr.Trim()}");

        Assert.Equal(2, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var message = Assert.Single(lines, l => l.StartsWith("forecast: ", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
        Assert.All(c.Expect, e => Assert.Contains(e, message));
        Assert.False(Directory.Exists(Path.Combine(dir, "out")), "an out folder was written");
    }

    private static IEnumerable<Case> Build()
    {
        // The scenario file: --scenario bad.yaml.
        string[] run = ["run", "--engine", "local", "--trials", "20", "--seeds", "{dir}/seeds", "--out", "{dir}/out"];
        string[] scenario = [.. run, "--scenario", "{dir}/bad.yaml"];
        Case Scenario(string name, string text, params string[] expect) => new(name, d => Write(d, "bad.yaml", text), scenario, ["bad.yaml", .. expect]);
        Case ScenarioBytes(string name, byte[] bytes, params string[] expect) => new(name, d => File.WriteAllBytes(Path.Combine(d, "bad.yaml"), bytes), scenario, ["bad.yaml", .. expect]);
        const string ok = "name: x\nlevers:\n  hte-reward: 0.3\n";

        yield return Scenario("scenario-empty", "", "empty");
        yield return Scenario("scenario-whitespace", "  \n\n   \n", "empty");
        yield return Scenario("scenario-comments-only", "# nothing here\n# at all\n", "empty");
        yield return Scenario("scenario-unclosed-flow", "name: x\nlevers: [1, 2\n", "malformed YAML");
        yield return Scenario("scenario-bad-indent", "name: x\nlevers:\n    hte-reward: 0.3\n  coaching-coverage: 0.5\n", "malformed YAML");
        yield return Scenario("scenario-tab-indent", "name: x\nlevers:\n\thte-reward: 0.3\n", "malformed YAML");
        yield return Scenario("scenario-unclosed-quote", "name: \"x\nlevers: {}\n", "malformed YAML");
        yield return Scenario("scenario-levers-not-a-map", "name: x\nlevers: 5\n", "levers");
        yield return Scenario("scenario-name-a-list", "name: [1, 2]\n", "name");
        yield return Scenario("scenario-unknown-top-key", ok + "colour: red\n", "colour");
        yield return Scenario("scenario-unknown-lever", "name: x\nlevers:\n  free-money: 3\n", "free-money", ":3");
        yield return Scenario("scenario-duplicate-top-key", ok + "levers:\n  hte-reward: 0.4\n", "duplicate key 'levers'");
        yield return Scenario("scenario-duplicate-lever", "name: x\nlevers:\n  hte-reward: 0.3\n  hte-reward: 0.4\n", "duplicate key 'hte-reward'");
        yield return Scenario("scenario-nan", "name: x\nlevers:\n  hte-reward: .nan\n", "hte-reward");
        yield return Scenario("scenario-inf", "name: x\nlevers:\n  hte-reward: .inf\n", "hte-reward");
        yield return Scenario("scenario-minus-inf", "name: x\nlevers:\n  hte-reward: -.inf\n", "hte-reward");
        yield return Scenario("scenario-out-of-range", "name: x\nlevers:\n  hte-reward: 1e308\n", "hte-reward");
        yield return Scenario("scenario-overflowing-number", "name: x\nlevers:\n  hte-reward: 1e999\n", "hte-reward");
        yield return Scenario("scenario-huge-integer", "name: x\nlevers:\n  new-incubators-per-year: 99999999999999999999999999\n", "new-incubators-per-year");
        yield return Scenario("scenario-number-as-string", "name: x\nlevers:\n  hte-reward: \"0.3\"\n", "hte-reward");
        yield return Scenario("scenario-phased-year-out-of-range", "name: x\nlevers:\n  hte-reward: {value: 0.3, from: 2030}\n", "hte-reward");
        yield return Scenario("scenario-phased-fractional-year", "name: x\nlevers:\n  hte-reward: {value: 0.3, from: 2022.5}\n", "hte-reward");
        yield return Scenario("scenario-unknown-assumption", "name: x\nassumptions:\n  moon-phase: 3\n", "moon-phase");
        yield return Scenario("scenario-target-nan", "name: x\ntargets:\n  hte-stock-2025: .nan\n", "hte-stock-2025");
        yield return Scenario("scenario-unknown-target", "name: x\ntargets:\n  world-peace-2025: 1\n", "world-peace-2025");
        yield return Scenario("scenario-two-documents", "name: a\n---\nname: b\n", "one YAML document");
        yield return Scenario("scenario-binary-tag", "name: !!binary aGVsbG8=\n", "name");
        yield return Scenario("scenario-custom-tag", "name: x\nlevers: !money {hte-reward: 0.3}\n", "bad.yaml");
        yield return Scenario("scenario-complex-key", "name: x\n? [a, b]\n: 1\n", "key");
        yield return Scenario("scenario-merge-key", "base: &b {hte-reward: 0.3}\nname: x\nlevers:\n  <<: *b\n", "bad.yaml");
        yield return Scenario("scenario-undefined-alias", "name: x\nlevers: *nowhere\n", "bad.yaml");
        yield return Scenario("scenario-alias-bomb", AliasBomb(), "aliases");
        yield return Scenario("scenario-deep-flow", "name: x\nlevers: " + new string('[', 5_000) + new string(']', 5_000) + "\n", "nested more than");
        yield return Scenario("scenario-deep-block-sequence", "name: x\nlevers:\n" + string.Concat(Enumerable.Repeat("- ", 5_000)) + "1\n", "nested more than");
        yield return Scenario("scenario-deep-block-map", "name: x\n" + string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i) + $"k{i}:\n")) + new string(' ', 200) + "v: 1\n", "nested more than");
        yield return Scenario("scenario-too-large", "name: x\n" + string.Concat(Enumerable.Repeat("# padding padding padding padding padding padding padding\n", 80_000)), "larger than");
        yield return Scenario("scenario-control-byte", "name: x\u0001y\n", ":1", "U+0001");
        yield return Scenario("scenario-escape-byte", "name: x\ndescription: \u001b[31mred\n", ":2", "U+001B");
        yield return Scenario("scenario-delete-byte", "name: x\u007f\n", "U+007F");
        yield return ScenarioBytes("scenario-utf16le-bom", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(ok)], "UTF-16");
        yield return ScenarioBytes("scenario-utf16be-bom", [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(ok)], "UTF-16");
        yield return ScenarioBytes("scenario-utf16-no-bom", Encoding.Unicode.GetBytes(ok), "NUL");
        yield return ScenarioBytes("scenario-utf32-bom", [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(ok)], "UTF-32");
        yield return ScenarioBytes("scenario-gbk", [.. Encoding.ASCII.GetBytes("name: x\ndescription: "), 0xBF, 0xC6, 0xBC, 0xBC, 0x0A], ":2", "not UTF-8");
        yield return ScenarioBytes("scenario-latin1", [.. Encoding.ASCII.GetBytes("name: caf"), 0xE9, 0x0A], ":1", "not UTF-8");
        yield return new("scenario-missing", _ => { }, scenario, "bad.yaml", "not found");
        yield return new("scenario-is-a-folder", d => Directory.CreateDirectory(Path.Combine(d, "bad.yaml")), scenario, "bad.yaml", "folder");
        yield return new("scenario-dangling-link", d => File.CreateSymbolicLink(Path.Combine(d, "bad.yaml"), Path.Combine(d, "nowhere.yaml")), scenario, "bad.yaml", "not found");
        yield return new("scenario-dev-null", _ => { }, [.. run, "--scenario", "/dev/null"], "/dev/null", "empty");
        yield return new("scenario-dev-zero", _ => { }, [.. run, "--scenario", "/dev/zero"], "/dev/zero");
        yield return new("scenario-named-pipe", d => MakeFifo(Path.Combine(d, "bad.yaml")), scenario, "bad.yaml", "pipe");

        // The seeds folder's files: --seeds {dir}/seeds with one file broken.
        Case Seed(string name, string file, Func<string, string> edit, params string[] expect) =>
            new(name, d => File.WriteAllText(Path.Combine(d, "seeds", file), edit(File.ReadAllText(Path.Combine(d, "seeds", file)))), run, [file, .. expect]);
        yield return Seed("baseline-empty", "baseline.yaml", _ => "", "empty");
        yield return Seed("baseline-truncated", "baseline.yaml", t => t[..(t.Length / 3)], "baseline.yaml");
        yield return Seed("baseline-unknown-key", "baseline.yaml", t => t + "\nsurprise: 1\n", "surprise");
        yield return Seed("baseline-control-byte", "baseline.yaml", t => t.Insert(t.IndexOf("facts", StringComparison.Ordinal), "\u0002"), "U+0002");
        yield return new("baseline-utf16", d => File.WriteAllText(Path.Combine(d, "seeds", "baseline.yaml"), File.ReadAllText(Path.Combine(d, "seeds", "baseline.yaml")), Encoding.Unicode), run, "baseline.yaml", "UTF-16");
        yield return new("baseline-missing", d => File.Delete(Path.Combine(d, "seeds", "baseline.yaml")), run, "baseline.yaml", "not found");
        yield return Seed("targets-empty", "targets.yaml", _ => "", "empty");
        yield return Seed("targets-nan-threshold", "targets.yaml", t => t.Replace("at-least: 3.3,", "at-least: .nan,", StringComparison.Ordinal), "at-least");
        yield return Seed("targets-duplicate-id", "targets.yaml", t => t.Replace("id: ht-va-share-2022,", "id: rd-gdp-2022,", StringComparison.Ordinal), "rd-gdp-2022");
        yield return Seed("targets-year-2030", "targets.yaml", t => t.Replace("year: 2022, at-least: 3.3", "year: 2030, at-least: 3.3", StringComparison.Ordinal), "year");
        yield return Seed("targets-unknown-indicator", "targets.yaml", t => t.Replace("indicator: rd-gdp,", "indicator: happiness,", StringComparison.Ordinal), "happiness");
        yield return Seed("targets-wrong-type", "targets.yaml", _ => "targets: many\n", "targets");
        yield return Seed("calibration-truncated", "calibration.yaml", t => t[..(t.Length / 2)], "calibration.yaml");
        yield return Seed("calibration-other-baseline", "calibration.yaml", t => System.Text.RegularExpressions.Regex.Replace(t, "[0-9a-f]{64}", new string('0', 64)), "calibration.yaml");
        yield return Seed("posterior-empty", "posterior.csv", _ => "", "posterior.csv");
        yield return Seed("posterior-nan-weight", "posterior.csv", t => ReplaceFirstField(t, 2, "NaN"), "posterior.csv", ":2");
        yield return Seed("posterior-short-row", "posterior.csv", t => string.Join('\n', t.Split('\n').Select((l, i) => i == 3 ? l[..l.LastIndexOf(',')] : l)), "posterior.csv", ":4");
        yield return Seed("posterior-text-value", "posterior.csv", t => ReplaceFirstField(t, 5, "lots"), "posterior.csv", ":5");
        yield return new("posterior-gbk", d => File.AppendAllBytes(Path.Combine(d, "seeds", "posterior.csv"), [0xD6, 0xD0, 0x0A]), run, "posterior.csv", "not UTF-8");
        yield return new("posterior-is-a-folder", d => { File.Delete(Path.Combine(d, "seeds", "posterior.csv")); Directory.CreateDirectory(Path.Combine(d, "seeds", "posterior.csv")); }, run, "posterior.csv");

        // Actuals and forecast.json for `score`; a run folder for `report`.
        string[] score = ["score", "{dir}/forecast.json", "--actuals", "{dir}/actuals.yaml", "--out", "{dir}/out"];
        static void Forecast(string d) => File.Copy(RealForecast.Value, Path.Combine(d, "forecast.json"));
        yield return new("actuals-empty", d => { Forecast(d); Write(d, "actuals.yaml", ""); }, score, "empty");
        yield return new("actuals-malformed", d => { Forecast(d); Write(d, "actuals.yaml", "actuals: [\n"); }, score, "actuals.yaml", "malformed YAML");
        yield return new("forecast-json-not-json", d => { Write(d, "forecast.json", "{ not json"); Write(d, "actuals.yaml", "information-date: 2023-01-01\n"); }, score, "forecast.json");
        yield return new("forecast-json-deep", d => { Write(d, "forecast.json", new string('[', 100_000)); Write(d, "actuals.yaml", "information-date: 2023-01-01\n"); }, score, "forecast.json");
        yield return new("report-forecast-not-json", d => { Directory.CreateDirectory(Path.Combine(d, "r")); Write(d, "r/forecast.json", "[1, 2"); }, ["report", "{dir}/r", "--out", "{dir}/out/r.html"], "forecast.json");
        yield return new("report-forecast-fifo", d => { Directory.CreateDirectory(Path.Combine(d, "r")); MakeFifo(Path.Combine(d, "r", "forecast.json")); }, ["report", "{dir}/r", "--out", "{dir}/out/r.html"], "forecast.json", "pipe");

        // Options and the output folder.
        yield return new("out-is-a-file", d => Write(d, "out", "x"), run, "out");
        yield return new("out-under-proc", _ => { }, ["run", "--engine", "local", "--trials", "20", "--seeds", "{dir}/seeds", "--out", "/proc/forecast-out"], "--out");
        yield return new("trials-negative", _ => { }, [.. run[..^2], "--trials", "-1", "--out", "{dir}/out"], "--trials");
        yield return new("batch-zero", _ => { }, [.. run, "--batch", "0"], "--batch");
        yield return new("seeds-missing", _ => { }, ["run", "--engine", "local", "--seeds", "{dir}/no-seeds", "--out", "{dir}/out"], "baseline.yaml", "not found");
    }

    // a real forecast.json (20 trials), for the cases that break what is read after it
    private static readonly Lazy<string> RealForecast = new(() =>
    {
        var dir = CliRunner.TempDir();
        var run = CliRunner.Run(dir, "run", "--engine", "local", "--trials", "20", "--out", "f");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return Path.Combine(dir, "f", "forecast.json");
    });

    private static void Write(string dir, string name, string text) => File.WriteAllText(Path.Combine(dir, name), text, new UTF8Encoding(false));

    private static string AliasBomb()
    {
        var text = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
        {
            text.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        return text.Append("name: x\n").ToString();
    }

    private static string ReplaceFirstField(string csv, int line, string value)
    {
        var lines = csv.Split('\n');
        var fields = lines[line - 1].Split(',');
        fields[0] = value;
        lines[line - 1] = string.Join(',', fields);
        return string.Join('\n', lines);
    }

    private static void MakeFifo(string path) => Process.Start("mkfifo", [path])!.WaitForExit();

    private static void CopySeeds(string to)
    {
        Directory.CreateDirectory(Path.Combine(to, "scenarios"));
        foreach (var file in Directory.GetFiles(CliRunner.Seeds).Concat(Directory.GetFiles(Path.Combine(CliRunner.Seeds, "scenarios"))))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(CliRunner.Seeds, file)));
        }
    }
}
