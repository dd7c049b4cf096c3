using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Random;

namespace Forecast.Simulation;

/// <summary>One enterprise's state in one trial: 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct EnterpriseState
{
    public Tier Tier;
    public byte Institution;

    /// <summary>Year of the current HTE certificate, minus 2000.</summary>
    public byte CertYear;

    /// <summary>Founding year minus 1900 (entrants: the year they entered).</summary>
    public byte Born;

    /// <summary>Revenue in M yuan.</summary>
    public float Revenue;
}

/// <summary>
/// An enterprise's yearly step over a batch of trials: revenue growth, exit (faster for small firms),
/// tech-SME listing revoked (a firm past the SME ceiling, or at the trial's rate), Eaglets ageing out,
/// tier moves (candidate -> Eaglet -> PTSME -> HTE, with HTE certificates renewed or lost every
/// <see cref="StepRules.CertificateYears"/> years), R&D institutions, and its contribution to the
/// district totals, added into a metric sink (the accumulator's staged counts and rows; nothing per
/// agent is stored). Every rate is the trial's (<see cref="YearContext"/>). One Philox block (four
/// uniforms) per agent, trial and year.
/// </summary>
public static class EnterpriseAgent
{
    /// <summary>
    /// An agent absent from every trial of the batch this year: an entrant slot no trial has opened
    /// (slots open in rank order and never close, so it was dormant in every earlier year too and its
    /// states are still <see cref="Init{TSink}"/>'s), or a start-year firm ranked beyond every trial's
    /// stock of its tier. Callers skip it.
    /// </summary>
    public static bool IsDormant(in EnterpriseProfile p, YearContext ctx) => p.InitialTier switch
    {
        Tier.Latent => p.Rank >= ctx.Max(TrialCount.ActiveEntrants),
        Tier.Hte => p.Rank >= ctx.Max(TrialCount.InitialHte),
        Tier.Ptsme => p.Rank >= ctx.Max(TrialCount.InitialPtsme),
        Tier.Eaglet => p.Rank >= ctx.Max(TrialCount.InitialEaglet),
        _ => p.Rank >= ctx.Max(TrialCount.InitialCandidate),
    };

    /// <summary>
    /// The agent's state in each trial at the end of the start year, and its contribution to that
    /// year's base metrics: a start-year firm is there in a trial whose stock of its tier exceeds its
    /// rank (else it is absent, as exited), with its revenue at the trial's level.
    /// </summary>
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

    public static void Init(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r, Accumulator acc)
    {
        var sink = new AccumulatorSink(acc);
        Init(p, states, ctx, r, ref sink);
    }

    public static void Step(in EnterpriseProfile p, uint agent, Span<EnterpriseState> states, YearContext ctx, StepRules r, PartialAggregate acc)
    {
        var sink = new PartialSink(acc);
        Step(p, agent, states, ctx, r, ref sink);
    }

    /// <summary>Steps every trial, adding into an accumulator (counts staged as bytes; see <see cref="Accumulator"/>).</summary>
    public static void Step(in EnterpriseProfile p, uint agent, Span<EnterpriseState> states, YearContext ctx, StepRules r, Accumulator acc)
    {
        var sink = new AccumulatorSink(acc);
        Step(p, agent, states, ctx, r, ref sink);
    }

    /// <summary>Steps every trial of the batch, adding contributions into <paramref name="sink"/>.</summary>
    public static void Step<TSink>(in EnterpriseProfile p, uint agent, Span<EnterpriseState> states, YearContext ctx, StepRules r, ref TSink sink)
        where TSink : struct, IMetricSink =>
        Step(p, agent, states, ctx, r, ref sink, PhiloxBatch.Best);

    /// <summary>
    /// Steps every trial with the given instruction set: AVX-512 runs eight trials per step in
    /// <see cref="EnterpriseKernel512"/>, AVX2 four in <see cref="EnterpriseKernel256"/> (the scalar
    /// loop takes the tail); every path gives the same bits.
    /// </summary>
    public static void Step<TSink>(in EnterpriseProfile p, uint agent, Span<EnterpriseState> states, YearContext ctx, StepRules r, ref TSink sink, VectorPath path)
        where TSink : struct, IMetricSink
    {
        if (IsDormant(p, ctx))
        {
            return;
        }

        var (k0, k1) = Streams.Key(ctx.Seed);
        var year = ctx.Year;
        var n = states.Length;
        var words = Words(n);
        var w0 = words.AsSpan(0, n);
        var w1 = words.AsSpan(n, n);
        var w2 = words.AsSpan(2 * n, n);
        var w3 = words.AsSpan(3 * n, n);
        PhiloxBatch.Fill(path, k0, k1, (uint)ctx.FirstTrial, agent, (uint)year, 0, w0, w1, w2, w3);
        var start = path switch
        {
            VectorPath.Avx512 when EnterpriseKernel512.IsSupported => EnterpriseKernel512.Step(p, states, ctx, r, w0, w1, w2, w3, ref sink),
            VectorPath.Avx2 when EnterpriseKernel256.IsSupported => EnterpriseKernel256.Step(p, states, ctx, r, w0, w1, w2, w3, ref sink),
            _ => 0,
        };
        var rates = new Rates(ctx);
        var centredQuality = (2 * p.Quality) - 1;
        for (var t = start; t < states.Length; t++)
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

            uint r0 = w0[t], r1 = w1[t], r2 = w2[t], r3 = w3[t];
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

    /// <summary>What the vector kernels check before their unchecked loads: the year context, the sink and the four Philox word streams hold the batch.</summary>
    internal static void CheckKernelBatch(int trials, int vectorTrials, YearContext ctx, int sinkTrials,
        ReadOnlySpan<uint> w0, ReadOnlySpan<uint> w1, ReadOnlySpan<uint> w2, ReadOnlySpan<uint> w3)
    {
        if (sinkTrials < trials || ctx.Trials != trials || ctx.Rates.Length != YearContext.RateCount * trials
            || ctx.Counts.Length != YearContext.CountCount * trials)
        {
            throw new ArgumentException("the batch does not match the year context or the sink");
        }

        if (w0.Length < vectorTrials || w1.Length < vectorTrials || w2.Length < vectorTrials || w3.Length < vectorTrials)
        {
            throw new ArgumentException("fewer Philox words than trials");
        }
    }

    [ThreadStatic]
    private static uint[]? _words;

    /// <summary>Per-thread scratch for four Philox words per trial (a step is synchronous, so this is safe).</summary>
    private static uint[] Words(int trials)
    {
        if (_words is null || _words.Length < 4 * trials)
        {
            _words = new uint[4 * trials];
        }

        return _words;
    }

    /// <summary>The year context's rates by (rate, trial).</summary>
    private readonly ref struct Rates(YearContext ctx)
    {
        private readonly double[] _rates = ctx.Rates;
        private readonly int _trials = ctx.Trials;

        public double this[Rate rate, int trial] => _rates[((int)rate * _trials) + trial];
    }
}
