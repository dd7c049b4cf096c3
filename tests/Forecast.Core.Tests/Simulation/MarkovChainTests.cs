using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>
/// With every per-trial rate fixed (no growth, so size never changes; no quality spread; every firm
/// above the R&D criterion; Eaglets never too old), a firm follows a Markov chain on candidate,
/// Eaglet, PTSME, HTE with certificate age 0/1/2, and exited. Over many trials the share of trials
/// in each state must equal the start state times P^t within binomial error, year by year.
/// </summary>
public sealed class MarkovChainTests
{
    private const int C = 0, E = 1, S = 2, H0 = 3, H1 = 4, H2 = 5, X = 6, States = 7;
    private const int Trials = 4_000;
    private const double Revocation = 0.04, Keep = 0.7, Pass = 0.9, EagletRate = 0.05;

    [Theory]
    [InlineData(Tier.Candidate, C)]
    [InlineData(Tier.Eaglet, E)]
    [InlineData(Tier.Ptsme, S)]
    [InlineData(Tier.Hte, H0)]
    public void State_shares_equal_the_markov_chain_expectation(Tier start, int startState)
    {
        var p = TestModels.Parameters();
        p.ExitRate = [0.05, 0.04, 0.03, 0.02];
        p.HteApply = [0.02, 0.05, 0.10, 0];
        p.PtsmeListingCandidate = 0.10;
        p.PtsmeListingEaglet = 0.20;
        p.InstitutionUpgrade = [0, 0, 0, 0];
        p.EagletMaxAge = 1000;
        var r = new StepRules(p);
        var firm = new EnterpriseProfile(start, 0, 2020, 2018, 0, true, 30, 1.0, 0.25, 0.05, 0.5);
        var states = new EnterpriseState[Trials];
        EnterpriseAgent.Init(firm, states, Context(2020), r, new Accumulator(Trials));

        var m = Transitions(r);
        var v = new double[States];
        v[startState] = 1;
        for (var year = 2021; year <= 2025; year++)
        {
            EnterpriseAgent.Step(firm, 7, states, Context(year), r, new PartialAggregate(Trials));
            v = Times(v, m);
            var observed = new double[States];
            foreach (var s in states)
            {
                observed[StateOf(s, year)] += 1.0 / Trials;
            }

            for (var i = 0; i < States; i++)
            {
                var se = Math.Sqrt(Math.Max(v[i] * (1 - v[i]), 1e-12) / Trials);
                // 4.5 standard errors (two-sided p ~ 7e-6 per check), plus a sliver for rounding.
                Assert.True(Math.Abs(observed[i] - v[i]) <= (4.5 * se) + 1e-9,
                    $"{start} {year} state {i}: simulated {observed[i]:F4} vs Markov {v[i]:F4} (SE {se:F4})");
            }
        }
    }

    /// <summary>One year's transition matrix, in the order the agent draws: exit (and revocation) on one uniform, then one tier move.</summary>
    private static double[,] Transitions(StepRules r)
    {
        var m = new double[States, States];
        var pass = Math.Min(r.HtePassCap, Pass);
        var exit = r.ExitRate;

        m[C, X] = exit[0];
        m[C, H0] = (1 - exit[0]) * r.HteApply[0] * pass;
        m[C, S] = (1 - exit[0]) * r.PtsmeListingCandidate;
        m[C, E] = (1 - exit[0]) * EagletRate;
        m[C, C] = 1 - m[C, X] - m[C, H0] - m[C, S] - m[C, E];

        m[E, X] = exit[1];
        m[E, H0] = (1 - exit[1]) * r.HteApply[1] * pass;
        m[E, S] = (1 - exit[1]) * r.PtsmeListingEaglet;
        m[E, E] = 1 - m[E, X] - m[E, H0] - m[E, S];

        m[S, X] = exit[2];
        m[S, C] = Revocation; // the band just above exit on the same uniform
        m[S, H0] = (1 - exit[2] - Revocation) * r.HteApply[2] * pass;
        m[S, S] = 1 - m[S, X] - m[S, C] - m[S, H0];

        foreach (var (from, to) in new[] { (H0, H1), (H1, H2) })
        {
            m[from, X] = exit[3];
            m[from, to] = 1 - exit[3];
        }

        m[H2, X] = exit[3];
        m[H2, H0] = (1 - exit[3]) * Keep; // renewal due: kept, or lost back to PTSME
        m[H2, S] = (1 - exit[3]) * (1 - Keep);
        m[X, X] = 1;
        return m;
    }

    private static YearContext Context(int year)
    {
        var ctx = YearContext.Allocate(20211231, year, 0, Trials);
        foreach (var (rate, value) in new[]
        {
            (Rate.Exit, 1.0), (Rate.HteApply, 1.0), (Rate.HtePass, Pass), (Rate.PassIneligible, 0.0), (Rate.RenewalKeep, Keep),
            (Rate.PtsmeListing, 1.0), (Rate.EagletListing, EagletRate), (Rate.Revocation, Revocation), (Rate.RdIntensity, 1.0),
            (Rate.RdLevel, 1.0), (Rate.Investment, 1.0), (Rate.RevenueLevel, 1.0), (Rate.HteInstitutionFactor, 1.0),
        })
        {
            ctx[rate].Fill(value);
        }

        foreach (var stock in new[] { TrialCount.InitialHte, TrialCount.InitialPtsme, TrialCount.InitialEaglet, TrialCount.InitialCandidate })
        {
            ctx[stock].Fill(1);
        }

        return ctx;
    }

    private static int StateOf(EnterpriseState s, int year) => s.Tier switch
    {
        Tier.Candidate => C,
        Tier.Eaglet => E,
        Tier.Ptsme => S,
        Tier.Hte => H0 + (year - (2000 + s.CertYear)),
        _ => X,
    };

    private static double[] Times(double[] v, double[,] m)
    {
        var next = new double[States];
        for (var i = 0; i < States; i++)
        {
            for (var j = 0; j < States; j++)
            {
                next[j] += v[i] * m[i, j];
            }
        }

        return next;
    }
}
