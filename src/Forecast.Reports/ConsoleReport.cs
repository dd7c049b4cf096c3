using System.Globalization;
using Forecast.Calibration;
using Forecast.Output;
using Forecast.Simulation;
using Spectre.Console;

namespace Forecast.Cli;

/// <summary>What the CLI prints: a progress bar on a terminal (plain lines otherwise) and result tables.</summary>
public static class Report
{
    private static readonly string[] Headline =
        ["new-hte", "new-ptsme", "new-rd-inst", "new-incubators", "incubator-area", "hte-stock", "ptsme-stock", "rd-gdp", "ht-va-share", "ht-invest-growth", "policy-cost"];

    static Report()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160; // a log or pipe: do not wrap tables at 80 columns
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> under a progress bar (plain lines when not on a terminal). An
    /// adaptive run does not know its length: the bar follows an estimate and the title shows the
    /// trials done and the widest half-width so far; plain output prints a line at most every second.
    /// </summary>
    public static async Task<T> WithProgress<T>(string title, bool adaptive, Func<IProgress<TrialProgress>, Task<T>> work)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            T result = default!;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                    result = await work(new Progress<TrialProgress>(p =>
                    {
                        task.Value = Math.Clamp(p.Fraction, 0, 1);
                        if (adaptive)
                        {
                            task.Description = Markup.Escape($"{title}: {AdaptiveLine(p)}");
                        }
                    }));
                    task.Value = 1.0;
                });
            return result;
        }

        Console.WriteLine($"{title}: started");
        var gate = new object();
        var lastTenth = -1;
        var lastTrials = 0;
        var lastLine = System.Diagnostics.Stopwatch.StartNew();
        var plain = new Progress<TrialProgress>(p =>
        {
            lock (gate)
            {
                if (adaptive)
                {
                    if (p.TrialsDone > lastTrials && lastLine.Elapsed >= TimeSpan.FromSeconds(1))
                    {
                        lastTrials = p.TrialsDone;
                        lastLine.Restart();
                        Console.WriteLine($"{title}: {AdaptiveLine(p)}");
                    }

                    return;
                }

                var tenth = (int)(p.Fraction * 10);
                if (tenth > lastTenth && tenth < 10)
                {
                    lastTenth = tenth;
                    Console.WriteLine($"{title}: {tenth * 10}%");
                }
            }
        });
        var r = await work(plain);
        Console.WriteLine($"{title}: 100%");
        return r;
    }

    private static string AdaptiveLine(TrialProgress p) => p.TrialsDone == 0
        ? "first batch"
        : string.Create(CultureInfo.InvariantCulture, $"{p.TrialsDone:N0} trials, widest half-width {p.WidestHalfWidth:0.0000}");

    /// <summary>The line after an adaptive run: how many trials it took and whether it reached the precision.</summary>
    public static void Adaptive(int trials, double precision, double widest, int maxTrials)
    {
        var reached = widest <= precision;
        var line = reached
            ? string.Create(CultureInfo.InvariantCulture, $"adaptive: {trials:N0} trials reached precision {precision:0.####} (widest 95% half-width {widest:0.0000}); --trials {trials} gives the same results")
            : string.Create(CultureInfo.InvariantCulture, $"adaptive: stopped at the cap of {maxTrials:N0} trials before precision {precision:0.####} (widest 95% half-width {widest:0.0000})");
        AnsiConsole.MarkupLine(reached ? Markup.Escape(line) : $"[yellow]{Markup.Escape(line)}[/]");
    }

    public static void Forecast(ForecastResult r)
    {
        var targets = new Table().Title($"Targets: scenario '{Markup.Escape(r.Scenario.Name)}', {r.Trials:N0} trials, seed {r.Seed}")
            .AddColumns("target", "year", "threshold", "P(met)", "95% interval");
        foreach (var t in r.Targets)
        {
            targets.AddRow(Markup.Escape(t.Id), t.Year.ToString(CultureInfo.InvariantCulture), N(t.Threshold), P(t.Probability), $"[[{P(t.Lo)}, {P(t.Hi)}]]");
        }

        foreach (var j in r.Joint)
        {
            targets.AddRow($"[bold]all {j.Year} targets[/]", j.Year.ToString(CultureInfo.InvariantCulture), $"{j.Targets.Count} targets", P(j.Probability), $"[[{P(j.Lo)}, {P(j.Hi)}]]");
        }

        AnsiConsole.Write(targets);

        var years = r.Indicators.Select(i => i.Year).Distinct().Order().ToArray();
        var indicators = new Table().Title("Indicators: P5 / P50 / P95 by year (quantiles R-7)").AddColumn("indicator");
        foreach (var y in years)
        {
            indicators.AddColumn(new TableColumn(y.ToString(CultureInfo.InvariantCulture)).RightAligned());
        }

        foreach (var id in Headline)
        {
            var rows = r.Indicators.Where(i => i.Id == id).OrderBy(i => i.Year).ToArray();
            if (rows.Length == 0)
            {
                continue;
            }

            indicators.AddRow([$"{id} ({Markup.Escape(rows[0].Unit)})", .. rows.Select(i => $"{N(i.Summary.P5)} / {N(i.Summary.P50)} / {N(i.Summary.P95)}")]);
        }

        AnsiConsole.Write(indicators);
    }

    public static void Comparison(ComparisonResult r)
    {
        var table = new Table().Title($"What-if '{Markup.Escape(r.Other.Name)}' vs '{Markup.Escape(r.Base.Name)}': {r.Trials:N0} paired trials, seed {r.Seed}")
            .AddColumns("target", "year", "P(met) base", "P(met) what-if", "difference", "95% interval (paired)");
        foreach (var t in r.Targets.Concat(r.Joint))
        {
            table.AddRow(t.Id, t.Year.ToString(CultureInfo.InvariantCulture), P(t.BaseProbability), P(t.OtherProbability),
                Signed(t.Difference.Mean), $"[[{Signed(t.Difference.Lo)}, {Signed(t.Difference.Hi)}]]");
        }

        AnsiConsole.Write(table);
        var cost = new Table().Title("Policy cost (M yuan a year, mean)").AddColumns("year", "base", "what-if", "difference", "95% interval (paired)");
        foreach (var c in r.Cost)
        {
            cost.AddRow(c.Year.ToString(CultureInfo.InvariantCulture), N(c.BaseMean), N(c.OtherMean), N(c.Difference.Mean), $"[[{N(c.Difference.Lo)}, {N(c.Difference.Hi)}]]");
        }

        AnsiConsole.Write(cost);
    }

    public static void Calibration(CalibrationReport r)
    {
        var table = new Table().Title($"Calibration to 2021: {r.Trials:N0} trials, {r.Iterations} iterations, seed {r.Seed}")
            .AddColumns("fact", "target", "simulated mean", "error");
        foreach (var f in r.Fit)
        {
            table.AddRow(f.FactId, N(f.Target), N(f.Simulated), Signed(f.RelativeError * 100) + "%");
        }

        AnsiConsole.Write(table);
        var values = new Table().AddColumns("parameter", "value");
        for (var i = 0; i < Model.CalibratedValues.Ids.Length; i++)
        {
            values.AddRow(Model.CalibratedValues.Ids[i], r.Values[i].ToString("G6", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(values);
    }

    private static string P(double p) => p.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Signed(double v) => v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string N(double v) => Math.Abs(v) >= 1000
        ? v.ToString("N0", CultureInfo.InvariantCulture)
        : v.ToString("0.##", CultureInfo.InvariantCulture);
}
