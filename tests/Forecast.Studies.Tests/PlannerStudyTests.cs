using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Studies.Tests;

/// <summary>The planner's second question on the local engine: sensitivity, goal seek, sweep, attribution, phased levers and risks.</summary>
public sealed class PlannerStudyTests
{
    private static readonly RunPlan Small = new(7, 96, 48);

    [Fact]
    public async Task Sensitivity_deltas_match_a_separate_paired_comparison_of_the_same_variant()
    {
        await using var engine = new LocalEngine();

        var r = await SensitivityStudy.Run(engine, Seeds.Inputs(), Small, ["coaching-coverage", "hte-reward"], null, default);
        var high = Variants.With(Seeds.Inputs(), "coaching everyone", [new LeverSetting("coaching-coverage", 1.0)]);
        var second = await CompareStudy.Run(engine, Seeds.Inputs(), high, Small, null, default);

        foreach (var t in second.Targets.Concat(second.Joint))
        {
            var row = r.Rows.Single(x => x.Lever == "coaching-coverage" && x.End == "high" && x.Target == t.Id);
            Assert.Equal((t.BaseProbability, t.OtherProbability, t.Difference), (row.BaseProbability, row.Probability, row.Delta));
        }

        Assert.Equal(2 * 2 * (r.Forecast.Targets.Count + r.Forecast.Joint.Count), r.Rows.Count);
        Assert.True(r.Rows.Where(x => x.Lever == "coaching-coverage" && x.End == "high").First().CostDelta.Mean > 0, "coaching everyone costs more");
        Assert.True(r.Rows.Single(x => x.Lever == "hte-reward" && x.End == "high" && x.Target == "new-hte-2022").Delta.Mean > 0,
            "a ten-fold HTE reward raises new HTE recognitions");
        var effects = r.Tornado("new-hte-2022").Select(x => Math.Max(Math.Abs(x.Low.Delta.Mean), Math.Abs(x.High.Delta.Mean))).ToList();
        Assert.Equal(effects.OrderDescending(), effects);
    }

    [Fact]
    public async Task A_sought_setting_holds_up_when_run_as_a_plain_forecast()
    {
        await using var engine = new LocalEngine();
        var start = (await SensitivityStudy.Run(engine, Seeds.Inputs(), Small, ["coaching-coverage"], null, default)).Rows
            .Single(x => x.Target == "hte-stock-2025" && x.End == "low").BaseProbability;
        var goal = Math.Min(0.99, start + 0.05);

        var seek = await SeekStudy.Run(engine, Seeds.Inputs(), Small, "hte-stock-2025", goal, ["coaching-coverage"], null, null, default);

        Assert.True(seek.Reached, seek.Explanation);
        Assert.True(seek.Answer.Probability >= goal);
        var scenario = Seeds.Inputs() with { ScenarioName = "seek-scenario.yaml", ScenarioYaml = seek.AnswerScenario };
        var rerun = await ForecastStudy.Run(engine, new RunRequest(scenario, Small), null, default);
        Assert.True(rerun.Forecast.Targets.Single(t => t.Id == "hte-stock-2025").Probability >= goal - SeekResult.Tolerance);

        // The smallest value on the grid: one step lower does not reach the goal.
        var lever = ParametersLoader.Load(Seeds.Inputs()).Levers.Single(l => l.Id == "coaching-coverage");
        var value = seek.Answer.Levers[0].Value;
        if (value > lever.Min)
        {
            var below = Variants.With(Seeds.Inputs(), "one step below", [new LeverSetting(lever.Id, value - ((lever.Max - lever.Min) / SeekStudy.Steps))]);
            var p = (await ForecastStudy.Run(engine, new RunRequest(below, Small), null, default)).Forecast.Targets.Single(t => t.Id == "hte-stock-2025").Probability;
            Assert.True(p < goal, $"one step below the answer P = {p} already reaches {goal}");
        }
    }

    [Fact]
    public async Task A_goal_no_setting_reaches_says_what_limits_it()
    {
        await using var engine = new LocalEngine();

        var flat = await SeekStudy.Run(engine, Seeds.Inputs(), new RunPlan(3, 40, 40), "new-rd-inst-2022", 0.5, ["partner-banks"], null, null, default);
        var budget = await SeekStudy.Run(engine, Seeds.Inputs(), Small, "new-hte-2022", 0.99, ["hte-reward", "coaching-coverage"], 1, null, default);

        // partner-banks does not touch R&D institutions: P never moves, so the model, not the range, limits it (or it is met already).
        Assert.True(flat.Reached || flat.Limit == SeekLimit.Model, flat.Explanation);
        Assert.False(budget.Reached);
        Assert.Equal(SeekLimit.Budget, budget.Limit);
        Assert.Contains("budget", budget.Explanation);
    }

    [Theory]
    [InlineData("no-such-target", 0.5, "coaching-coverage", null, "--target")]
    [InlineData("new-hte-2022", 1.0, "coaching-coverage", null, "--probability")]
    [InlineData("new-hte-2022", 0.0, "coaching-coverage", null, "--probability")]
    [InlineData("new-hte-2022", 0.9, "free-money", null, "--lever")]
    [InlineData("new-hte-2022", 0.9, "coaching-coverage", -1.0, "--budget")]
    public void Bad_seek_input_is_named(string target, double goal, string lever, double? budget, string field)
    {
        var e = Assert.Throws<InputException>(() => SeekStudy.Check(ParametersLoader.Load(Seeds.Inputs()), target, goal, [lever], budget));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public async Task A_sweep_point_equals_a_plain_run_of_the_same_scenario()
    {
        await using var engine = new LocalEngine();
        var p = ParametersLoader.Load(Seeds.Inputs());

        var sweep = await SweepStudy.Run(engine, Seeds.Inputs(), Small, [SweepRange.Parse(p, "hte-reward=0..1:3")], "grid", 0, null, default);
        var plain = await ForecastStudy.Run(engine, new RunRequest(Variants.With(Seeds.Inputs(), "half", [new LeverSetting("hte-reward", 0.5)]), Small), null, default);

        Assert.Equal([0, 0.5, 1], sweep.Points.Select(x => x.Levers[0].Value));
        var point = sweep.Points[1];
        foreach (var t in plain.Forecast.Targets)
        {
            Assert.Equal(t.Probability, point.Targets.Single(x => x.Target == t.Id).Probability);
        }

        foreach (var j in plain.Forecast.Joint)
        {
            Assert.Equal(j.Probability, point.Targets.Single(x => x.Target == $"all-{j.Year}").Probability);
        }
    }

    [Fact]
    public void A_latin_hypercube_puts_one_point_in_every_stratum_of_every_lever_and_depends_on_the_seed_alone()
    {
        var p = ParametersLoader.Load(Seeds.Inputs());
        var ranges = new[] { SweepRange.Parse(p, "hte-reward=0..1:2"), SweepRange.Parse(p, "coaching-coverage=0..1:2") };

        var a = SweepStudy.LatinHypercube(ranges, 10, 5);

        for (var d = 0; d < 2; d++)
        {
            Assert.Equal(Enumerable.Range(0, 10), a.Select(x => (int)Math.Floor(x[d] * 10)).Order());
        }

        Assert.Equal(a, SweepStudy.LatinHypercube(ranges, 10, 5));
        Assert.NotEqual(a, SweepStudy.LatinHypercube(ranges, 10, 6));
    }

    [Theory]
    [InlineData("free-money=0..1:3", "unknown lever")]
    [InlineData("hte-reward=0..5:3", "outside the allowed range")]
    [InlineData("hte-reward=0..1", "not a range")]
    [InlineData("hte-reward=0..1:1", "points")]
    [InlineData("hte-reward=a..1:3", "must be numbers")]
    public void Bad_sweep_ranges_are_named(string text, string message)
    {
        var e = Assert.Throws<InputException>(() => SweepRange.Parse(ParametersLoader.Load(Seeds.Inputs()), text));
        Assert.Equal("--lever", e.Field);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task A_phased_lever_leaves_every_year_before_it_identical_to_the_baseline()
    {
        await using var engine = new LocalEngine();
        var phased = Variants.With(Seeds.Inputs(), "reward from 2024", [new LeverSetting("hte-reward", 1.5, 2024), new LeverSetting("coaching-coverage", 1.0, 2024)]);

        var a = (await engine.Runs.Wait(await engine.Runs.Submit(new RunRequest(Seeds.Inputs(), Small), default), null, default)).Result.Table;
        var b = (await engine.Runs.Wait(await engine.Runs.Submit(new RunRequest(phased, Small), default), null, default)).Result.Table;

        for (var year = 2021; year <= 2025; year++)
        {
            var same = Enum.GetValues<Indicator>().All(i => a.Series(i, year).SequenceEqual(b.Series(i, year)));
            Assert.Equal(year < 2024, same);
        }
    }

    [Fact]
    public void A_phased_lever_must_start_in_a_policy_year()
    {
        foreach (var (from, ok) in new[] { ("2021", false), ("2022", true), ("2025", true), ("2026", false), ("2023.5", false) })
        {
            var inputs = Seeds.Inputs() with { ScenarioName = "phased.yaml", ScenarioYaml = $"name: p\nlevers:\n  hte-reward: {{value: 0.5, from: {from}}}\n" };
            if (ok)
            {
                Assert.Equal(int.Parse(from, System.Globalization.CultureInfo.InvariantCulture), ParametersLoader.Load(inputs).LeverFrom[0]);
            }
            else
            {
                var e = Assert.Throws<InputException>(() => ParametersLoader.Load(inputs));
                Assert.Contains("levers.hte-reward", e.Message);
            }
        }
    }

    [Fact]
    public async Task Explaining_against_a_base_with_its_own_sections_runs_the_scenario_itself_at_the_full_coalition()
    {
        await using var engine = new LocalEngine();
        var (players, coalition) = ExplainStudy.Players(Seeds.Inputs("incubator-push"), Seeds.Inputs("more-coaching"));
        var plan = new RunPlan(5, 24, 24);

        var full = await engine.Runs.Wait(await engine.Runs.Submit(new RunRequest(coalition((1 << players.Count) - 1), plan), default), null, default);
        var scenario = await engine.Runs.Wait(await engine.Runs.Submit(new RunRequest(Seeds.Inputs("more-coaching"), plan), default), null, default);

        Assert.Equal(["hte-reward", "new-incubators-per-year", "new-incubator-area", "coaching-coverage", "assumptions", "targets"], players);
        Assert.Equal(scenario.Result.Table.Values, full.Result.Table.Values);
        Assert.Equal(scenario.Model.Targets, full.Model.Targets);
    }

    [Fact]
    public async Task A_phased_scenario_keeps_its_phasing_in_every_variant()
    {
        await using var engine = new LocalEngine();

        var r = await SensitivityStudy.Run(engine, Seeds.Inputs("coaching-from-2024"), Small, ["coaching-coverage"], null, default);

        // Coaching starts in 2024 in every variant, so nothing of 2022 moves at either end.
        Assert.All(r.Rows.Where(x => x.Year == 2022), x => Assert.Equal(0, x.Delta.Mean));
        Assert.Contains(r.Rows, x => x.Year == 2025 && x.Delta.Mean != 0);
    }

    [Fact]
    public async Task Over_budget_a_single_lever_seek_answers_the_best_setting_within_the_budget()
    {
        await using var engine = new LocalEngine();
        var plan = new RunPlan(7, 48, 48);
        var today = (await SeekStudy.Run(engine, Seeds.Inputs(), plan, "new-hte-2022", 0.5, ["coaching-coverage"], null, null, default)).Start;
        var budget = today.Cost + 5;

        var r = await SeekStudy.Run(engine, Seeds.Inputs(), plan, "new-hte-2022", 0.999, ["coaching-coverage"], budget, null, default);

        Assert.False(r.Reached);
        Assert.True(r.Answer.Cost <= budget, $"{r.Answer.Cost} > {budget}");
        Assert.True(r.Answer.Levers[0].Value >= 0.3, "the budget allows at least today's coaching");
    }

    [Fact]
    public void Explaining_more_than_eight_changes_is_refused_before_anything_runs()
    {
        var p = ParametersLoader.Load(Seeds.Inputs());
        var all = Variants.With(Seeds.Inputs(), "everything", p.Levers.Select(l => new LeverSetting(l.Id, l.Max == l.Baseline ? l.Min : l.Max)));

        var e = Assert.Throws<InputException>(() => ExplainStudy.Players(Seeds.Inputs(), all));

        Assert.Contains($"changes {p.Levers.Length} things", e.Message);
        Assert.Contains("at most 8", e.Message);
    }

    [Fact]
    public async Task Explaining_a_scenario_splits_each_change_exactly_over_its_changes()
    {
        await using var engine = new LocalEngine();

        var r = await ExplainStudy.Run(engine, Seeds.Inputs(), Seeds.Inputs("incubator-push"), new RunPlan(2, 48, 48), null, default);
        var direct = await CompareStudy.Run(engine, Seeds.Inputs(), Seeds.Inputs("incubator-push"), new RunPlan(2, 48, 48), null, default);

        Assert.Equal(["new-incubators-per-year", "new-incubator-area", "assumptions", "targets"], r.Players);
        foreach (var t in r.Targets)
        {
            Assert.Equal(t.TotalNumerator * t.Denominator, t.Numerators.Sum());
            var whole = direct.Targets.Concat(direct.Joint).Single(x => x.Id == t.Target);
            Assert.Equal(whole.OtherProbability - whole.BaseProbability, t.Total, 12);
        }

        // Only the target override moves the 2025 HTE threshold; the incubator levers do not touch 2022's R&D.
        Assert.True(r.Targets.Single(t => t.Target == "hte-stock-2025").Parts.Single(x => x.Player == "targets").Part < 0);
        Assert.Equal(0, r.Targets.Single(t => t.Target == "new-hte-2022").Parts.Single(x => x.Player == "new-incubator-area").Part);
    }
}
