using System.Globalization;
using Forecast.Calibration;
using Forecast.Engines;
using Forecast.Running;
using Forecast.Studies;
using Spectre.Console;

namespace Forecast.Reports;

/// <summary>The tables a study's records become on the terminal.</summary>
public static class ConsoleReport
{
    private static readonly string[] Headline =
        ["new-hte", "new-ptsme", "new-rd-inst", "new-incubators", "incubator-area", "hte-stock", "ptsme-stock", "rd-gdp", "ht-va-share", "ht-invest-growth", "policy-cost"];

    static ConsoleReport() => FitRedirectedOutput();

    /// <summary>A log or pipe is not wrapped at 80 columns.</summary>
    internal static void FitRedirectedOutput()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }
    }

    /// <summary>The line after an adaptive run: how many trials it took and whether it reached the precision.</summary>
    public static void Adaptive(RunPlan plan, RunTable result)
    {
        if (plan.Precision is not { } precision)
        {
            return;
        }

        var (trials, widest, maxTrials) = (result.Table.Trials, result.WidestHalfWidth!.Value, plan.Trials);
        var reached = result.StoppedBy == StopReason.Precision;
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
        if (r.Targets.Any(t => t.Probability is 0 or 1) || r.Joint.Any(j => j.Probability is 0 or 1))
        {
            AnsiConsole.MarkupLine("[grey]P(met) 0.000 or 1.000: no trial (or every trial) met it; the interval is how far the trials can rule it out, not a certainty.[/]");
        }

        if (r.Drivers.Any(d => d.Inputs.Count > 0))
        {
            var drivers = new Table().Title("What drives each target: first-order share of the variance of met [[90% interval]]")
                .AddColumns("target", "1st", "2nd", "3rd");
            foreach (var d in r.Drivers.Where(d => d.Inputs.Count > 0))
            {
                drivers.AddRow([Markup.Escape(d.Target), .. Enumerable.Range(0, 3).Select(k => k < d.Inputs.Count
                    ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{d.Inputs[k].Input} {d.Inputs[k].Share:0.00} [{d.Inputs[k].Lo:0.00}, {d.Inputs[k].Hi:0.00}]"))
                    : string.Empty)]);
            }

            AnsiConsole.Write(drivers);
        }

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

    /// <summary>The calibration: rounds, the 2021 facts against the prior and posterior predictive, what the ensemble learned.</summary>
    public static void Calibration(CalibrationReport r)
    {
        var rounds = new Table().Title($"ABC-SMC: {r.Particles:N0} particles, seed {r.Seed}")
            .AddColumns("round", "tolerance", "proposed", "accepted", "ESS");
        foreach (var round in r.Rounds)
        {
            rounds.AddRow(I(round.Round), N(round.Tolerance), I(round.Proposed), I(round.Accepted), N(round.EffectiveSampleSize));
        }

        AnsiConsole.Write(rounds);
        var facts = new Table().Title($"2021 facts: posterior predictive on {r.PredictiveTrials:N0} fresh trials (goal: mean within 2%, fact inside P5-P95)")
            .AddColumns("fact", "observed", "prior P5-P95", "posterior mean", "error", "posterior P5-P95", "inside", "binds");
        foreach (var f in r.Facts)
        {
            facts.AddRow(Markup.Escape(f.Id), N(f.Observed), $"{N(f.PriorP5)} - {N(f.PriorP95)}", N(f.PosteriorMean), Signed(f.RelativeError * 100) + "%",
                $"{N(f.PosteriorP5)} - {N(f.PosteriorP95)}", f.Inside90 ? "yes" : "[red]no[/]", f.Binds ? "yes" : "no");
        }

        AnsiConsole.Write(facts);
        var inputs = new Table().Title("What the ensemble learned (sd ratio: posterior over prior, 1 = nothing)")
            .AddColumns("input", "prior median", "posterior median", "sd ratio");
        foreach (var i in r.Inputs.OrderBy(i => i.SdRatio))
        {
            inputs.AddRow(Markup.Escape(i.Id), N(i.PriorMedian), N(i.PosteriorMedian), i.SdRatio.ToString("0.00", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(inputs);
    }

    private static string I(int v) => v.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The files written and how long the command took.</summary>
    /// <summary>`forecast score` and `forecast backtest`: each actual against its fan, each target's probability against what happened.</summary>
    public static void Score(ScoreResult r, string? title = null)
    {
        var indicators = new Table().Title(Markup.Escape(title ?? "Indicators against actuals"))
            .AddColumns("indicator", "year", "actual", "PIT", "inside P5-P95", "CRPS");
        foreach (var i in r.Indicators)
        {
            indicators.AddRow(Markup.Escape(i.Id), i.Year.ToString(CultureInfo.InvariantCulture), N(i.Actual), P(i.Pit), i.Inside90 ? "yes" : "[yellow]no[/]", N(i.Crps));
        }

        AnsiConsole.Write(indicators);
        if (r.Targets.Count > 0)
        {
            var targets = new Table().Title("Targets against what happened").AddColumns("target", "met", "P(met)", "Brier", "log");
            foreach (var t in r.Targets)
            {
                targets.AddRow(Markup.Escape(t.Id), t.Met ? "yes" : "no", P(t.Probability), P(t.Brier), t.Log.ToString("0.000", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(targets);
        }

        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{r.Indicators.Count(i => i.Inside90)} of {r.Indicators.Count} actuals inside P5-P95 (expected about 90%)")
            + (r.Targets.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"; mean Brier {r.MeanBrier:0.000} over {r.Targets.Count} targets") : string.Empty)));
        foreach (var a in r.Unmatched)
        {
            AnsiConsole.MarkupLine($"[yellow]not scored: {Markup.Escape(a.Id)} {a.Year} (no such indicator and year in the forecast)[/]");
        }
    }

    public static void Wrote(IEnumerable<string> files, TimeSpan elapsed) =>
        AnsiConsole.MarkupLineInterpolated($"[grey]wrote {string.Join(", ", files)} in {elapsed.TotalSeconds:F1} s[/]");

    /// <summary>`runs list`: one line per run, oldest first.</summary>
    public static void Runs(IReadOnlyList<RunRecord> records)
    {
        Console.WriteLine($"{"RUN",-36}  {"STATE",-8}  {"SCENARIO",-20}  {"SEED",6}  {"TRIALS",9}  {"SUBMITTED (UTC)",-20}  FINISHED (UTC)");
        foreach (var r in records.OrderBy(r => r.SubmittedUtc))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.RunId:D}  {State(r.State),-8}  {r.Scenario,-20}  {r.Seed,6}  {r.Trials,9}  {Time(r.SubmittedUtc),-20}  {(r.FinishedUtc is { } f ? Time(f) : "-")}"));
        }

        Console.WriteLine($"{records.Count} run(s)");
    }

    /// <summary>`runs show`: a run's record, live status and checkpoints by silo.</summary>
    public static void Run(Guid runId, RunDetails details)
    {
        var (record, status) = (details.Record, details.Status);
        Console.WriteLine($"run        {runId:D}");
        if (record is not null)
        {
            Console.WriteLine($"scenario   {record.Scenario}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed       {record.Seed}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trials     {record.Trials}{(record.Adaptive ? " (adaptive)" : "")}"));
            Console.WriteLine($"submitted  {Time(record.SubmittedUtc)} UTC");
            Console.WriteLine($"finished   {(record.FinishedUtc is { } f ? Time(f) + " UTC" : "-")}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"state      {State(status.State)}{(status.Error is null ? "" : ": " + status.Error)} ({status.TrialsDone} trials done, {status.Fraction:P0})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batches    {status.Batches} checkpointed on {status.Shards} shard(s); resumed {status.Resumes} time(s){(status.ResumedAtTrial >= 0 ? $", first at trial {status.ResumedAtTrial}" : "")}"));
        foreach (var silo in details.Checkpoints.GroupBy(c => c.Silo))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {silo.Count(),4} batch(es) by {silo.Key} (trials {silo.Min(c => c.FirstTrial)}..{silo.Max(c => c.FirstTrial + c.Trials) - 1}, finished {Time(silo.Min(c => c.FinishedUtc))}..{Time(silo.Max(c => c.FinishedUtc))} UTC)"));
        }
    }

    private static string State(RunState state) => state.ToString().ToLowerInvariant();

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A probability to three places, or four near 0 and 1 so a small but non-zero bound does not print as a certainty.</summary>
    private static string P(double p) => p.ToString(p is > 0 and < 0.001 or > 0.999 and < 1 ? "0.0000" : "0.000", CultureInfo.InvariantCulture);

    private static string Signed(double v) => v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string N(double v) => Math.Abs(v) >= 1000
        ? v.ToString("N0", CultureInfo.InvariantCulture)
        : v.ToString("0.##", CultureInfo.InvariantCulture);
}
