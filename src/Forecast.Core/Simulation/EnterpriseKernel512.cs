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
    public static int Step<TSink>(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r, double quality,
        ReadOnlySpan<uint> w0, ReadOnlySpan<uint> w1, ReadOnlySpan<uint> w2, ReadOnlySpan<uint> w3, ref TSink sink)
        where TSink : struct, IMetricSink
    {
        var n = states.Length & ~7;
        if (sink.Trials < states.Length || ctx.Trials < states.Length || ctx.GdpGrowth.Length < states.Length
            || ctx.ExitMultiplier.Length < states.Length || ctx.RdIntensity.Length < states.Length || ctx.HtePass.Length < states.Length
            || ctx.HteApply.Length < states.Length || ctx.PtsmeListing.Length < states.Length || ctx.RdInstitution.Length < states.Length
            || ctx.Investment.Length < states.Length || ctx.ActiveEntrants.Length < states.Length)
        {
            throw new ArgumentException("the batch is larger than the year context or the sink");
        }

        var raw = MemoryMarshal.Cast<EnterpriseState, ulong>(states);
        var year = ctx.Year;

        var byteMask = Vector512.Create(0xFFUL);
        var one = Vector512.Create(1L);
        var tCandidate = Vector512.Create((long)Tier.Candidate);
        var tEaglet = Vector512.Create((long)Tier.Eaglet);
        var tPtsme = Vector512.Create((long)Tier.Ptsme);
        var tHte = Vector512.Create((long)Tier.Hte);
        var tExited = Vector512.Create((long)Tier.Exited);
        var rank = Vector512.Create((long)p.EntrantRank);
        var bornNow = Vector512.Create((long)(year - 1900));
        var certNow = Vector512.Create((long)(year - 2000));
        var certAgeLimit = Vector512.Create((long)r.CertificateYears);
        var yearV = Vector512.Create((long)year);
        var rev0 = Vector512.Create((double)(float)p.Revenue0);
        var beta = Vector512.Create(r.FirmGrowthBeta);
        var premium = Vector512.Create(r.HteGrowthPremium);
        var noise = Vector512.Create(r.FirmNoise);
        var two = Vector512.Create(2.0);
        var oneD = Vector512.Create(1.0);
        var zeroD = Vector512<double>.Zero;
        var half = Vector512.Create(0.5);
        var scale32 = Vector512.Create(1.0 / 4294967296.0);
        var minRevenue = Vector512.Create(0.01);
        var million = Vector512.Create(1e6);
        var rdIntensity = Vector512.Create(p.RdIntensity);
        var q = Vector512.Create(quality);
        var keep1 = Vector512.Create(1 - r.HteRenewalLoss);
        var passIneligible = Vector512.Create(r.HtePassIneligible);
        var passRate = Vector512.Create(r.HtePassRate);
        var passCap = Vector512.Create(0.98);
        var listE = Vector512.Create(r.PtsmeListingEaglet);
        var listC = Vector512.Create(r.PtsmeListingCandidate);
        var eagletP = Vector512.Create(r.EagletListing * quality);
        var eagletMaxAge = Vector512.Create(r.EagletMaxAge);
        var eagletMaxRevenue = Vector512.Create(r.EagletMaxRevenue);
        var rdSmall = Vector512.Create(r.RdThresholdSmall);
        var rdMedium = Vector512.Create(r.RdThresholdMedium);
        var rdLarge = Vector512.Create(r.RdThresholdLarge);
        var mediumRevenue = Vector512.Create(r.MediumRevenue);
        var largeRevenue = Vector512.Create(r.LargeRevenue);
        var hteFactor = Vector512.Create(r.InstitutionHteFactor);
        var smeMax = Vector512.Create(r.SmeMaxRevenue);
        var aboveScale = Vector512.Create(r.AboveScaleRevenue);
        var vaRatio = Vector512.Create(p.VaRatio);
        var investRatio = Vector512.Create(p.InvestRatio);
        var highTech = p.HighTech;
        var inst4 = Vector512.Create(4L);
        // Per-tier and per-level rates, broadcast once (the JIT does not hoist broadcasts out of the loop).
        var e0 = Vector512.Create(r.ExitRate[0]);
        var e1 = Vector512.Create(r.ExitRate[1]);
        var e2 = Vector512.Create(r.ExitRate[2]);
        var e3 = Vector512.Create(r.ExitRate[3]);
        var a0 = Vector512.Create(r.HteApply[0]);
        var a1 = Vector512.Create(r.HteApply[1]);
        var a2 = Vector512.Create(r.HteApply[2]);
        var i0 = Vector512.Create(r.InstitutionUpgrade[0]);
        var i1 = Vector512.Create(r.InstitutionUpgrade[1]);
        var i2 = Vector512.Create(r.InstitutionUpgrade[2]);
        var i3 = Vector512.Create(r.InstitutionUpgrade[3]);
        var two64 = Vector512.Create(2L);
        var year2000 = Vector512.Create(2000L);
        var year1900 = Vector512.Create(1900L);
        var b0 = Vector512.Create(1L);
        var b1 = Vector512.Create(1L << 8);
        var b2 = Vector512.Create(1L << 16);
        var b3 = Vector512.Create(1L << 24);
        var b4 = Vector512.Create(1L << 32);
        var b5 = Vector512.Create(1L << 40);
        var b6 = Vector512.Create(1L << 48);
        var b7 = Vector512.Create(1L << 56);
        ref var rawStart = ref MemoryMarshal.GetReference(raw);
        ref var w0Start = ref MemoryMarshal.GetReference(w0);
        ref var w1Start = ref MemoryMarshal.GetReference(w1);
        ref var w2Start = ref MemoryMarshal.GetReference(w2);
        ref var w3Start = ref MemoryMarshal.GetReference(w3);
        if (w0.Length < n || w1.Length < n || w2.Length < n || w3.Length < n)
        {
            throw new ArgumentException("fewer Philox words than trials");
        }

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
                var open = Avx512F.ConvertToVector512Int64(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(ctx.ActiveEntrants), (nuint)t));
                var born8 = latent & Vector512.LessThan(rank, open);
                tier = Vector512.ConditionalSelect(born8, tCandidate, tier);
                born = Vector512.ConditionalSelect(born8, bornNow, born);
                revenueOld = Vector512.ConditionalSelect(born8.AsDouble(), rev0, revenueOld);
                births = born8;
            }

            var live = Vector512.GreaterThanOrEqual(tier, tCandidate);
            if (live == Vector512<long>.Zero)
            {
                Store(ref rawStart, t, tier, inst, cert, born, revenueOld);
                continue;
            }

            var u0 = Unit(ref w0Start, t, half, scale32);
            var u1 = Unit(ref w1Start, t, half, scale32);
            var u = Unit(ref w2Start, t, half, scale32);
            var u3 = Unit(ref w3Start, t, half, scale32);
            var isHte = Vector512.Equals(tier, tHte);
            var isPtsme = Vector512.Equals(tier, tPtsme);
            var isEaglet = Vector512.Equals(tier, tEaglet);
            var isCandidate = Vector512.Equals(tier, tCandidate);

            var gdp = Load(ctx.GdpGrowth, t);
            var growth = (beta * gdp) + Vector512.ConditionalSelect(isHte.AsDouble(), premium, zeroD) + (noise * ((two * u0) - oneD));
            var revenue = Vector512.Max(revenueOld * (oneD + growth), minRevenue);

            var exitRate = Pick(isCandidate, e0, isEaglet, e1, isPtsme, e2, e3);
            var exits = live & Vector512.LessThan(u1, exitRate * Load(ctx.ExitMultiplier, t)).AsInt64();
            var cont = live & ~exits;

            var rd = rdIntensity * Load(ctx.RdIntensity, t);
            var threshold = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(revenue, mediumRevenue), rdSmall,
                Vector512.ConditionalSelect(Vector512.LessThanOrEqual(revenue, largeRevenue), rdMedium, rdLarge));
            var eligibleFactor = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(rd, threshold), oneD, passIneligible);

            // HTE: re-application when the certificate has run its years.
            var due = isHte & Vector512.GreaterThanOrEqual(yearV - (year2000 + cert), certAgeLimit);
            var kept = Vector512.LessThan(u, keep1 * eligibleFactor).AsInt64();
            var renewed = cont & due & kept;
            var lost = cont & due & ~kept;

            // Others: HTE application, tech-SME listing, Eaglet naming, in that order of the uniform.
            var pass = Vector512.Min(passCap, passRate * Load(ctx.HtePass, t)) * eligibleFactor;
            var apply = Pick(isCandidate, a0, isEaglet, a1, isPtsme, a2, zeroD);
            var pHte = apply * Load(ctx.HteApply, t) * q * pass;
            var listing = Vector512.ConditionalSelect(isEaglet.AsDouble(), listE, listC);
            var pPtsme = Vector512.ConditionalSelect(isPtsme.AsDouble(), zeroD, listing * Load(ctx.PtsmeListing, t) * q);
            var age = Vector512.ConvertToDouble(yearV - (year1900 + born));
            var eagletEligible = isCandidate
                & Vector512.LessThanOrEqual(age, eagletMaxAge).AsInt64()
                & Vector512.LessThanOrEqual(revenue, eagletMaxRevenue).AsInt64()
                & Vector512.GreaterThanOrEqual(rd, rdSmall).AsInt64();
            var pEaglet = Vector512.ConditionalSelect(eagletEligible.AsDouble(), eagletP, zeroD);
            var climbing = cont & ~isHte;
            var toHte = climbing & Vector512.LessThan(u, pHte).AsInt64();
            var hteOrPtsme = pHte + pPtsme;
            var toPtsme = climbing & ~toHte & Vector512.LessThan(u, hteOrPtsme).AsInt64();
            var toEaglet = climbing & ~toHte & ~toPtsme & Vector512.LessThan(u, hteOrPtsme + pEaglet).AsInt64();

            var newTier = Vector512.ConditionalSelect(toHte, tHte,
                Vector512.ConditionalSelect(toPtsme | lost, tPtsme,
                Vector512.ConditionalSelect(toEaglet, tEaglet, tier)));
            var newCert = Vector512.ConditionalSelect(renewed | toHte, certNow, cert);

            // R&D institutions: listed firms found or upgrade one level.
            var newIsHte = Vector512.Equals(newTier, tHte);
            var listed = cont & Vector512.GreaterThanOrEqual(newTier, tPtsme);
            var instRate = Pick(Vector512.Equals(inst, Vector512<long>.Zero), i0, Vector512.Equals(inst, one), i1,
                Vector512.Equals(inst, two64), i2, i3);
            var pInst = instRate * Load(ctx.RdInstitution, t) * q
                * Vector512.ConditionalSelect(newIsHte.AsDouble(), hteFactor, oneD);
            var up = listed & Vector512.LessThan(inst, inst4) & Vector512.LessThan(u3, pInst).AsInt64();
            var newInst = inst + (up & one);

            Store(ref rawStart, t,
                Vector512.ConditionalSelect(exits, tExited, Vector512.ConditionalSelect(cont, newTier, tier)),
                Vector512.ConditionalSelect(cont, newInst, inst),
                Vector512.ConditionalSelect(cont, newCert, cert),
                born,
                Vector512.ConditionalSelect(cont.AsDouble(), revenue, revenueOld));

            // The fourteen counts as bytes (metric 8w + k in byte k of word w; see Metrics.StagedCounts).
            var counts0 = (toHte & b0) | (toPtsme & b1) | (toEaglet & b2)
                | (up & Vector512.GreaterThan(newInst, one) & b3) | (up & Vector512.Equals(newInst, one) & b4)
                | (renewed & b5) | (lost & b6) | (exits & b7);
            var counts1 = (cont & newIsHte & b0)
                | (((cont & Vector512.Equals(newTier, tPtsme)) | (cont & newIsHte & Vector512.LessThanOrEqual(revenue, smeMax).AsInt64())) & b1)
                | (cont & Vector512.Equals(newTier, tEaglet) & b2)
                | (cont & Vector512.Equals(newTier, tCandidate) & b3)
                | (listed & b4) | (births & b5);
            sink.AddCounts8(0, t, counts0.AsUInt64());
            sink.AddCounts8(1, t, counts1.AsUInt64());
            sink.Add8(Metric.RdSpend, t, cont & Money(revenue * rd, million, half));
            var above = cont & Vector512.GreaterThanOrEqual(revenue, aboveScale).AsInt64();
            var va = above & Money(revenue * vaRatio, million, half);
            sink.Add8(Metric.AboveScaleVa, t, va);
            if (highTech)
            {
                sink.Add8(Metric.HtVa, t, va);
                sink.Add8(Metric.HtInvest, t, cont & Money(revenue * investRatio * Load(ctx.Investment, t), million, half));
            }
        }

        return n;
    }

    /// <summary>Eight doubles from t on; Step checked every context array holds the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load(double[] values, int t) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(values), (nuint)t);

    /// <summary>(r + 0.5) / 2^32 per lane, as <see cref="Random.Philox.ToUnit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Unit(ref uint words, int t, Vector512<double> half, Vector512<double> scale) =>
        (Vector512.ConvertToDouble(Avx512F.ConvertToVector512UInt64(Vector256.LoadUnsafe(ref words, (nuint)t))) + half) * scale;

    /// <summary><see cref="Fixed.MillionYuan"/> per lane: (long)(x * 1e6 + 0.5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Money(Vector512<double> millions, Vector512<double> million, Vector512<double> half) =>
        Vector512.ConvertToInt64((millions * million) + half);

    /// <summary>Per lane: a where ma, else b where mb, else c where mc, else d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Pick(Vector512<long> ma, Vector512<double> a, Vector512<long> mb, Vector512<double> b,
        Vector512<long> mc, Vector512<double> c, Vector512<double> d) =>
        Vector512.ConditionalSelect(ma.AsDouble(), a, Vector512.ConditionalSelect(mb.AsDouble(), b, Vector512.ConditionalSelect(mc.AsDouble(), c, d)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref ulong raw, int t, Vector512<long> tier, Vector512<long> inst, Vector512<long> cert, Vector512<long> born, Vector512<double> revenue)
    {
        var bits = Avx512F.ConvertToVector512UInt64(Avx512F.ConvertToVector256Single(revenue).AsUInt32());
        var packed = tier.AsUInt64() | (inst.AsUInt64() << 8) | (cert.AsUInt64() << 16) | (born.AsUInt64() << 24) | (bits << 32);
        packed.StoreUnsafe(ref raw, (nuint)t);
    }
}
