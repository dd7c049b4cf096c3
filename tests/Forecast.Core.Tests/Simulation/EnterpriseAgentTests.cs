using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

public sealed class EnterpriseAgentTests
{
    private const int Trials = 64;

    private static EnterpriseProfile Firm(Tier tier, int certYear = 0) =>
        new(tier, 0, (short)certYear, 2015, -1, true, 30, 0.06, 0.25, 0.05, 0.5);

    private static YearContext Context(int year)
    {
        var ctx = YearContext.Allocate(42, year, 0, Trials);
        foreach (var a in new[] { ctx.ExitMultiplier, ctx.HteApply, ctx.HtePass, ctx.PtsmeListing, ctx.RdIntensity, ctx.Investment, ctx.RdInstitution })
        {
            Array.Fill(a, 1.0);
        }

        return ctx;
    }

    private static StepRules Rules(Action<Parameters> adjust)
    {
        var p = TestModels.Parameters();
        p.ExitRate = [0, 0, 0, 0];
        p.InstitutionUpgrade = [0, 0, 0, 0];
        adjust(p);
        return new StepRules(p);
    }

    [Fact]
    public void Hte_certificate_is_renewed_in_year_t_plus_3_and_not_before()
    {
        var rules = Rules(p => p.HteRenewalLoss = 0);
        var profile = Firm(Tier.Hte, certYear: 2020);
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(profile, states);
        var renewedByYear = new Dictionary<int, long>();
        for (var year = 2021; year <= 2025; year++)
        {
            var acc = new PartialAggregate(Trials);
            EnterpriseAgent.Step(profile, 0, states, Context(year), rules, acc);
            renewedByYear[year] = Sum(acc, Metric.HteRenewed);
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
        var rules = Rules(p => p.HteRenewalLoss = 1);
        var profile = Firm(Tier.Hte, certYear: 2018);
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(profile, states);
        var acc = new PartialAggregate(Trials);
        EnterpriseAgent.Step(profile, 0, states, Context(2021), rules, acc);

        Assert.Equal(Trials, Sum(acc, Metric.HteLost));
        Assert.Equal(0, Sum(acc, Metric.HteStock));
        Assert.All(states, s => Assert.Equal(Tier.Ptsme, s.Tier));
    }

    [Fact]
    public void A_new_hte_counts_once_and_holds_a_certificate_from_that_year()
    {
        var rules = Rules(p =>
        {
            p.HteApply = [0, 0, 1, 0];
            p.HtePassRate = 0.98;
            p.HtePassIneligible = 1;
        });
        var profile = Firm(Tier.Ptsme);
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(profile, states);
        var acc = new PartialAggregate(Trials);
        EnterpriseAgent.Step(profile, 0, states, Context(2022), rules, acc);

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
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(profile, states);
        var acc = new PartialAggregate(Trials);
        EnterpriseAgent.Step(profile, 0, states, Context(2021), rules, acc);

        Assert.Equal(Trials, Sum(acc, Metric.NewPtsme));
        Assert.All(states, s => Assert.Equal(Tier.Ptsme, s.Tier));
    }

    [Fact]
    public void An_exited_firm_contributes_nothing_afterwards()
    {
        var rules = Rules(p => p.ExitRate = [1, 1, 1, 1]);
        var profile = Firm(Tier.Ptsme);
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(profile, states);
        var first = new PartialAggregate(Trials);
        EnterpriseAgent.Step(profile, 0, states, Context(2021), rules, first);
        var second = new PartialAggregate(Trials);
        EnterpriseAgent.Step(profile, 0, states, Context(2022), rules, second);

        Assert.Equal(Trials, Sum(first, Metric.Exits));
        Assert.All(second.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void A_latent_entrant_is_born_only_once_graduates_reach_its_rank()
    {
        var rules = Rules(_ => { });
        var profile = Firm(Tier.Latent) with { EntrantRank = 5 };
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(profile, states);
        var ctx = Context(2022);
        for (var t = 0; t < Trials; t++)
        {
            ctx.ActiveEntrants[t] = t % 2 == 0 ? 5 : 6; // rank 5 is active only when 6 slots are open
        }

        var acc = new PartialAggregate(Trials);
        EnterpriseAgent.Step(profile, 0, states, ctx, rules, acc);

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
