using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// The enterprise step of <see cref="EnterpriseAgent"/> in 32-bit lanes, written once for every
/// width (<see cref="F16"/>, <see cref="F8"/>, <see cref="F1"/>): branches are lane masks, counts are
/// staged as bytes, money leaves as 32-bit thousands of yuan. Every width evaluates the same
/// single-precision expressions in the same order, so every path gives the same bits (tests compare
/// them on whole runs). Steps trials [from, to); to - from is a multiple of the width.
/// </summary>
internal static class EnterpriseKernel<TF, TI>
    where TF : struct, IFloatLanes<TF, TI>
    where TI : struct, IIntLanes<TI, TF>
{
    private const int B0 = 1, B1 = 1 << 8, B2 = 1 << 16, B3 = 1 << 24;
    private const int S = YearContext.SingleBlock; // a rate's stride in a block of Singles

    /// <summary>The start-year state of trials [from, to) and its base metrics (see <see cref="EnterpriseAgent.Init{TSink}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Init<TSink>(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r, ref TSink sink, int from, int to)
        where TSink : struct, IMetricSink
    {
        Check(states.Length, to, ctx, sink.Trials);
        ref var raw = ref Unsafe.As<EnterpriseState, ulong>(ref MemoryMarshal.GetReference(states));
        ref var rates = ref MemoryMarshal.GetArrayDataReference(ctx.Singles);
        ref var counts = ref MemoryMarshal.GetArrayDataReference(ctx.Counts);
        var trials = ctx.Trials;
        var tier0 = p.InitialTier;
        var stock = tier0 switch
        {
            Tier.Hte => TrialCount.InitialHte,
            Tier.Ptsme => TrialCount.InitialPtsme,
            Tier.Eaglet => TrialCount.InitialEaglet,
            _ => TrialCount.InitialCandidate,
        };
        var meta = TI.Of((int)tier0 | (p.InitialInstitution << 8) | (Math.Max(0, p.CertYear - 2000) << 16) | (Math.Max(0, p.BornYear - 1900) << 24));
        var exited = TI.Of((int)Tier.Exited);
        var tierMask = TI.Of(0xFF);
        var rank = TI.Of(p.Rank);
        var one = TI.Of(1);
        var rev0 = TF.Of((float)p.Revenue0);
        var rdIntensity = TF.Of((float)p.RdIntensity);
        var smeMax = TF.Of((float)r.SmeMaxRevenue);
        var aboveScale = TF.Of((float)r.AboveScaleRevenue);
        var vaRatio = TF.Of((float)p.VaRatio);
        var investRatio = TF.Of((float)p.InvestRatio);
        var latent = tier0 == Tier.Latent;
        for (var t = from; t < to; t += TF.Count)
        {
            ref var block = ref Unsafe.Add(ref rates, YearContext.SingleIndex(0, t));
            var revenue = rev0 * TF.Load(ref block, (int)Rate.RevenueLevel * S);
            var present = latent ? TI.Of(-1) : rank < TI.Load(ref counts, Row(stock, trials) + t);
            TF.StoreStates(ref raw, t, TI.Select(present, meta, (meta & ~tierMask) | exited), revenue);
            if (latent)
            {
                continue;
            }

            if (tier0 == Tier.Hte)
            {
                TI.AddRow(ref sink, Metric.BaseHteStock, t, present & one);
                TI.AddRow(ref sink, Metric.BasePtsmeStock, t, present & (revenue <= smeMax) & one);
            }
            else if (tier0 == Tier.Ptsme)
            {
                TI.AddRow(ref sink, Metric.BasePtsmeStock, t, present & one);
            }

            TI.AddRow(ref sink, Metric.BaseRdSpend, t, present & TF.Money(revenue * rdIntensity * TF.Load(ref block, (int)Rate.RdLevel * S)));
            var va = present & (revenue >= aboveScale) & TF.Money(revenue * vaRatio);
            TI.AddRow(ref sink, Metric.BaseAboveScaleVa, t, va);
            if (p.HighTech)
            {
                TI.AddRow(ref sink, Metric.BaseHtVa, t, va);
                TI.AddRow(ref sink, Metric.BaseHtInvest, t, present & TF.Money(revenue * investRatio));
            }
        }
    }

    /// <summary>One year of trials [from, to) (see <see cref="EnterpriseAgent.Step{TSink}(in EnterpriseProfile, uint, Span{EnterpriseState}, YearContext, StepRules, ref TSink)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step<TSink>(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r,
        ReadOnlySpan<ushort> w0, ReadOnlySpan<ushort> w1, ReadOnlySpan<ushort> w2, ReadOnlySpan<ushort> w3, ref TSink sink, int from, int to)
        where TSink : struct, IMetricSink
    {
        Check(states.Length, to, ctx, sink.Trials);
        if (w0.Length < to || w1.Length < to || w2.Length < to || w3.Length < to)
        {
            throw new ArgumentException("fewer uniforms than trials");
        }

        ref var raw = ref Unsafe.As<EnterpriseState, ulong>(ref MemoryMarshal.GetReference(states));
        ref var rates = ref MemoryMarshal.GetArrayDataReference(ctx.Singles);
        ref var counts = ref MemoryMarshal.GetArrayDataReference(ctx.Counts);
        ref var u0s = ref MemoryMarshal.GetReference(w0);
        ref var u1s = ref MemoryMarshal.GetReference(w1);
        ref var u2s = ref MemoryMarshal.GetReference(w2);
        ref var u3s = ref MemoryMarshal.GetReference(w3);
        var trials = ctx.Trials;
        var year = ctx.Year;

        var byteMask = TI.Of(0xFF);
        var one = TI.Of(1);
        var tLatent = TI.Of((int)Tier.Latent);
        var tExited = TI.Of((int)Tier.Exited);
        var tCandidate = TI.Of((int)Tier.Candidate);
        var tEaglet = TI.Of((int)Tier.Eaglet);
        var tPtsme = TI.Of((int)Tier.Ptsme);
        var tHte = TI.Of((int)Tier.Hte);
        var rank = TI.Of(p.Rank);
        var bornNow = TI.Of(year - 1900);
        var certNow = TI.Of(year - 2000);
        var certDue = TI.Of(year - 2000 - r.CertificateYears); // due when cert <= this
        var bornAge = TI.Of(year - 1900); // age = bornAge - born
        var inst4 = TI.Of(4);
        var inst0 = TI.Of(0);
        var oneF = TF.Of(1);
        var zeroF = TF.Of(0);
        var twoF = TF.Of(2);
        var halfF = TF.Of(0.5f);
        var minRevenue = TF.Of(0.01f);
        var rev0 = TF.Of((float)p.Revenue0);
        var rdIntensity = TF.Of((float)p.RdIntensity);
        var centredQuality = TF.Of((float)((2 * p.Quality) - 1));
        var passCap = TF.Of((float)r.HtePassCap);
        var eagletMaxAge = TF.Of((float)r.EagletMaxAge);
        var eagletMaxRevenue = TF.Of((float)r.EagletMaxRevenue);
        var rdSmall = TF.Of((float)r.RdThresholdSmall);
        var rdMedium = TF.Of((float)r.RdThresholdMedium);
        var rdLarge = TF.Of((float)r.RdThresholdLarge);
        var mediumRevenue = TF.Of((float)r.MediumRevenue);
        var largeRevenue = TF.Of((float)r.LargeRevenue);
        var exitSmall = TF.Of((float)r.ExitSmallRevenue);
        var exitLarge = TF.Of((float)r.ExitLargeRevenue);
        var smeMax = TF.Of((float)r.SmeMaxRevenue);
        var aboveScale = TF.Of((float)r.AboveScaleRevenue);
        var vaRatio = TF.Of((float)p.VaRatio);
        var investRatio = TF.Of((float)p.InvestRatio);
        var highTech = p.HighTech;
        var b0 = TI.Of(B0);
        var b1 = TI.Of(B1);
        var b2 = TI.Of(B2);
        var b3 = TI.Of(B3);
        // Per-tier rates indexed by the tier (Latent 0, Exited 1, Candidate 2, Eaglet 3, PTSME 4, HTE 5)
        // and per-level institution rates; entries a rate never applies to are 0.
        ReadOnlySpan<float> exitEntries = [0, 0, (float)r.ExitRate[0], (float)r.ExitRate[1], (float)r.ExitRate[2], (float)r.ExitRate[3], 0, 0];
        ReadOnlySpan<float> applyEntries = [0, 0, (float)r.HteApply[0], (float)r.HteApply[1], (float)r.HteApply[2], 0, 0, 0];
        ReadOnlySpan<float> listingEntries = [0, 0, (float)r.PtsmeListingCandidate, (float)r.PtsmeListingEaglet, 0, (float)r.PtsmeListingCandidate, 0, 0];
        ReadOnlySpan<float> instEntries = [(float)r.InstitutionUpgrade[0], (float)r.InstitutionUpgrade[1], (float)r.InstitutionUpgrade[2], (float)r.InstitutionUpgrade[3], 0, 0, 0, 0];
        var exitTable = TF.Table(exitEntries);
        var applyTable = TF.Table(applyEntries);
        var listingTable = TF.Table(listingEntries);
        var instTable = TF.Table(instEntries);
        var entrantsRow = Row(TrialCount.ActiveEntrants, trials);

        for (var t = from; t < to; t += TF.Count)
        {
            ref var block = ref Unsafe.Add(ref rates, YearContext.SingleIndex(0, t)); // this trial's rates, SingleBlock apart
            TF.LoadStates(ref raw, t, out var meta, out var revenueOld);
            var tier = meta & byteMask;
            var inst = (meta >>> 8) & byteMask;
            var cert = (meta >>> 16) & byteMask;
            var born = meta >>> 24;

            // Entrants whose slot opened this year become candidates (and step at once).
            var births = TI.Of(0);
            var latent = TI.Eq(tier, tLatent);
            if (TI.Any(latent))
            {
                births = latent & (rank < TI.Load(ref counts, entrantsRow + t));
                tier = TI.Select(births, tCandidate, tier);
                born = TI.Select(births, bornNow, born);
                revenueOld = TF.Select(births, rev0 * TF.Load(ref block, (int)Rate.RevenueLevel * S), revenueOld);
            }

            var live = tier >= tCandidate;
            if (!TI.Any(live))
            {
                continue; // no entrant woke (it would be live), so the states are unchanged
            }

            var u0 = TF.Uniform(ref u0s, t);
            var u1 = TF.Uniform(ref u1s, t);
            var u = TF.Uniform(ref u2s, t);
            var u3 = TF.Uniform(ref u3s, t);
            var quality = oneF + (TF.Load(ref block, (int)Rate.QualitySpread * S) * centredQuality);
            var isHte = TI.Eq(tier, tHte);

            var growth = TF.Load(ref block, (int)Rate.FirmGrowth * S)
                + TF.Select(isHte, TF.Load(ref block, (int)Rate.HtePremium * S), zeroF)
                + (TF.Load(ref block, (int)Rate.FirmNoise * S) * ((twoF * u0) - oneF));
            var revenue = TF.Max(revenueOld * (oneF + growth), minRevenue);

            // One uniform decides exit, then (for a listed tech SME) revocation: disjoint bands.
            var slope = TF.Load(ref block, (int)Rate.ExitSizeSlope * S);
            var sizeFactor = TF.Select(revenue < exitSmall, oneF + slope, TF.Select(revenue > exitLarge, oneF - (halfF * slope), oneF));
            var pExit = TF.Lookup(exitTable, exitEntries, tier) * TF.Load(ref block, (int)Rate.Exit * S) * sizeFactor;
            var exits = live & (u1 < pExit);
            var cont = live & ~exits;
            var revoked = cont & TI.Eq(tier, tPtsme)
                & ((revenue > smeMax) | (u1 < pExit + TF.Load(ref block, (int)Rate.Revocation * S)));
            var age = TI.ToFloat(bornAge - born);
            var agedOut = cont & TI.Eq(tier, tEaglet) & (age > eagletMaxAge);
            var settled = revoked | agedOut; // climbs no further this year
            tier = TI.Select(settled, tCandidate, tier);

            var rd = rdIntensity * TF.Load(ref block, (int)Rate.RdIntensity * S);
            var threshold = TF.Select(revenue <= mediumRevenue, rdSmall, TF.Select(revenue <= largeRevenue, rdMedium, rdLarge));
            var eligible = TF.Select(rd >= threshold, oneF, TF.Load(ref block, (int)Rate.PassIneligible * S));

            // HTE: re-application when the certificate has run its years.
            var due = isHte & (cert <= certDue);
            var kept = u < TF.Load(ref block, (int)Rate.RenewalKeep * S) * eligible;
            var renewed = cont & due & kept;
            var lost = cont & due & ~kept;

            // Others: HTE application, tech-SME listing, Eaglet naming, in that order of the uniform.
            var pass = TF.Min(passCap, TF.Load(ref block, (int)Rate.HtePass * S)) * eligible;
            var pHte = TF.Lookup(applyTable, applyEntries, tier) * TF.Load(ref block, (int)Rate.HteApply * S) * quality * pass;
            var pPtsme = TF.Lookup(listingTable, listingEntries, tier) * TF.Load(ref block, (int)Rate.PtsmeListing * S) * quality;
            var eagletEligible = TI.Eq(tier, tCandidate) & (age <= eagletMaxAge) & (revenue <= eagletMaxRevenue) & (rd >= rdSmall);
            var pEaglet = TF.Select(eagletEligible, TF.Load(ref block, (int)Rate.EagletListing * S) * quality, zeroF);
            var climbing = cont & ~isHte & ~settled;
            var toHte = climbing & (u < pHte);
            var hteOrPtsme = pHte + pPtsme;
            var toPtsme = climbing & ~toHte & (u < hteOrPtsme);
            var toEaglet = climbing & ~toHte & ~toPtsme & (u < hteOrPtsme + pEaglet);

            var newTier = TI.Select(toHte, tHte, TI.Select(toPtsme | lost, tPtsme, TI.Select(toEaglet, tEaglet, tier)));
            var newCert = TI.Select(renewed | toHte, certNow, cert);

            // R&D institutions: listed firms found (level 0) or upgrade one level.
            var newIsHte = TI.Eq(newTier, tHte);
            var listed = cont & (newTier >= tPtsme);
            var levelRate = TF.Select(TI.Eq(inst, inst0),
                TF.Load(ref block, (int)Rate.MunicipalFounding * S), TF.Load(ref block, (int)Rate.RdInstitution * S));
            var pInst = TF.Lookup(instTable, instEntries, inst) * levelRate * quality
                * TF.Select(newIsHte, TF.Load(ref block, (int)Rate.HteInstitutionFactor * S), oneF);
            var up = listed & (inst < inst4) & (u3 < pInst);
            var newInst = inst + (up & one);

            var storedTier = TI.Select(exits, tExited, TI.Select(cont, newTier, tier));
            var storedInst = TI.Select(cont, newInst, inst);
            var storedCert = TI.Select(cont, newCert, cert);
            TF.StoreStates(ref raw, t, storedTier | (storedInst << 8) | (storedCert << 16) | (born << 24), TF.Select(cont, revenue, revenueOld));

            // The sixteen counts as bytes (metric 4w + k in byte k of word w; see StagedCounts).
            var founded = up & TI.Eq(newInst, one);
            TI.AddCounts(ref sink, 0, t, (toHte & b0) | (toPtsme & b1) | (toEaglet & b2) | (up & ~founded & b3));
            TI.AddCounts(ref sink, 1, t, (founded & b0) | (renewed & b1) | (lost & b2) | (exits & b3));
            var smeSizedHte = newIsHte & (revenue <= smeMax); // an SME-sized HTE keeps its PTSME listing
            TI.AddCounts(ref sink, 2, t, cont & ((newIsHte & b0) | ((TI.Eq(newTier, tPtsme) | smeSizedHte) & b1)
                | (TI.Eq(newTier, tEaglet) & b2) | (TI.Eq(newTier, tCandidate) & b3)));
            TI.AddCounts(ref sink, 3, t, (listed & b0) | (births & b1) | (revoked & b2) | (agedOut & b3));
            TI.AddRow(ref sink, Metric.RdSpend, t, cont & TF.Money(revenue * rd));
            var va = cont & (revenue >= aboveScale) & TF.Money(revenue * vaRatio);
            TI.AddRow(ref sink, Metric.AboveScaleVa, t, va);
            if (highTech)
            {
                TI.AddRow(ref sink, Metric.HtVa, t, va);
                TI.AddRow(ref sink, Metric.HtInvest, t, cont & TF.Money(revenue * investRatio * TF.Load(ref block, (int)Rate.Investment * S)));
            }
        }
    }

    private static int Row(TrialCount count, int trials) => (int)count * trials;

    /// <summary>What every path checks before its unchecked loads: the states, the year context and the sink hold trials [0, to).</summary>
    private static void Check(int states, int to, YearContext ctx, int sinkTrials)
    {
        if (to > states || to > ctx.Trials || to > sinkTrials || ctx.Singles.Length < YearContext.RateCount * ctx.Trials
            || ctx.Counts.Length != YearContext.CountCount * ctx.Trials)
        {
            throw new ArgumentException("the batch does not match the year context or the sink");
        }
    }
}
