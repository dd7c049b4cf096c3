using Forecast.Engines;
using Forecast.Running;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>
/// With covariates fixed (no quality spread, no GDP effect on exit, eligibility irrelevant, no
/// entrants, budgets slack), every firm follows the same Markov chain on the states
/// candidate, Eaglet, PTSME, HTE with certificate age 0/1/2, exited. The mean simulated stocks
/// must equal the start vector times P^t within Monte Carlo error.
/// </summary>
public sealed class MarkovChainTests
{
    private const int C = 0, E = 1, S = 2, H0 = 3, H1 = 4, H2 = 5, X = 6, States = 7;

    [Fact]
    public void Mean_tier_counts_equal_the_markov_chain_expectation()
    {
        var p = TestModels.Parameters();
        p.QualitySpread = 0;
        p.ExitGdpSensitivity = 0;
        p.HtePassIneligible = 1;
        p.EagletMaxAge = 1000;
        p.EagletMaxRevenue = 1e12;
        p.RdThresholdSmall = 0;
        p.EntrantPool = 0;
        p.HteRewardBudget = 1e12;
        var model = SimulationModel.Build(p);
        var r = model.Rules;
        const int Trials = 400;
        var table = LocalEngine.Simulate(model, new RunPlan(99, Trials, 200)).Table;

        // One year's transition matrix, in the order the agent applies its draws.
        var m = new double[States, States];
        void Row(int from, double exit, params (int To, double P)[] moves)
        {
            m[from, X] += exit;
            var stay = 1 - exit;
            foreach (var (to, prob) in moves)
            {
                m[from, to] += (1 - exit) * prob;
                stay -= (1 - exit) * prob;
            }

            m[from, from == H0 ? H1 : from == H1 ? H2 : from == H2 ? H0 : from] += stay;
        }

        var pass = Math.Min(0.98, r.HtePassRate);
        Row(C, r.ExitRate[0], (H0, r.HteApply[0] * pass), (S, r.PtsmeListingCandidate), (E, r.EagletListing));
        Row(E, r.ExitRate[1], (H0, r.HteApply[1] * pass), (S, r.PtsmeListingEaglet));
        Row(S, r.ExitRate[2], (H0, r.HteApply[2] * pass));
        Row(H0, r.ExitRate[3]);
        Row(H1, r.ExitRate[3]);
        Row(H2, r.ExitRate[3], (S, r.HteRenewalLoss)); // renewal due: kept -> H0 (the "stay" of H2), lost -> S
        m[X, X] = 1;

        // Start: the population at the end of 2020 (HTE by certificate age).
        var v = new double[States];
        foreach (var f in model.Population.Enterprises)
        {
            var state = f.InitialTier switch
            {
                Tier.Candidate => C,
                Tier.Eaglet => E,
                Tier.Ptsme => S,
                Tier.Hte => H0 + (2020 - f.CertYear),
                _ => -1,
            };
            if (state >= 0)
            {
                v[state]++;
            }
        }

        for (var year = model.FirstYear; year <= model.LastYear; year++)
        {
            var next = new double[States];
            for (var i = 0; i < States; i++)
            {
                for (var j = 0; j < States; j++)
                {
                    next[j] += v[i] * m[i, j];
                }
            }

            v = next;
            AssertMean(table.Series(Indicator.CandidateStock, year), v[C], $"candidates {year}");
            AssertMean(table.Series(Indicator.EagletStock, year), v[E], $"Eaglets {year}");
            AssertMean(table.Series(Indicator.HteStock, year), v[H0] + v[H1] + v[H2], $"HTE {year}");
        }
    }

    private static void AssertMean(ReadOnlySpan<double> series, double expected, string what)
    {
        double sum = 0, sumSq = 0;
        foreach (var x in series)
        {
            sum += x;
            sumSq += x * x;
        }

        var n = series.Length;
        var mean = sum / n;
        var se = Math.Sqrt(Math.Max(0, (sumSq - (n * mean * mean)) / (n - 1)) / n);
        // 4.5 standard errors (two-sided p ~ 7e-6 per check, 15 checks), plus a sliver for rounding.
        Assert.True(Math.Abs(mean - expected) <= (4.5 * se) + 1e-9, $"{what}: simulated mean {mean:F2} (SE {se:F2}) vs Markov {expected:F2}");
    }
}
