using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// The enterprise step of <see cref="EnterpriseAgent"/>, four trials at a time with AVX2 and FMA, for
/// machines without AVX-512 (<see cref="EnterpriseKernel512"/> is its eight-lane twin; keep the two in
/// step). AVX2 lacks what the AVX-512 kernel leans on, so this one replaces: table permutes by selects
/// on the tier masks; 64-bit integer to double by the exact magic-number form; double to 64-bit
/// integer (money) by truncation and the same form, exact below 2^51 and left to the scalar cast per
/// lane above it. Every floating-point expression is evaluated in the scalar code's order, so the
/// paths give the same bits (tests compare them on whole runs).
/// </summary>
internal static class EnterpriseKernel256
{
    /// <summary>2^52 + 2^51: adding it to an integral double of magnitude below 2^51 leaves the integer in the low mantissa bits.</summary>
    private const double Magic = 6755399441055744.0;

    /// <summary>Magnitudes at or above this are converted lane by lane with the scalar cast.</summary>
    private const double ExactLimit = 2251799813685248.0; // 2^51

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Steps trials [0, 4k) and returns 4k, the first trial left to the scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Step<TSink>(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r,
        ReadOnlySpan<uint> w0, ReadOnlySpan<uint> w1, ReadOnlySpan<uint> w2, ReadOnlySpan<uint> w3, ref TSink sink)
        where TSink : struct, IMetricSink
    {
        var n = states.Length & ~3;
        EnterpriseAgent.CheckKernelBatch(states.Length, n, ctx, sink.Trials, w0, w1, w2, w3);

        var raw = MemoryMarshal.Cast<EnterpriseState, ulong>(states);
        var year = ctx.Year;
        var trials = ctx.Trials;

        var byteMask = Vector256.Create(0xFFUL);
        var one = Vector256.Create(1L);
        var tCandidate = Vector256.Create((long)Tier.Candidate);
        var tEaglet = Vector256.Create((long)Tier.Eaglet);
        var tPtsme = Vector256.Create((long)Tier.Ptsme);
        var tHte = Vector256.Create((long)Tier.Hte);
        var tExited = Vector256.Create((long)Tier.Exited);
        var rank = Vector256.Create((long)p.Rank);
        var bornNow = Vector256.Create((long)(year - 1900));
        var certNow = Vector256.Create((long)(year - 2000));
        var certAgeLimit = Vector256.Create((long)r.CertificateYears);
        var yearV = Vector256.Create((long)year);
        var rev0 = Vector256.Create(p.Revenue0);
        var two = Vector256.Create(2.0);
        var oneD = Vector256.Create(1.0);
        var zeroD = Vector256<double>.Zero;
        var half = Vector256.Create(0.5);
        var scale32 = Vector256.Create(1.0 / 4294967296.0);
        var halfScale = Vector256.Create(0.5 / 4294967296.0);
        var minRevenue = Vector256.Create(0.01);
        var million = Vector256.Create(1e6);
        var rdIntensity = Vector256.Create(p.RdIntensity);
        var centredQuality = Vector256.Create((2 * p.Quality) - 1);
        var passCap = Vector256.Create(r.HtePassCap);
        var eagletMaxAge = Vector256.Create(r.EagletMaxAge);
        var eagletMaxRevenue = Vector256.Create(r.EagletMaxRevenue);
        var rdSmall = Vector256.Create(r.RdThresholdSmall);
        var rdMedium = Vector256.Create(r.RdThresholdMedium);
        var rdLarge = Vector256.Create(r.RdThresholdLarge);
        var mediumRevenue = Vector256.Create(r.MediumRevenue);
        var largeRevenue = Vector256.Create(r.LargeRevenue);
        var exitSmall = Vector256.Create(r.ExitSmallRevenue);
        var exitLarge = Vector256.Create(r.ExitLargeRevenue);
        var smeMax = Vector256.Create(r.SmeMaxRevenue);
        var aboveScale = Vector256.Create(r.AboveScaleRevenue);
        var vaRatio = Vector256.Create(p.VaRatio);
        var investRatio = Vector256.Create(p.InvestRatio);
        var highTech = p.HighTech;
        var inst1 = Vector256.Create(1L);
        var inst2 = Vector256.Create(2L);
        var inst4 = Vector256.Create(4L);
        var year2000 = Vector256.Create(2000L);
        var year1900 = Vector256.Create(1900L);

        // Per-tier rates: the AVX-512 kernel's permute tables as selects. Only the lanes a rate is
        // used in matter (exit: live tiers; application and listing: candidate, Eaglet, PTSME;
        // institutions: levels 0-3); a PTSME's listing rate must be +0, as in the scalar code.
        var exitC = Vector256.Create(r.ExitRate[0]);
        var exitE = Vector256.Create(r.ExitRate[1]);
        var exitP = Vector256.Create(r.ExitRate[2]);
        var exitH = Vector256.Create(r.ExitRate[3]);
        var applyC = Vector256.Create(r.HteApply[0]);
        var applyE = Vector256.Create(r.HteApply[1]);
        var applyP = Vector256.Create(r.HteApply[2]);
        var listC = Vector256.Create(r.PtsmeListingCandidate);
        var listE = Vector256.Create(r.PtsmeListingEaglet);
        var instUp0 = Vector256.Create(r.InstitutionUpgrade[0]);
        var instUp1 = Vector256.Create(r.InstitutionUpgrade[1]);
        var instUp2 = Vector256.Create(r.InstitutionUpgrade[2]);
        var instUp3 = Vector256.Create(r.InstitutionUpgrade[3]);
        var b0 = Vector256.Create(1L);
        var b1 = Vector256.Create(1L << 8);
        var b2 = Vector256.Create(1L << 16);
        var b3 = Vector256.Create(1L << 24);
        var b4 = Vector256.Create(1L << 32);
        var b5 = Vector256.Create(1L << 40);
        var b6 = Vector256.Create(1L << 48);
        var b7 = Vector256.Create(1L << 56);

        // Staged stock counts by new tier (word 1: HTE b0, PTSME b1, Eaglet b2, candidate b3, listed b4).
        var stockC = Vector256.Create(1L << 24);
        var stockE = Vector256.Create(1L << 16);
        var stockP = Vector256.Create((1L << 8) | (1L << 32));
        var stockH = Vector256.Create(1L | (1L << 32));
        var highHalves = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);

        ref var rawStart = ref MemoryMarshal.GetReference(raw);
        ref var w0Start = ref MemoryMarshal.GetReference(w0);
        ref var w1Start = ref MemoryMarshal.GetReference(w1);
        ref var w2Start = ref MemoryMarshal.GetReference(w2);
        ref var w3Start = ref MemoryMarshal.GetReference(w3);
        ref var rates = ref MemoryMarshal.GetArrayDataReference(ctx.Rates);
        ref var counts = ref MemoryMarshal.GetArrayDataReference(ctx.Counts);

        for (var t = 0; t < n; t += 4)
        {
            var v = Vector256.LoadUnsafe(ref rawStart, (nuint)t);
            var tier = (v & byteMask).AsInt64();
            var inst = ((v >> 8) & byteMask).AsInt64();
            var cert = ((v >> 16) & byteMask).AsInt64();
            var born = ((v >> 24) & byteMask).AsInt64();
            var revenueOld = Avx.ConvertToVector256Double(Avx2.PermuteVar8x32(v.AsInt32(), highHalves).GetLower().AsSingle());

            // Entrants whose slot opened this year become candidates (and step at once).
            var births = Vector256<long>.Zero;
            var latent = Vector256.Equals(tier, Vector256<long>.Zero);
            if (latent != Vector256<long>.Zero)
            {
                var open = Avx2.ConvertToVector256Int64(Vector128.LoadUnsafe(ref counts, (nuint)(((int)TrialCount.ActiveEntrants * trials) + t)));
                var born4 = latent & Vector256.LessThan(rank, open);
                var entrantRevenue = Avx.ConvertToVector256Double(Avx.ConvertToVector128Single(rev0 * Load(ref rates, Rate.RevenueLevel, trials, t)));
                tier = Vector256.ConditionalSelect(born4, tCandidate, tier);
                born = Vector256.ConditionalSelect(born4, bornNow, born);
                revenueOld = Vector256.ConditionalSelect(born4.AsDouble(), entrantRevenue, revenueOld);
                births = born4;
            }

            var live = Vector256.GreaterThanOrEqual(tier, tCandidate);
            if (live == Vector256<long>.Zero)
            {
                Store(ref rawStart, t, tier, inst, cert, born, revenueOld);
                continue;
            }

            var u0 = Unit(ref w0Start, t, scale32, halfScale);
            var u1 = Unit(ref w1Start, t, scale32, halfScale);
            var u = Unit(ref w2Start, t, scale32, halfScale);
            var u3 = Unit(ref w3Start, t, scale32, halfScale);
            var quality = oneD + (Load(ref rates, Rate.QualitySpread, trials, t) * centredQuality);
            var isHte = Vector256.Equals(tier, tHte);
            var isEaglet = Vector256.Equals(tier, tEaglet);
            var isPtsme = Vector256.Equals(tier, tPtsme);

            var growth = Load(ref rates, Rate.FirmGrowth, trials, t) + Vector256.ConditionalSelect(isHte.AsDouble(), Load(ref rates, Rate.HtePremium, trials, t), zeroD)
                + (Load(ref rates, Rate.FirmNoise, trials, t) * ((two * u0) - oneD));
            var revenue = Vector256.Max(revenueOld * (oneD + growth), minRevenue);

            // One uniform decides exit, then (for a listed tech SME) revocation: disjoint bands.
            var exitRate = Vector256.ConditionalSelect(Vector256.Equals(tier, tCandidate).AsDouble(), exitC,
                Vector256.ConditionalSelect(isEaglet.AsDouble(), exitE,
                Vector256.ConditionalSelect(isPtsme.AsDouble(), exitP, exitH)));
            var slope = Load(ref rates, Rate.ExitSizeSlope, trials, t);
            var sizeFactor = Vector256.ConditionalSelect(Vector256.LessThan(revenue, exitSmall), oneD + slope,
                Vector256.ConditionalSelect(Vector256.GreaterThan(revenue, exitLarge), oneD - (half * slope), oneD));
            var pExit = exitRate * Load(ref rates, Rate.Exit, trials, t) * sizeFactor;
            var exits = live & Vector256.LessThan(u1, pExit).AsInt64();
            var cont = live & ~exits;
            var revoked = cont & isPtsme
                & (Vector256.GreaterThan(revenue, smeMax) | Vector256.LessThan(u1, pExit + Load(ref rates, Rate.Revocation, trials, t))).AsInt64();
            var age = ToDouble(yearV - (year1900 + born));
            var agedOut = cont & isEaglet & Vector256.GreaterThan(age, eagletMaxAge).AsInt64();
            var settled = revoked | agedOut; // climbs no further this year
            tier = Vector256.ConditionalSelect(settled, tCandidate, tier);
            var isCandidate = Vector256.Equals(tier, tCandidate);
            isEaglet &= ~settled;

            var rd = rdIntensity * Load(ref rates, Rate.RdIntensity, trials, t);
            var threshold = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(revenue, mediumRevenue), rdSmall,
                Vector256.ConditionalSelect(Vector256.LessThanOrEqual(revenue, largeRevenue), rdMedium, rdLarge));
            var eligibleFactor = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(rd, threshold), oneD, Load(ref rates, Rate.PassIneligible, trials, t));

            // HTE: re-application when the certificate has run its years.
            var due = isHte & Vector256.GreaterThanOrEqual(yearV - (year2000 + cert), certAgeLimit);
            var kept = Vector256.LessThan(u, Load(ref rates, Rate.RenewalKeep, trials, t) * eligibleFactor).AsInt64();
            var renewed = cont & due & kept;
            var lost = cont & due & ~kept;

            // Others: HTE application, tech-SME listing, Eaglet naming, in that order of the uniform.
            var pass = Vector256.Min(passCap, Load(ref rates, Rate.HtePass, trials, t)) * eligibleFactor;
            var apply = Vector256.ConditionalSelect(isCandidate.AsDouble(), applyC,
                Vector256.ConditionalSelect(isEaglet.AsDouble(), applyE, applyP));
            var pHte = apply * Load(ref rates, Rate.HteApply, trials, t) * quality * pass;
            var listing = Vector256.ConditionalSelect(isCandidate.AsDouble(), listC,
                Vector256.ConditionalSelect(isEaglet.AsDouble(), listE, zeroD));
            var pPtsme = listing * Load(ref rates, Rate.PtsmeListing, trials, t) * quality; // 0 for PTSME (0 * x is +0)
            var eagletEligible = isCandidate
                & Vector256.LessThanOrEqual(age, eagletMaxAge).AsInt64()
                & Vector256.LessThanOrEqual(revenue, eagletMaxRevenue).AsInt64()
                & Vector256.GreaterThanOrEqual(rd, rdSmall).AsInt64();
            var pEaglet = Vector256.ConditionalSelect(eagletEligible.AsDouble(), Load(ref rates, Rate.EagletListing, trials, t) * quality, zeroD);
            var climbing = cont & ~isHte & ~settled;
            var toHte = climbing & Vector256.LessThan(u, pHte).AsInt64();
            var hteOrPtsme = pHte + pPtsme;
            var toPtsme = climbing & ~toHte & Vector256.LessThan(u, hteOrPtsme).AsInt64();
            var toEaglet = climbing & ~toHte & ~toPtsme & Vector256.LessThan(u, hteOrPtsme + pEaglet).AsInt64();

            var newTier = Vector256.ConditionalSelect(toHte, tHte,
                Vector256.ConditionalSelect(toPtsme | lost, tPtsme,
                Vector256.ConditionalSelect(toEaglet, tEaglet, tier)));
            var newCert = Vector256.ConditionalSelect(renewed | toHte, certNow, cert);

            // R&D institutions: listed firms found (level 0) or upgrade one level.
            var newIsHte = Vector256.Equals(newTier, tHte);
            var listed = cont & Vector256.GreaterThanOrEqual(newTier, tPtsme);
            var isLevel0 = Vector256.Equals(inst, Vector256<long>.Zero).AsDouble();
            var instRate = Vector256.ConditionalSelect(isLevel0, instUp0,
                Vector256.ConditionalSelect(Vector256.Equals(inst, inst1).AsDouble(), instUp1,
                Vector256.ConditionalSelect(Vector256.Equals(inst, inst2).AsDouble(), instUp2, instUp3)));
            var levelRate = Vector256.ConditionalSelect(isLevel0, Load(ref rates, Rate.MunicipalFounding, trials, t), Load(ref rates, Rate.RdInstitution, trials, t));
            var pInst = instRate * levelRate * quality
                * Vector256.ConditionalSelect(newIsHte.AsDouble(), Load(ref rates, Rate.HteInstitutionFactor, trials, t), oneD);
            var up = listed & Vector256.LessThan(inst, inst4) & Vector256.LessThan(u3, pInst).AsInt64();
            var newInst = inst + (up & one);

            Store(ref rawStart, t,
                Vector256.ConditionalSelect(exits, tExited, Vector256.ConditionalSelect(cont, newTier, tier)),
                Vector256.ConditionalSelect(cont, newInst, inst),
                Vector256.ConditionalSelect(cont, newCert, cert),
                born,
                Vector256.ConditionalSelect(cont.AsDouble(), revenue, revenueOld));

            // The sixteen counts as bytes (metric 8w + k in byte k of word w; see Metrics.StagedCounts).
            var counts0 = (toHte & b0) | (toPtsme & b1) | (toEaglet & b2)
                | (up & Vector256.GreaterThan(newInst, one) & b3) | (up & Vector256.Equals(newInst, one) & b4)
                | (renewed & b5) | (lost & b6) | (exits & b7);
            var stock = Vector256.ConditionalSelect(newIsHte, stockH,
                Vector256.ConditionalSelect(Vector256.Equals(newTier, tPtsme), stockP,
                Vector256.ConditionalSelect(Vector256.Equals(newTier, tEaglet), stockE, stockC)));
            var counts1 = (cont & stock)
                | (cont & newIsHte & Vector256.LessThanOrEqual(revenue, smeMax).AsInt64() & b1) // an SME-sized HTE keeps its PTSME listing
                | (births & b5) | (revoked & b6) | (agedOut & b7);
            sink.AddCounts4(0, t, counts0.AsUInt64());
            sink.AddCounts4(1, t, counts1.AsUInt64());
            sink.Add4(Metric.RdSpend, t, cont & Money(revenue * rd, million, half));
            var above = cont & Vector256.GreaterThanOrEqual(revenue, aboveScale).AsInt64();
            var va = above & Money(revenue * vaRatio, million, half);
            sink.Add4(Metric.AboveScaleVa, t, va);
            if (highTech)
            {
                sink.Add4(Metric.HtVa, t, va);
                sink.Add4(Metric.HtInvest, t, cont & Money(revenue * investRatio * Load(ref rates, Rate.Investment, trials, t), million, half));
            }
        }

        return n;
    }

    /// <summary>Four trials' values of a rate from t on; Step checked the context holds the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load(ref double rates, Rate rate, int trials, int t) =>
        Vector256.LoadUnsafe(ref rates, (nuint)(((int)rate * trials) + t));

    /// <summary>
    /// (r + 0.5) / 2^32 per lane, as <see cref="Random.Philox.ToUnit"/>: the word zero-extended, made a
    /// double exactly (2^52 + r, minus 2^52), then r * 2^-32 + 2^-33 in one fused multiply-add, exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Unit(ref uint words, int t, Vector256<double> scale, Vector256<double> halfScale)
    {
        var wide = Avx2.ConvertToVector256Int64(Vector128.LoadUnsafe(ref words, (nuint)t));
        var exact = (wide | Vector256.Create(0x4330_0000_0000_0000L)).AsDouble() - Vector256.Create(4503599627370496.0);
        return Fma.MultiplyAdd(exact, scale, halfScale);
    }

    /// <summary>A 64-bit integer of magnitude below 2^51 as a double, exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> ToDouble(Vector256<long> x) =>
        (x + Vector256.Create(Magic).AsInt64()).AsDouble() - Vector256.Create(Magic);

    /// <summary>
    /// <see cref="Fixed.MillionYuan"/> per lane: (long)(x * 1e6 + 0.5), truncating. Truncated values
    /// below 2^51 in magnitude convert exactly through the magic number; larger ones (never seen in
    /// the seeds) take the scalar cast lane by lane, so the result is always the scalar one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<long> Money(Vector256<double> millions, Vector256<double> million, Vector256<double> half)
    {
        var x = (millions * million) + half;
        var truncated = Avx.RoundToZero(x);
        if (!Vector256.LessThanAll(Vector256.Abs(truncated), Vector256.Create(ExactLimit))) // also NaN
        {
            return Vector256.Create((long)x.GetElement(0), (long)x.GetElement(1), (long)x.GetElement(2), (long)x.GetElement(3));
        }

        return (truncated + Vector256.Create(Magic)).AsInt64() - Vector256.Create(Magic).AsInt64();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref ulong raw, int t, Vector256<long> tier, Vector256<long> inst, Vector256<long> cert, Vector256<long> born, Vector256<double> revenue)
    {
        var bits = Avx2.ConvertToVector256Int64(Avx.ConvertToVector128Single(revenue).AsUInt32()).AsUInt64();
        var packed = tier.AsUInt64() | (inst.AsUInt64() << 8) | (cert.AsUInt64() << 16) | (born.AsUInt64() << 24) | (bits << 32);
        packed.StoreUnsafe(ref raw, (nuint)t);
    }
}
