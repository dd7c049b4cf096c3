using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>
/// One firm stepped through controlled years: every per-trial rate set by the test (no macro, no
/// levers, no shocks), so each rule is checked on its own.
/// </summary>
public sealed class EnterpriseAgentTests
{
    private const int Trials = 64;

    private static EnterpriseProfile Firm(Tier tier, int certYear = 0, double revenue = 30, int born = 2015, int rank = 0) =>
        new(tier, 0, (short)certYear, (short)born, rank, true, revenue, 0.06, 0.25, 0.05, 0.5);

    /// <summary>A year in which nothing happens unless a test turns it on: no growth, no exits, no listings.</summary>
    private static YearContext Context(int year, Action<YearContext>? adjust = null)
    {
        var ctx = YearContext.Allocate(42, year, 0, Trials);
        foreach (var neutral in new[] { Rate.RdIntensity, Rate.RdLevel, Rate.Investment, Rate.RevenueLevel, Rate.HteInstitutionFactor })
        {
            ctx[neutral].Fill(1.0);
        }

        ctx[Rate.RenewalKeep].Fill(1.0);
        foreach (var stock in new[] { TrialCount.InitialHte, TrialCount.InitialPtsme, TrialCount.InitialEaglet, TrialCount.InitialCandidate })
        {
            ctx[stock].Fill(1_000);
        }

        adjust?.Invoke(ctx);
        return ctx;
    }

    private static StepRules Rules(Action<Parameters>? adjust = null)
    {
        var p = TestModels.Parameters();
        p.ExitRate = [0.1, 0.1, 0.1, 0.1];
        p.InstitutionUpgrade = [0, 0, 0, 0];
        adjust?.Invoke(p);
        return new StepRules(p);
    }

    private static EnterpriseState[] Init(EnterpriseProfile profile, StepRules rules, YearContext? ctx = null)
    {
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(profile, states, ctx ?? Context(2020), rules, new Accumulator(Trials));
        return states;
    }

    private static PartialAggregate Step(EnterpriseProfile profile, EnterpriseState[] states, YearContext ctx, StepRules rules)
    {
        var acc = new PartialAggregate(Trials);
        EnterpriseAgent.Step(profile, 0, states, ctx, rules, acc);
        return acc;
    }

    [Fact]
    public void Hte_certificate_is_renewed_in_year_t_plus_3_and_not_before()
    {
        var rules = Rules();
        var profile = Firm(Tier.Hte, certYear: 2020);
        var states = Init(profile, rules);
        var renewedByYear = new Dictionary<int, long>();
        for (var year = 2021; year <= 2025; year++)
        {
            renewedByYear[year] = Sum(Step(profile, states, Context(year), rules), Metric.HteRenewed);
        }

        Assert.Equal(0, renewedByYear[2021]);
        Assert.Equal(0, renewedByYear[2022]);
        Assert.Equal(Trials, renewedByYear[2023]); // recognised 2020, re-applies 2023
        Assert.Equal(0, renewedByYear[2024]);
        Assert.Equal(0, renewedByYear[2025]);
        Assert.All(states, s => Assert.Equal(23, s.CertYear));
    }

    [Fact]
    public void A_lost_certificate_sends_the_firm_back_to_ptsme()
    {
        var rules = Rules();
        var profile = Firm(Tier.Hte, certYear: 2018);
        var states = Init(profile, rules);
        var acc = Step(profile, states, Context(2021, c => c[Rate.RenewalKeep].Fill(0)), rules);

        Assert.Equal(Trials, Sum(acc, Metric.HteLost));
        Assert.Equal(0, Sum(acc, Metric.HteStock));
        Assert.All(states, s => Assert.Equal(Tier.Ptsme, s.Tier));
    }

    [Fact]
    public void A_firm_below_the_rd_criterion_renews_only_at_the_ineligible_pass_rate()
    {
        var rules = Rules();
        var profile = Firm(Tier.Hte, certYear: 2018) with { RdIntensity = 0.001 };
        var states = Init(profile, rules);
        var acc = Step(profile, states, Context(2021, c => c[Rate.PassIneligible].Fill(0)), rules);

        Assert.Equal(Trials, Sum(acc, Metric.HteLost));
    }

    [Fact]
    public void A_new_hte_counts_once_and_holds_a_certificate_from_that_year()
    {
        var rules = Rules(p => p.HteApply = [0, 0, 1, 0]);
        var profile = Firm(Tier.Ptsme);
        var states = Init(profile, rules);
        var acc = Step(profile, states, Context(2022, c =>
        {
            c[Rate.HteApply].Fill(1);
            c[Rate.HtePass].Fill(1); // capped at hte-pass-cap (0.98)
            c[Rate.PassIneligible].Fill(1);
            c[Rate.QualitySpread].Fill(0);
        }), rules);

        var upgraded = states.Count(s => s.Tier == Tier.Hte);
        Assert.InRange(upgraded, Trials * 3 / 4, Trials); // P = 0.98 per trial
        Assert.Equal(upgraded, Sum(acc, Metric.NewHte));
        Assert.All(states.Where(s => s.Tier == Tier.Hte), s => Assert.Equal(22, s.CertYear));
    }

    [Fact]
    public void Candidates_move_up_the_ladder_by_their_listing_rates()
    {
        var rules = Rules(p =>
        {
            p.HteApply = [0, 0, 0, 0];
            p.PtsmeListingCandidate = 1;
        });
        var profile = Firm(Tier.Candidate);
        var states = Init(profile, rules);
        var acc = Step(profile, states, Context(2021, c => c[Rate.PtsmeListing].Fill(1)), rules);

        Assert.Equal(Trials, Sum(acc, Metric.NewPtsme));
        Assert.All(states, s => Assert.Equal(Tier.Ptsme, s.Tier));
    }

    [Fact]
    public void An_exited_firm_contributes_nothing_afterwards()
    {
        var rules = Rules(p => p.ExitRate = [1, 1, 1, 1]);
        var profile = Firm(Tier.Ptsme);
        var states = Init(profile, rules);
        var first = Step(profile, states, Context(2021, c => c[Rate.Exit].Fill(1)), rules);
        var second = Step(profile, states, Context(2022, c => c[Rate.Exit].Fill(1)), rules);

        Assert.Equal(Trials, Sum(first, Metric.Exits));
        Assert.All(second.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Small_firms_exit_faster_than_large_ones()
    {
        var rules = Rules(p => p.ExitRate = [0.5, 0.5, 0.5, 0.5]);
        YearContext Year() => Context(2021, c =>
        {
            c[Rate.Exit].Fill(1);
            c[Rate.ExitSizeSlope].Fill(1); // small: 0.5 x 2 = 1, large: 0.5 x 0.5 = 0.25
        });
        var small = Firm(Tier.Ptsme, revenue: rules.ExitSmallRevenue / 2);
        var large = Firm(Tier.Ptsme, revenue: rules.ExitLargeRevenue * 2);

        var smallExits = Sum(Step(small, Init(small, rules), Year(), rules), Metric.Exits);
        var largeExits = Sum(Step(large, Init(large, rules), Year(), rules), Metric.Exits);

        Assert.Equal(Trials, smallExits);
        Assert.InRange(largeExits, 1, Trials / 2);
    }

    [Fact]
    public void A_tech_sme_listing_is_revoked_at_the_trials_rate()
    {
        var rules = Rules(p => p.ExitRate = [0, 0, 0, 0]);
        var profile = Firm(Tier.Ptsme);
        var states = Init(profile, rules);
        var acc = Step(profile, states, Context(2021, c => c[Rate.Revocation].Fill(1)), rules);

        Assert.Equal(Trials, Sum(acc, Metric.PtsmeRevoked));
        Assert.Equal(0, Sum(acc, Metric.PtsmeStock));
        Assert.All(states, s => Assert.Equal(Tier.Candidate, s.Tier));
    }

    [Fact]
    public void An_eaglet_ages_out_after_the_age_limit()
    {
        var rules = Rules(p => p.ExitRate = [0, 0, 0, 0]);
        var young = Firm(Tier.Eaglet, born: 2019);
        var old = Firm(Tier.Eaglet, born: 2021 - (int)rules.EagletMaxAge - 1);

        var youngAcc = Step(young, Init(young, rules), Context(2021), rules);
        var oldStates = Init(old, rules);
        var oldAcc = Step(old, oldStates, Context(2021), rules);

        Assert.Equal(0, Sum(youngAcc, Metric.EagletAgedOut));
        Assert.Equal(Trials, Sum(youngAcc, Metric.EagletStock));
        Assert.Equal(Trials, Sum(oldAcc, Metric.EagletAgedOut));
        Assert.All(oldStates, s => Assert.Equal(Tier.Candidate, s.Tier));
    }

    [Fact]
    public void A_start_year_firm_is_present_only_in_trials_whose_stock_exceeds_its_rank()
    {
        var rules = Rules();
        var profile = Firm(Tier.Hte, certYear: 2020, rank: 5);
        var ctx = Context(2020, c =>
        {
            var stock = c[TrialCount.InitialHte];
            for (var t = 0; t < Trials; t++)
            {
                stock[t] = t % 2 == 0 ? 5 : 6; // rank 5 is the sixth firm
            }
        });
        var acc = new Accumulator(Trials);
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(profile, states, ctx, rules, acc);

        Assert.All(states.Where((_, t) => t % 2 == 0), s => Assert.Equal(Tier.Exited, s.Tier));
        Assert.All(states.Where((_, t) => t % 2 == 1), s => Assert.Equal(Tier.Hte, s.Tier));
        Assert.Equal(Trials / 2, acc.Flush().Row(Metric.BaseHteStock).ToArray().Sum());
    }

    [Fact]
    public void A_latent_entrant_is_born_only_once_its_slot_opens()
    {
        var rules = Rules(p => p.ExitRate = [0, 0, 0, 0]);
        var profile = Firm(Tier.Latent, rank: 5);
        var states = Init(profile, rules);
        var ctx = Context(2022, c =>
        {
            var active = c[TrialCount.ActiveEntrants];
            for (var t = 0; t < Trials; t++)
            {
                active[t] = t % 2 == 0 ? 5 : 6; // rank 5 is active only when 6 slots are open
            }
        });

        var acc = Step(profile, states, ctx, rules);

        Assert.Equal(Trials / 2, Sum(acc, Metric.Births));
        Assert.All(states.Where((_, t) => t % 2 == 0), s => Assert.Equal(Tier.Latent, s.Tier));
        Assert.All(states.Where((_, t) => t % 2 == 1), s => Assert.NotEqual(Tier.Latent, s.Tier));
    }

    private static long Sum(PartialAggregate acc, Metric m)
    {
        long s = 0;
        foreach (var v in acc.Row(m))
        {
            s += v;
        }

        return s;
    }
}
