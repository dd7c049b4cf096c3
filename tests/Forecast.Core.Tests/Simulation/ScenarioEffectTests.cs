using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>What a scenario may and may not move: levers act from 2022, a pinned assumption moves what depends on it, in the right direction.</summary>
public sealed class ScenarioEffectTests
{
    private static SimulationModel Scenario(string yaml) =>
        SimulationModel.Build(TestModels.Inputs() with { ScenarioName = "test.yaml", ScenarioYaml = yaml });

    private static TrialTable Run(SimulationModel model, int trials = 400) => LocalEngine.Simulate(model, new RunPlan(20220218, trials, 200)).Table;

    private static double Probability(SimulationModel model, TrialTable table, string target)
    {
        var t = model.Targets.Single(x => x.Id == target);
        return (double)MetRule.Count(table.Series(t.Indicator, t.Year), t.Threshold) / table.Trials;
    }

    [Fact]
    public void Levers_leave_the_observed_2021_untouched_and_act_from_2022()
    {
        var baseline = Run(TestModels.Baseline);
        var coaching = Run(SimulationModel.Build(TestModels.Inputs("scenarios/more-coaching.yaml")));

        for (var i = 0; i < Indicators.Count; i++)
        {
            Assert.Equal(baseline.Series((Indicator)i, 2021).ToArray(), coaching.Series((Indicator)i, 2021).ToArray());
        }

        Assert.NotEqual(baseline.Series(Indicator.NewHte, 2022).ToArray(), coaching.Series(Indicator.NewHte, 2022).ToArray());
        Assert.True(coaching.Series(Indicator.NewHte, 2022).ToArray().Average() > baseline.Series(Indicator.NewHte, 2022).ToArray().Average());
    }

    public static TheoryData<string, string, double, double> Pins => new()
    {
        // target, assumption, its prior's low end, its prior's high end: more R&D growth helps, a larger 2020 base makes doubling harder.
        { "rd-gdp-2022", "rd-growth-mean", 0.02, 0.22 },
        { "hte-stock-2025", "hte-stock-2020", 800, 1500 },
    };

    [Theory]
    [MemberData(nameof(Pins))]
    public void Pinning_an_assumption_at_the_ends_of_its_prior_brackets_the_baseline_probability(string target, string assumption, double lo, double hi)
    {
        var atLo = Scenario($"name: lo\nassumptions:\n  {assumption}: {lo}\n");
        var atHi = Scenario($"name: hi\nassumptions:\n  {assumption}: {hi}\n");
        const int Trials = 1_000;

        var pLo = Probability(atLo, Run(atLo, Trials), target);
        var pBase = Probability(TestModels.Baseline, Run(TestModels.Baseline, Trials), target);
        var pHi = Probability(atHi, Run(atHi, Trials), target);

        Assert.InRange(pBase, Math.Min(pLo, pHi), Math.Max(pLo, pHi));
        Assert.True(Math.Abs(pHi - pLo) > 0.2, $"{assumption} barely moves {target}: {pLo:F3} at {lo}, {pHi:F3} at {hi}");
    }

    [Fact]
    public void A_pinned_stock_keeps_every_firm_and_its_keys_so_scenarios_share_their_random_numbers()
    {
        var pinned = Scenario("name: pinned\nassumptions:\n  hte-stock-2020: 1000\n  candidate-stock-2020: 9000\n");

        Assert.Equal(TestModels.Baseline.Population.Enterprises, pinned.Population.Enterprises);
    }

    [Fact]
    public void Founded_firms_follow_new_firms_per_year_at_high_rates_too()
    {
        // 1,000 more firms a year must mean about 1,000 more births a year: no sampler or slot cap in the way.
        var low = Run(Scenario("name: low\nassumptions:\n  new-firms-per-year: 1000\n"), 200);
        var high = Run(Scenario("name: high\nassumptions:\n  new-firms-per-year: 2000\n"), 200);

        foreach (var year in new[] { 2022, 2025 })
        {
            var difference = high.Series(Indicator.Births, year).ToArray().Average() - low.Series(Indicator.Births, year).ToArray().Average();
            Assert.InRange(difference, 950, 1050);
        }
    }

    [Fact]
    public void A_pin_outside_the_assumptions_range_is_an_error_naming_the_field()
    {
        var error = Assert.Throws<InputException>(() => Scenario("name: x\nassumptions:\n  new-firms-per-year: 5000\n"));

        Assert.Equal("assumptions.new-firms-per-year", error.Field);
        Assert.Contains("outside the assumption's range", error.Message);
    }

    [Fact]
    public void Entrant_slots_too_few_for_the_firm_formation_prior_is_an_error_naming_the_field()
    {
        var error = Assert.Throws<InputException>(() => Scenario("name: x\nassumptions:\n  entrant-slots: 5000\n"));

        Assert.Equal("assumptions.entrant-slots", error.Field);
        Assert.Contains("new-firms-per-year", error.Message);
    }
}
