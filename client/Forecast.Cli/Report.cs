using System.Globalization;
using Forecast.Calibration;
using Forecast.Output;
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

    public static async Task<T> WithProgress<T>(string title, Func<IProgress<double>, Task<T>> work)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            T result = default!;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                    result = await work(new Progress<double>(f => task.Value = f));
                    task.Value = 1.0;
                });
            return result;
        }

        Console.WriteLine($"{title}: started");
        var lastTenth = -1;
        var plain = new Progress<double>(f =>
        {
            var tenth = (int)(f * 10);
            if (tenth > lastTenth && tenth < 10)
            {
                lastTenth = tenth;
                Console.WriteLine($"{title}: {tenth * 10}%");
            }
        });
        var r = await work(plain);
        Console.WriteLine($"{title}: 100%");
        return r;
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
