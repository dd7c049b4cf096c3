using System.Runtime.CompilerServices;
using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Random;

namespace Forecast.Simulation;

/// <summary>
/// The enterprise step in double precision with a 32-bit uniform per draw (one Philox block per agent,
/// trial and year at counter (trial, agent, year, 0)): the model as it was before the 32-bit kernel,
/// one trial at a time. Not used by the engines: tests run whole forecasts with it and check that
/// <see cref="EnterpriseAgent"/>'s numbers stay within Monte Carlo error of its own.
/// </summary>
public static class ReferenceKernel64
{
    public static void Init<TSink>(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r, ref TSink sink)
        where TSink : struct, IMetricSink
    {
        var initial = p.InitialTier switch
        {
            Tier.Hte => ctx[TrialCount.InitialHte],
            Tier.Ptsme => ctx[TrialCount.InitialPtsme],
            Tier.Eaglet => ctx[TrialCount.InitialEaglet],
            Tier.Candidate => ctx[TrialCount.InitialCandidate],
            _ => default,
        };
        var level = ctx[Rate.RevenueLevel];
        var rdLevel = ctx[Rate.RdLevel];
        for (var t = 0; t < states.Length; t++)
        {
            var present = p.InitialTier == Tier.Latent || p.Rank < initial[t];
            var revenue = (float)(p.Revenue0 * level[t]);
            states[t] = new EnterpriseState
            {
                Tier = present ? p.InitialTier : Tier.Exited,
                Institution = p.InitialInstitution,
                CertYear = (byte)Math.Max(0, p.CertYear - 2000),
                Born = (byte)Math.Max(0, p.BornYear - 1900),
                Revenue = revenue,
            };
            if (!present || p.InitialTier == Tier.Latent)
            {
                continue;
            }

            if (p.InitialTier == Tier.Hte)
            {
                sink.Add(Metric.BaseHteStock, t, 1);
            }

            if (p.InitialTier == Tier.Ptsme || (p.InitialTier == Tier.Hte && revenue <= r.SmeMaxRevenue))
            {
                sink.Add(Metric.BasePtsmeStock, t, 1);
            }

            AddMoney(ref sink, p, r, t, revenue, revenue * p.RdIntensity * rdLevel[t], 1, MoneyRows.Base);
        }
    }

    /// <summary>Where a firm's money goes: this year's rows, or the start year's (the base of the top-down components).</summary>
    private readonly record struct MoneyRows(Metric Rd, Metric AboveScaleVa, Metric HtVa, Metric HtInvest)
    {
        public static readonly MoneyRows Year = new(Metric.RdSpend, Metric.AboveScaleVa, Metric.HtVa, Metric.HtInvest);
        public static readonly MoneyRows Base = new(Metric.BaseRdSpend, Metric.BaseAboveScaleVa, Metric.BaseHtVa, Metric.BaseHtInvest);
    }

    /// <summary>A firm's R&D spending, value added (above scale; the high-tech part too) and high-tech investment, in million yuan, into the sink.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddMoney<TSink>(ref TSink sink, in EnterpriseProfile p, StepRules r, int t, double revenue, double rdSpend, double investFactor,
        in MoneyRows rows)
        where TSink : struct, IMetricSink
    {
        sink.Add(rows.Rd, t, Fixed.MillionYuan(rdSpend));
        if (revenue >= r.AboveScaleRevenue)
        {
            var va = Fixed.MillionYuan(revenue * p.VaRatio);
            sink.Add(rows.AboveScaleVa, t, va);
            if (p.HighTech)
            {
                sink.Add(rows.HtVa, t, va);
            }
        }

        if (p.HighTech)
        {
            sink.Add(rows.HtInvest, t, Fixed.MillionYuan(revenue * p.InvestRatio * investFactor));
        }
    }

    public static void Step<TSink>(in EnterpriseProfile p, uint agent, Span<EnterpriseState> states, YearContext ctx, StepRules r, ref TSink sink)
        where TSink : struct, IMetricSink
    {
        if (EnterpriseAgent.IsDormant(p, ctx))
        {
            return;
        }

        var (k0, k1) = Streams.Key(ctx.Seed);
        var year = ctx.Year;
        var n = states.Length;
        var rates = new Rates(ctx);
        var centredQuality = (2 * p.Quality) - 1;
        for (var t = 0; t < n; t++)
        {
            ref var s = ref states[t];
            if (s.Tier == Tier.Latent)
            {
                if (p.Rank >= ctx.Counts[((int)TrialCount.ActiveEntrants * n) + t])
                {
                    continue;
                }

                s.Tier = Tier.Candidate;
                s.Born = (byte)(year - 1900);
                s.Revenue = (float)(p.Revenue0 * rates[Rate.RevenueLevel, t]);
                sink.Add(Metric.Births, t, 1);
            }
            else if (s.Tier == Tier.Exited)
            {
                continue;
            }

            Philox.Block(k0, k1, (uint)(ctx.FirstTrial + t), agent, (uint)year, 0, out var r0, out var r1, out var r2, out var r3);
            var tier = s.Tier;
            var ti = tier - Tier.Candidate;
            var quality = 1 + (rates[Rate.QualitySpread, t] * centredQuality);

            var growth = rates[Rate.FirmGrowth, t]
                + (tier == Tier.Hte ? rates[Rate.HtePremium, t] : 0)
                + (rates[Rate.FirmNoise, t] * ((2 * Philox.ToUnit(r0)) - 1));
            var revenue = Math.Max(s.Revenue * (1 + growth), 0.01);

            // One uniform decides exit, then (for a listed tech SME) revocation: disjoint bands.
            var u1 = Philox.ToUnit(r1);
            var pExit = r.ExitRate[ti] * rates[Rate.Exit, t] * r.ExitSizeFactor(revenue, rates[Rate.ExitSizeSlope, t]);
            if (u1 < pExit)
            {
                s.Tier = Tier.Exited;
                sink.Add(Metric.Exits, t, 1);
                continue;
            }

            var settled = false; // a firm that lost a listing or aged out this year climbs no further this year
            if (tier == Tier.Ptsme && (revenue > r.SmeMaxRevenue || u1 < pExit + rates[Rate.Revocation, t]))
            {
                tier = Tier.Candidate;
                settled = true;
                sink.Add(Metric.PtsmeRevoked, t, 1);
            }
            else if (tier == Tier.Eaglet && year - (1900 + s.Born) > r.EagletMaxAge)
            {
                tier = Tier.Candidate;
                settled = true;
                sink.Add(Metric.EagletAgedOut, t, 1);
            }

            ti = tier - Tier.Candidate;
            var rd = p.RdIntensity * rates[Rate.RdIntensity, t];
            var eligible = rd >= r.RdThreshold(revenue) ? 1 : rates[Rate.PassIneligible, t];
            var u = Philox.ToUnit(r2);
            if (tier == Tier.Hte)
            {
                if (year - (2000 + s.CertYear) >= r.CertificateYears)
                {
                    // Re-application: kept at the trial's rate, worse when below the R&D criterion.
                    if (u < rates[Rate.RenewalKeep, t] * eligible)
                    {
                        s.CertYear = (byte)(year - 2000);
                        sink.Add(Metric.HteRenewed, t, 1);
                    }
                    else
                    {
                        tier = Tier.Ptsme;
                        sink.Add(Metric.HteLost, t, 1);
                    }
                }
            }
            else if (!settled)
            {
                var pass = Math.Min(r.HtePassCap, rates[Rate.HtePass, t]) * eligible;
                var pHte = r.HteApply[ti] * rates[Rate.HteApply, t] * quality * pass;
                var pPtsme = tier == Tier.Ptsme ? 0
                    : (tier == Tier.Eaglet ? r.PtsmeListingEaglet : r.PtsmeListingCandidate) * rates[Rate.PtsmeListing, t] * quality;
                var pEaglet = tier == Tier.Candidate
                    && year - (1900 + s.Born) <= r.EagletMaxAge
                    && revenue <= r.EagletMaxRevenue
                    && rd >= r.RdThresholdSmall
                    ? rates[Rate.EagletListing, t] * quality : 0;
                if (u < pHte)
                {
                    tier = Tier.Hte;
                    s.CertYear = (byte)(year - 2000);
                    sink.Add(Metric.NewHte, t, 1);
                }
                else if (u < pHte + pPtsme)
                {
                    tier = Tier.Ptsme;
                    sink.Add(Metric.NewPtsme, t, 1);
                }
                else if (u < pHte + pPtsme + pEaglet)
                {
                    tier = Tier.Eaglet;
                    sink.Add(Metric.NewEaglet, t, 1);
                }
            }

            if (tier >= Tier.Ptsme && s.Institution < 4)
            {
                var pInst = r.InstitutionUpgrade[s.Institution]
                    * (s.Institution == 0 ? rates[Rate.MunicipalFounding, t] : rates[Rate.RdInstitution, t]) * quality
                    * (tier == Tier.Hte ? rates[Rate.HteInstitutionFactor, t] : 1);
                if (Philox.ToUnit(r3) < pInst)
                {
                    s.Institution++;
                    sink.Add(s.Institution == 1 ? Metric.NewMunicipalRdCentres : Metric.NewRdInst, t, 1);
                }
            }

            s.Tier = tier;
            s.Revenue = (float)revenue;
            var stock = tier switch
            {
                Tier.Hte => Metric.HteStock,
                Tier.Ptsme => Metric.PtsmeStock,
                Tier.Eaglet => Metric.EagletStock,
                _ => Metric.CandidateStock,
            };
            sink.Add(stock, t, 1);
            if (tier >= Tier.Ptsme)
            {
                sink.Add(Metric.ListedFirms, t, 1);
            }

            if (tier == Tier.Hte && revenue <= r.SmeMaxRevenue)
            {
                sink.Add(Metric.PtsmeStock, t, 1); // an SME-sized HTE keeps its tech-SME listing
            }

            AddMoney(ref sink, p, r, t, revenue, revenue * rd, rates[Rate.Investment, t], MoneyRows.Year);
        }

        sink.AgentDone();
    }

    /// <summary>The year context's rates by (rate, trial).</summary>
    private readonly ref struct Rates(YearContext ctx)
    {
        private readonly double[] _rates = ctx.Rates;
        private readonly int _trials = ctx.Trials;

        public double this[Rate rate, int trial] => _rates[((int)rate * _trials) + trial];
    }
}
