using System.Globalization;
using Forecast.Model;
using Forecast.Studies;
using Spectre.Console;

namespace Forecast.Reports;

/// <summary>The planner studies on the terminal: levers, tornado tables, goal seeking, sweeps, attributions and risk boxes.</summary>
public static class StudyReport
{
    static StudyReport() => ConsoleReport.FitRedirectedOutput();

    public static void Levers(IReadOnlyList<LeverDefinition> levers)
    {
        var table = new Table().Title("Policy levers: baseline value, allowed range and yearly cost rule")
            .AddColumns("lever", "baseline", "allowed", "unit", "cost (M yuan a year)", "coupling", "acts on");
        foreach (var l in levers)
        {
            table.AddRow(Markup.Escape(l.Id), N(l.Baseline), $"{N(l.Min)} .. {N(l.Max)}", Markup.Escape(l.Unit),
                Markup.Escape(StudyFiles.CostRule(l).Replace(" M yuan a year", string.Empty, StringComparison.Ordinal)),
                l.Coupling.ToString(), l.Channel.ToString());
        }

        AnsiConsole.Write(table);
    }

    /// <summary>One tornado per target (or only <paramref name="only"/>), levers by the size of their effect; then the drivers the planner cannot set.</summary>
    public static void Sensitivity(SensitivityResult r, IReadOnlyList<string>? only)
    {
        var targets = r.Rows.Select(x => x.Target).Distinct().Where(t => only is not { Count: > 0 } || only.Contains(t)).ToList();
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Sensitivity of '{r.Scenario.Name}': every lever at each end of its allowed range, {r.Trials:N0} paired trials, seed {r.Seed}; base policy cost {r.BaseCost:0.#} M yuan a year")));
        foreach (var target in targets)
        {
            var rows = r.Tornado(target);
            var baseP = rows.Count > 0 ? rows[0].Low.BaseProbability : double.NaN;
            var table = new Table().Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{target}: P(met) {baseP:0.000} today; change in P [paired 95% interval]")))
                .AddColumns("lever", "low end", "change in P", "cost change", "high end", "change in P", "cost change");
            foreach (var (lever, low, high) in rows)
            {
                table.AddRow(Markup.Escape(lever), N(low.Value), Delta(low), Cost(low), N(high.Value), Delta(high), Cost(high));
            }

            AnsiConsole.Write(table);
        }

        var drivers = r.Forecast.Drivers.Where(d => d.Inputs.Count > 0 && (only is not { Count: > 0 } || only.Contains(d.Target))).ToList();
        if (drivers.Count > 0)
        {
            var table = new Table().Title("What the planner must watch: the uncertain inputs that drive each target (first-order variance share)")
                .AddColumns("target", "1st", "2nd", "3rd");
            foreach (var d in drivers)
            {
                table.AddRow([Markup.Escape(d.Target), .. Enumerable.Range(0, 3).Select(k => k < d.Inputs.Count
                    ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{d.Inputs[k].Input} {d.Inputs[k].Share:0.00}"))
                    : string.Empty)]);
            }

            AnsiConsole.Write(table);
        }
    }

    public static void Seek(SeekResult r)
    {
        var table = new Table().Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Goal seek: P({r.Target}) >= {r.Goal:0.###} on '{r.Scenario}', {r.Trials:N0} paired trials, seed {r.Seed}")))
            .AddColumns("", "levers", "P(met)", "95% interval", "cost (M yuan a year)");
        table.AddRow("today", Markup.Escape(string.Join(", ", r.Start.Levers)), P(r.Start.Probability), $"[[{P(r.Start.Lo)}, {P(r.Start.Hi)}]]", N(r.Start.Cost));
        table.AddRow(r.Reached ? "[green]answer[/]" : "[yellow]best reached[/]", Markup.Escape(string.Join(", ", r.Answer.Levers)), P(r.Answer.Probability),
            $"[[{P(r.Answer.Lo)}, {P(r.Answer.Hi)}]]", N(r.Answer.Cost));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"{(r.Reached ? "reached" : "not reached")}: {r.Explanation} ({r.Path.Count} settings run; {r.Method})"));
    }

    public static void Sweep(SweepResult r)
    {
        var targets = r.Points.Count > 0 ? r.Points[0].Targets.Select(t => t.Target).ToList() : [];
        var table = new Table().Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Sweep ({r.Design}) on '{r.Scenario}': {r.Points.Count} points, {r.Trials:N0} paired trials each, seed {r.Seed}; P(met) per target")));
        foreach (var c in r.Ranges.Select(x => x.Lever).Concat(targets.Select((_, i) => $"T{i + 1}")).Append("cost"))
        {
            table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        }

        foreach (var p in r.Points)
        {
            table.AddRow([.. p.Levers.Select(l => N(l.Value)), .. p.Targets.Select(t => P(t.Probability)), N(p.Cost)]);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape("P(met) of " + string.Join(", ", targets.Select((t, i) => $"T{i + 1} {t}")) + "; cost in M yuan a year"));
    }

    public static void Explain(ExplainResult r)
    {
        var table = new Table().Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Why '{r.Scenario}' differs from '{r.Base}': change in P(met) split by exact Shapley values, {r.Trials:N0} paired trials, seed {r.Seed}")))
            .AddColumns("target", "base", "scenario", "change");
        foreach (var p in r.Players)
        {
            table.AddColumn(new TableColumn(Markup.Escape(p)).RightAligned());
        }

        foreach (var t in r.Targets)
        {
            table.AddRow([Markup.Escape(t.Target), P(t.Base), P(t.Scenario), Signed(t.Total), .. t.Parts.Select(x => Signed(x.Part))]);
        }

        table.AddRow(["cost (M yuan a year)", N(r.BaseCost), N(r.ScenarioCost), N(r.ScenarioCost - r.BaseCost), .. r.CostParts.Select(x => N(x.Part))]);
        AnsiConsole.Write(table);
        if (r.Players.Count == 0)
        {
            AnsiConsole.MarkupLine("The scenario changes nothing against the base: every change is 0.");
        }
    }

    public static void Risks(RiskResult r)
    {
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Where '{r.Target}' is missed ('{r.Scenario}', {r.Trials:N0} trials, seed {r.Seed}): missed in {r.Missed:N0} trials ({r.MissRate:0.000})")));
        if (r.Missed == 0 || r.Missed == r.Trials)
        {
            AnsiConsole.MarkupLine(r.Missed == 0 ? "No trial misses it: there is no region to find." : "Every trial misses it: no region of the inputs avoids the miss.");
            return;
        }

        foreach (var (minCoverage, _, box) in r.Boxes)
        {
            var table = new Table().Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Peeled to hold >= {minCoverage:0%} of the misses, pruned to its significant limits: coverage {box.Coverage:0.00}, density {box.Density:0.00} (base rate {r.MissRate:0.00}), mass {box.Mass:0.00}")))
                .AddColumns("uncertain input", "box", "range in the trials", "quasi-p");
            foreach (var l in box.Limits)
            {
                table.AddRow(Markup.Escape(l.Input), Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{l.Lo:G4} .. {l.Hi:G4}")),
                    Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{l.DataLo:G4} .. {l.DataHi:G4}")),
                    l.PValue.ToString("0.###", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
        }
    }

    private static string Delta(SensitivityRow x) =>
        string.Create(CultureInfo.InvariantCulture, $"{Signed(x.Delta.Mean)} [[{Signed(x.Delta.Lo)}, {Signed(x.Delta.Hi)}]]");

    private static string Cost(SensitivityRow x) => string.Create(CultureInfo.InvariantCulture, $"{x.CostDelta.Mean:+0.#;-0.#;0}");

    private static string N(double v) => double.IsFinite(v) ? v.ToString("#,0.###", CultureInfo.InvariantCulture) : "-";

    private static string P(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Signed(double v) => v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);
}
