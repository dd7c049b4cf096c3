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
/// agent is stored). Every rate is the trial's (<see cref="YearContext"/>), in single precision
/// (<see cref="EnterpriseKernel{TF, TI}"/>). Four 16-bit uniforms per agent, trial and year: one
/// Philox block serves a pair of trials (see <see cref="Step{TSink}(in EnterpriseProfile, uint, Span{EnterpriseState}, YearContext, StepRules, ref TSink, VectorPath)"/>).
/// <see cref="ReferenceKernel64"/> is the same model in double precision, kept to check this one against.
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
        where TSink : struct, IMetricSink =>
        Init(p, states, ctx, r, ref sink, PhiloxBatch.Best);

    public static void Init<TSink>(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r, ref TSink sink, VectorPath path)
        where TSink : struct, IMetricSink
    {
        var n = states.Length;
        var (wide, narrow) = Widths(path, n);
        if (wide > 0)
        {
            EnterpriseKernel<F16, I16>.Init(p, states, ctx, r, ref sink, 0, wide);
        }

        if (narrow > wide)
        {
            EnterpriseKernel<F8, I8>.Init(p, states, ctx, r, ref sink, wide, narrow);
        }

        if (n > narrow)
        {
            EnterpriseKernel<F1, I1>.Init(p, states, ctx, r, ref sink, narrow, n);
        }
    }

    public static void Init(in EnterpriseProfile p, Span<EnterpriseState> states, YearContext ctx, StepRules r, Accumulator acc)
    {
        var sink = new AccumulatorSink(acc);
        Init(p, states, ctx, r, ref sink);
    }

    /// <summary>Steps every trial, adding straight into a partial (no staging).</summary>
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
    /// Steps every trial with the given instruction set: AVX-512 sixteen trials at a time, AVX2 eight,
    /// the scalar lanes one (and the tail); every path gives the same bits. Trial T's four uniforms
    /// are the 16-bit halves (low for even T, high for odd) of the Philox4x32-10 block at counter
    /// (T / 2, agent, year, 0) under the seed: read as 16-bit words, a run of blocks is the trials' uniforms in order.
    /// </summary>
    public static void Step<TSink>(in EnterpriseProfile p, uint agent, Span<EnterpriseState> states, YearContext ctx, StepRules r, ref TSink sink, VectorPath path)
        where TSink : struct, IMetricSink
    {
        if (IsDormant(p, ctx))
        {
            return;
        }

        var (k0, k1) = Streams.Key(ctx.Seed);
        var n = states.Length;
        var odd = ctx.FirstTrial & 1;
        var pairs = (odd + n + 1) / 2;
        var words = WordScratch.Get(4 * pairs);
        var w0 = words.AsSpan(0, pairs);
        var w1 = words.AsSpan(pairs, pairs);
        var w2 = words.AsSpan(2 * pairs, pairs);
        var w3 = words.AsSpan(3 * pairs, pairs);
        PhiloxBatch.Fill(path, k0, k1, (uint)(ctx.FirstTrial >> 1), agent, (uint)ctx.Year, 0, w0, w1, w2, w3);
        var u0 = MemoryMarshal.Cast<uint, ushort>(w0).Slice(odd, n);
        var u1 = MemoryMarshal.Cast<uint, ushort>(w1).Slice(odd, n);
        var u2 = MemoryMarshal.Cast<uint, ushort>(w2).Slice(odd, n);
        var u3 = MemoryMarshal.Cast<uint, ushort>(w3).Slice(odd, n);
        var (wide, narrow) = Widths(path, n);
        if (wide > 0)
        {
            EnterpriseKernel<F16, I16>.Step(p, states, ctx, r, u0, u1, u2, u3, ref sink, 0, wide);
        }

        if (narrow > wide)
        {
            EnterpriseKernel<F8, I8>.Step(p, states, ctx, r, u0, u1, u2, u3, ref sink, wide, narrow);
        }

        if (n > narrow)
        {
            EnterpriseKernel<F1, I1>.Step(p, states, ctx, r, u0, u1, u2, u3, ref sink, narrow, n);
        }
        sink.AgentDone();
    }

    /// <summary>
    /// How <paramref name="n"/> trials split between the widths on <paramref name="path"/>: sixteen at a time
    /// in [0, wide), eight in [wide, narrow), one in [narrow, n). With AVX-512 the eight-trial tail of a
    /// batch goes through the AVX2 lanes rather than the scalar ones (every width gives the same bits).
    /// </summary>
    internal static (int Wide, int Narrow) Widths(VectorPath path, int n)
    {
        var wide = path == VectorPath.Avx512 && F16.IsSupported ? n & ~15 : 0;
        var narrow = path != VectorPath.Scalar && F8.IsSupported ? n & ~7 : wide;
        return (wide, narrow);
    }
}
