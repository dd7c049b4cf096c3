using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// The enterprise step of <see cref="EnterpriseAgent"/>, eight trials at a time with AVX-512:
/// branches become lane masks, counts are added as masks, money is rounded per lane exactly as the
/// scalar code rounds it. Every floating-point expression is evaluated in the scalar code's order,
/// so the two give the same bits (tests compare them on whole runs).
/// </summary>
internal static class EnterpriseKernel512
{
    public static bool IsSupported => Avx512F.IsSupported && Avx512DQ.IsSupported;

    /// <summary>Steps trials [0, 8k) and returns 8k, the first trial left to the scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Step<TSink>(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r,
        ReadOnlySpan<uint> w0, ReadOnlySpan<uint> w1, ReadOnlySpan<uint> w2, ReadOnlySpan<uint> w3, ref TSink sink)
        where TSink : struct, IMetricSink
    {
        var n = states.Length & ~7;
        EnterpriseAgent.CheckKernelBatch(states.Length, n, ctx, sink.Trials, w0, w1, w2, w3);

        var raw = MemoryMarshal.Cast<EnterpriseState, ulong>(states);
        var year = ctx.Year;
        var trials = ctx.Trials;

        var byteMask = Vector512.Create(0xFFUL);
        var one = Vector512.Create(1L);
        var tCandidate = Vector512.Create((long)Tier.Candidate);
        var tEaglet = Vector512.Create((long)Tier.Eaglet);
        var tPtsme = Vector512.Create((long)Tier.Ptsme);
        var tHte = Vector512.Create((long)Tier.Hte);
        var tExited = Vector512.Create((long)Tier.Exited);
        var rank = Vector512.Create((long)p.Rank);
        var bornNow = Vector512.Create((long)(year - 1900));
        var certNow = Vector512.Create((long)(year - 2000));
        var certAgeLimit = Vector512.Create((long)r.CertificateYears);
        var yearV = Vector512.Create((long)year);
        var rev0 = Vector512.Create(p.Revenue0);
        var two = Vector512.Create(2.0);
        var oneD = Vector512.Create(1.0);
        var zeroD = Vector512<double>.Zero;
        var half = Vector512.Create(0.5);
        var scale32 = Vector512.Create(1.0 / 4294967296.0);
        var minRevenue = Vector512.Create(0.01);
        var million = Vector512.Create(1e6);
        var rdIntensity = Vector512.Create(p.RdIntensity);
        var centredQuality = Vector512.Create((2 * p.Quality) - 1);
        var passCap = Vector512.Create(r.HtePassCap);
        var eagletMaxAge = Vector512.Create(r.EagletMaxAge);
        var eagletMaxRevenue = Vector512.Create(r.EagletMaxRevenue);
        var rdSmall = Vector512.Create(r.RdThresholdSmall);
        var rdMedium = Vector512.Create(r.RdThresholdMedium);
        var rdLarge = Vector512.Create(r.RdThresholdLarge);
        var mediumRevenue = Vector512.Create(r.MediumRevenue);
        var largeRevenue = Vector512.Create(r.LargeRevenue);
        var exitSmall = Vector512.Create(r.ExitSmallRevenue);
        var exitLarge = Vector512.Create(r.ExitLargeRevenue);
        var smeMax = Vector512.Create(r.SmeMaxRevenue);
        var aboveScale = Vector512.Create(r.AboveScaleRevenue);
        var vaRatio = Vector512.Create(p.VaRatio);
        var investRatio = Vector512.Create(p.InvestRatio);
        var highTech = p.HighTech;
        var inst4 = Vector512.Create(4L);
        var inst0 = Vector512<long>.Zero;
        var year2000 = Vector512.Create(2000L);
        var year1900 = Vector512.Create(1900L);
        // Per-tier rates as tables indexed by the tier byte (Latent 0, Exited 1, Candidate 2, Eaglet 3,
        // PTSME 4, HTE 5), looked up with one permute; entries for tiers a rate never applies to are 0.
        var exitTable = Vector512.Create(0, 0, r.ExitRate[0], r.ExitRate[1], r.ExitRate[2], r.ExitRate[3], 0, 0);
        var applyTable = Vector512.Create(0, 0, r.HteApply[0], r.HteApply[1], r.HteApply[2], 0, 0, 0);
        var listingTable = Vector512.Create(0, 0, r.PtsmeListingCandidate, r.PtsmeListingEaglet, 0, r.PtsmeListingCandidate, 0, 0);
        var instTable = Vector512.Create(r.InstitutionUpgrade[0], r.InstitutionUpgrade[1], r.InstitutionUpgrade[2], r.InstitutionUpgrade[3], 0, 0, 0, 0);
        var b0 = Vector512.Create(1L);
        var b1 = Vector512.Create(1L << 8);
        var b2 = Vector512.Create(1L << 16);
        var b3 = Vector512.Create(1L << 24);
        var b4 = Vector512.Create(1L << 32);
        var b5 = Vector512.Create(1L << 40);
        var b6 = Vector512.Create(1L << 48);
        var b7 = Vector512.Create(1L << 56);
        // Staged stock counts by new tier (word 1: HTE b0, PTSME b1, Eaglet b2, candidate b3, listed b4).
        var stockTable = Vector512.Create(0, 0, 1L << 24, 1L << 16, (1L << 8) | (1L << 32), 1L | (1L << 32), 0, 0);
        var halfScale = Vector512.Create(0.5 / 4294967296.0);
        ref var rawStart = ref MemoryMarshal.GetReference(raw);
        ref var w0Start = ref MemoryMarshal.GetReference(w0);
        ref var w1Start = ref MemoryMarshal.GetReference(w1);
        ref var w2Start = ref MemoryMarshal.GetReference(w2);
        ref var w3Start = ref MemoryMarshal.GetReference(w3);
        ref var rates = ref MemoryMarshal.GetArrayDataReference(ctx.Rates);
        ref var counts = ref MemoryMarshal.GetArrayDataReference(ctx.Counts);
        for (var t = 0; t < n; t += 8)
        {
            var v = Vector512.LoadUnsafe(ref rawStart, (nuint)t);
            var tier = (v & byteMask).AsInt64();
            var inst = ((v >> 8) & byteMask).AsInt64();
            var cert = ((v >> 16) & byteMask).AsInt64();
            var born = ((v >> 24) & byteMask).AsInt64();
            var revenueOld = Avx512F.ConvertToVector512Double(Avx512F.ConvertToVector256UInt32(v >> 32).AsSingle());

            // Entrants whose slot opened this year become candidates (and step at once).
            var births = Vector512<long>.Zero;
            var latent = Vector512.Equals(tier, Vector512<long>.Zero);
            if (latent != Vector512<long>.Zero)
            {
                var open = Avx512F.ConvertToVector512Int64(Vector256.LoadUnsafe(ref counts, (nuint)(((int)TrialCount.ActiveEntrants * trials) + t)));
                var born8 = latent & Vector512.LessThan(rank, open);
                var entrantRevenue = Avx512F.ConvertToVector512Double(Avx512F.ConvertToVector256Single(rev0 * Load(ref rates, Rate.RevenueLevel, trials, t)));
                tier = Vector512.ConditionalSelect(born8, tCandidate, tier);
                born = Vector512.ConditionalSelect(born8, bornNow, born);
                revenueOld = Vector512.ConditionalSelect(born8.AsDouble(), entrantRevenue, revenueOld);
                births = born8;
            }

            var live = Vector512.GreaterThanOrEqual(tier, tCandidate);
            if (live == Vector512<long>.Zero)
            {
                Store(ref rawStart, t, tier, inst, cert, born, revenueOld);
                continue;
            }

            var u0 = Unit(ref w0Start, t, scale32, halfScale);
            var u1 = Unit(ref w1Start, t, scale32, halfScale);
            var u = Unit(ref w2Start, t, scale32, halfScale);
            var u3 = Unit(ref w3Start, t, scale32, halfScale);
            var quality = oneD + (Load(ref rates, Rate.QualitySpread, trials, t) * centredQuality);
            var isHte = Vector512.Equals(tier, tHte);

            var growth = Load(ref rates, Rate.FirmGrowth, trials, t) + Vector512.ConditionalSelect(isHte.AsDouble(), Load(ref rates, Rate.HtePremium, trials, t), zeroD)
                + (Load(ref rates, Rate.FirmNoise, trials, t) * ((two * u0) - oneD));
            var revenue = Vector512.Max(revenueOld * (oneD + growth), minRevenue);

            // One uniform decides exit, then (for a listed tech SME) revocation: disjoint bands.
            var slope = Load(ref rates, Rate.ExitSizeSlope, trials, t);
            var sizeFactor = Vector512.ConditionalSelect(Vector512.LessThan(revenue, exitSmall), oneD + slope,
                Vector512.ConditionalSelect(Vector512.GreaterThan(revenue, exitLarge), oneD - (half * slope), oneD));
            var pExit = Avx512F.PermuteVar8x64(exitTable, tier) * Load(ref rates, Rate.Exit, trials, t) * sizeFactor;
            var exits = live & Vector512.LessThan(u1, pExit).AsInt64();
            var cont = live & ~exits;
            var revoked = cont & Vector512.Equals(tier, tPtsme)
                & (Vector512.GreaterThan(revenue, smeMax) | Vector512.LessThan(u1, pExit + Load(ref rates, Rate.Revocation, trials, t))).AsInt64();
            var age = Vector512.ConvertToDouble(yearV - (year1900 + born));
            var agedOut = cont & Vector512.Equals(tier, tEaglet) & Vector512.GreaterThan(age, eagletMaxAge).AsInt64();
            var settled = revoked | agedOut; // climbs no further this year
            tier = Vector512.ConditionalSelect(settled, tCandidate, tier);
            var isCandidate = Vector512.Equals(tier, tCandidate);

            var rd = rdIntensity * Load(ref rates, Rate.RdIntensity, trials, t);
            var threshold = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(revenue, mediumRevenue), rdSmall,
                Vector512.ConditionalSelect(Vector512.LessThanOrEqual(revenue, largeRevenue), rdMedium, rdLarge));
            var eligibleFactor = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(rd, threshold), oneD, Load(ref rates, Rate.PassIneligible, trials, t));

            // HTE: re-application when the certificate has run its years.
            var due = isHte & Vector512.GreaterThanOrEqual(yearV - (year2000 + cert), certAgeLimit);
            var kept = Vector512.LessThan(u, Load(ref rates, Rate.RenewalKeep, trials, t) * eligibleFactor).AsInt64();
            var renewed = cont & due & kept;
            var lost = cont & due & ~kept;

            // Others: HTE application, tech-SME listing, Eaglet naming, in that order of the uniform.
            var pass = Vector512.Min(passCap, Load(ref rates, Rate.HtePass, trials, t)) * eligibleFactor;
            var pHte = Avx512F.PermuteVar8x64(applyTable, tier) * Load(ref rates, Rate.HteApply, trials, t) * quality * pass;
            var pPtsme = Avx512F.PermuteVar8x64(listingTable, tier) * Load(ref rates, Rate.PtsmeListing, trials, t) * quality; // 0 for PTSME (0 * x is +0)
            var eagletEligible = isCandidate
                & Vector512.LessThanOrEqual(age, eagletMaxAge).AsInt64()
                & Vector512.LessThanOrEqual(revenue, eagletMaxRevenue).AsInt64()
                & Vector512.GreaterThanOrEqual(rd, rdSmall).AsInt64();
            var pEaglet = Vector512.ConditionalSelect(eagletEligible.AsDouble(), Load(ref rates, Rate.EagletListing, trials, t) * quality, zeroD);
            var climbing = cont & ~isHte & ~settled;
            var toHte = climbing & Vector512.LessThan(u, pHte).AsInt64();
            var hteOrPtsme = pHte + pPtsme;
            var toPtsme = climbing & ~toHte & Vector512.LessThan(u, hteOrPtsme).AsInt64();
            var toEaglet = climbing & ~toHte & ~toPtsme & Vector512.LessThan(u, hteOrPtsme + pEaglet).AsInt64();

            var newTier = Vector512.ConditionalSelect(toHte, tHte,
                Vector512.ConditionalSelect(toPtsme | lost, tPtsme,
                Vector512.ConditionalSelect(toEaglet, tEaglet, tier)));
            var newCert = Vector512.ConditionalSelect(renewed | toHte, certNow, cert);

            // R&D institutions: listed firms found (level 0) or upgrade one level.
            var newIsHte = Vector512.Equals(newTier, tHte);
            var listed = cont & Vector512.GreaterThanOrEqual(newTier, tPtsme);
            var levelRate = Vector512.ConditionalSelect(Vector512.Equals(inst, inst0).AsDouble(),
                Load(ref rates, Rate.MunicipalFounding, trials, t), Load(ref rates, Rate.RdInstitution, trials, t));
            var pInst = Avx512F.PermuteVar8x64(instTable, inst) * levelRate * quality
                * Vector512.ConditionalSelect(newIsHte.AsDouble(), Load(ref rates, Rate.HteInstitutionFactor, trials, t), oneD);
            var up = listed & Vector512.LessThan(inst, inst4) & Vector512.LessThan(u3, pInst).AsInt64();
            var newInst = inst + (up & one);

            Store(ref rawStart, t,
                Vector512.ConditionalSelect(exits, tExited, Vector512.ConditionalSelect(cont, newTier, tier)),
                Vector512.ConditionalSelect(cont, newInst, inst),
                Vector512.ConditionalSelect(cont, newCert, cert),
                born,
                Vector512.ConditionalSelect(cont.AsDouble(), revenue, revenueOld));

            // The sixteen counts as bytes (metric 8w + k in byte k of word w; see Metrics.StagedCounts).
            var counts0 = (toHte & b0) | (toPtsme & b1) | (toEaglet & b2)
                | (up & Vector512.GreaterThan(newInst, one) & b3) | (up & Vector512.Equals(newInst, one) & b4)
                | (renewed & b5) | (lost & b6) | (exits & b7);
            var counts1 = (cont & Avx512F.PermuteVar8x64(stockTable, newTier))
                | (cont & newIsHte & Vector512.LessThanOrEqual(revenue, smeMax).AsInt64() & b1) // an SME-sized HTE keeps its PTSME listing
                | (births & b5) | (revoked & b6) | (agedOut & b7);
            sink.AddCounts8(0, t, counts0.AsUInt64());
            sink.AddCounts8(1, t, counts1.AsUInt64());
            sink.Add8(Metric.RdSpend, t, cont & Money(revenue * rd, million, half));
            var above = cont & Vector512.GreaterThanOrEqual(revenue, aboveScale).AsInt64();
            var va = above & Money(revenue * vaRatio, million, half);
            sink.Add8(Metric.AboveScaleVa, t, va);
            if (highTech)
            {
                sink.Add8(Metric.HtVa, t, va);
                sink.Add8(Metric.HtInvest, t, cont & Money(revenue * investRatio * Load(ref rates, Rate.Investment, trials, t), million, half));
            }
        }

        return n;
    }

    /// <summary>Eight trials' values of a rate from t on; Step checked the context holds the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load(ref double rates, Rate rate, int trials, int t) =>
        Vector512.LoadUnsafe(ref rates, (nuint)(((int)rate * trials) + t));

    /// <summary>
    /// (r + 0.5) / 2^32 per lane, as <see cref="Random.Philox.ToUnit"/>: r * 2^-32 + 2^-33 in one fused
    /// multiply-add, exact (and so equal to the scalar form) because r has 32 bits and the scale is a power of two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Unit(ref uint words, int t, Vector512<double> scale, Vector512<double> halfScale) =>
        Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref words, (nuint)t)), scale, halfScale);

    /// <summary><see cref="Fixed.MillionYuan"/> per lane: (long)(x * 1e6 + 0.5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Money(Vector512<double> millions, Vector512<double> million, Vector512<double> half) =>
        Vector512.ConvertToInt64((millions * million) + half);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref ulong raw, int t, Vector512<long> tier, Vector512<long> inst, Vector512<long> cert, Vector512<long> born, Vector512<double> revenue)
    {
        var bits = Avx512F.ConvertToVector512UInt64(Avx512F.ConvertToVector256Single(revenue).AsUInt32());
        var packed = tier.AsUInt64() | (inst.AsUInt64() << 8) | (cert.AsUInt64() << 16) | (born.AsUInt64() << 24) | (bits << 32);
        packed.StoreUnsafe(ref raw, (nuint)t);
    }
}
