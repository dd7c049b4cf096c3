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

    /// <summary>Founding year minus 1900 (entrants: the year they graduated).</summary>
    public byte Born;

    /// <summary>Revenue in M yuan.</summary>
    public float Revenue;
}

/// <summary>
/// An enterprise's yearly step over a batch of trials: revenue growth, exit, tier moves
/// (candidate -> Eaglet -> PTSME -> HTE, with HTE certificates renewed or lost every
/// <see cref="StepRules.CertificateYears"/> years), R&D institutions, and its contribution to the
/// district totals, added straight into the partial aggregate (nothing per agent is stored).
/// One Philox block (four uniforms) per agent, trial and year.
/// </summary>
public static class EnterpriseAgent
{
    /// <summary>
    /// An entrant slot no trial has opened by this year: its step does nothing. Slots open in rank
    /// order and never close, so a dormant agent was dormant in every earlier year of the batch and its
    /// states are still <see cref="Init"/>'s (callers may skip it, and initialise it when it wakes).
    /// </summary>
    public static bool IsDormant(in EnterpriseProfile p, YearContext ctx) =>
        p.InitialTier == Tier.Latent && p.EntrantRank >= ctx.MaxActiveEntrants;

    public static void Init(in EnterpriseProfile p, Span<EnterpriseState> states)
    {
        var s = new EnterpriseState
        {
            Tier = p.InitialTier,
            Institution = p.InitialInstitution,
            CertYear = (byte)Math.Max(0, p.CertYear - 2000),
            Born = (byte)Math.Max(0, p.BornYear - 1900),
            Revenue = (float)p.Revenue0,
        };
        states.Fill(s);
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
        var quality = 1 + (r.QualitySpread * ((2 * p.Quality) - 1));
        var n = states.Length;
        var words = Words(n);
        var w0 = words.AsSpan(0, n);
        var w1 = words.AsSpan(n, n);
        var w2 = words.AsSpan(2 * n, n);
        var w3 = words.AsSpan(3 * n, n);
        PhiloxBatch.Fill(path, k0, k1, (uint)ctx.FirstTrial, agent, (uint)year, 0, w0, w1, w2, w3);
        var start = path switch
        {
            VectorPath.Avx512 when EnterpriseKernel512.IsSupported => EnterpriseKernel512.Step(p, states, ctx, r, quality, w0, w1, w2, w3, ref sink),
            VectorPath.Avx2 when EnterpriseKernel256.IsSupported => EnterpriseKernel256.Step(p, states, ctx, r, quality, w0, w1, w2, w3, ref sink),
            _ => 0,
        };
        for (var t = start; t < states.Length; t++)
        {
            ref var s = ref states[t];
            if (s.Tier == Tier.Latent)
            {
                if (p.EntrantRank >= ctx.ActiveEntrants[t])
                {
                    continue;
                }

                s.Tier = Tier.Candidate;
                s.Born = (byte)(year - 1900);
                s.Revenue = (float)p.Revenue0;
                sink.Add(Metric.Births, t, 1);
            }
            else if (s.Tier == Tier.Exited)
            {
                continue;
            }

            uint r0 = w0[t], r1 = w1[t], r2 = w2[t], r3 = w3[t];
            var tier = s.Tier;
            var ti = tier - Tier.Candidate;

            var growth = (r.FirmGrowthBeta * ctx.GdpGrowth[t])
                + (tier == Tier.Hte ? r.HteGrowthPremium : 0)
                + (r.FirmNoise * ((2 * Philox.ToUnit(r0)) - 1));
            var revenue = Math.Max(s.Revenue * (1 + growth), 0.01);

            if (Philox.ToUnit(r1) < r.ExitRate[ti] * ctx.ExitMultiplier[t])
            {
                s.Tier = Tier.Exited;
                sink.Add(Metric.Exits, t, 1);
                continue;
            }

            var rd = p.RdIntensity * ctx.RdIntensity[t];
            var u = Philox.ToUnit(r2);
            if (tier == Tier.Hte)
            {
                if (year - (2000 + s.CertYear) >= r.CertificateYears)
                {
                    // Re-application: the usual loss rate, worse when below the R&D criterion.
                    var keep = (1 - r.HteRenewalLoss) * (rd >= r.RdThreshold(revenue) ? 1 : r.HtePassIneligible);
                    if (u < keep)
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
            else
            {
                var pass = Math.Min(0.98, r.HtePassRate * ctx.HtePass[t]) * (rd >= r.RdThreshold(revenue) ? 1 : r.HtePassIneligible);
                var pHte = r.HteApply[ti] * ctx.HteApply[t] * quality * pass;
                var pPtsme = tier == Tier.Ptsme ? 0
                    : (tier == Tier.Eaglet ? r.PtsmeListingEaglet : r.PtsmeListingCandidate) * ctx.PtsmeListing[t] * quality;
                var pEaglet = tier == Tier.Candidate
                    && year - (1900 + s.Born) <= r.EagletMaxAge
                    && revenue <= r.EagletMaxRevenue
                    && rd >= r.RdThresholdSmall
                    ? r.EagletListing * quality : 0;
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
                var pInst = r.InstitutionUpgrade[s.Institution] * ctx.RdInstitution[t] * quality
                    * (tier == Tier.Hte ? r.InstitutionHteFactor : 1);
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

            sink.Add(Metric.RdSpend, t, Fixed.MillionYuan(revenue * rd));
            if (revenue >= r.AboveScaleRevenue)
            {
                var va = Fixed.MillionYuan(revenue * p.VaRatio);
                sink.Add(Metric.AboveScaleVa, t, va);
                if (p.HighTech)
                {
                    sink.Add(Metric.HtVa, t, va);
                }
            }

            if (p.HighTech)
            {
                sink.Add(Metric.HtInvest, t, Fixed.MillionYuan(revenue * p.InvestRatio * ctx.Investment[t]));
            }
        }

        sink.AgentDone();
    }

    /// <summary>
    /// What the vector kernels check before their unchecked loads: every year-context array, the sink
    /// and the four Philox word streams hold the batch's <paramref name="trials"/> (the words at least
    /// the <paramref name="vectorTrials"/> the kernel steps).
    /// </summary>
    internal static void CheckKernelBatch(int trials, int vectorTrials, YearContext ctx, int sinkTrials,
        ReadOnlySpan<uint> w0, ReadOnlySpan<uint> w1, ReadOnlySpan<uint> w2, ReadOnlySpan<uint> w3)
    {
        if (sinkTrials < trials || ctx.Trials < trials || ctx.GdpGrowth.Length < trials
            || ctx.ExitMultiplier.Length < trials || ctx.RdIntensity.Length < trials || ctx.HtePass.Length < trials
            || ctx.HteApply.Length < trials || ctx.PtsmeListing.Length < trials || ctx.RdInstitution.Length < trials
            || ctx.Investment.Length < trials || ctx.ActiveEntrants.Length < trials)
        {
            throw new ArgumentException("the batch is larger than the year context or the sink");
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
}
