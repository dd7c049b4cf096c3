using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Forecast.Random;

/// <summary>The instruction set a batch of Philox blocks is computed with.</summary>
public enum VectorPath
{
    Scalar,
    Avx2,
    Avx512,
}

/// <summary>
/// Philox4x32-10 blocks for consecutive trials: counter (firstTrial + t, c1, c2, c3) for t in
/// [0, count), written as four word streams. Vectorised across trials with AVX-512 (16 trials per
/// step, two independent 8-lane streams interleaved so the dependent rounds overlap) or AVX2 (8 per
/// step), with the scalar <see cref="Philox.Block"/> as fallback and for the tail. The maths is
/// integer, so every path gives the same bits; tests check each available path against scalar.
/// </summary>
public static class PhiloxBatch
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;
    private const int Rounds = 10;

    /// <summary>The widest path this machine accelerates.</summary>
    public static VectorPath Best { get; } =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? VectorPath.Avx512
        : Avx2.IsSupported ? VectorPath.Avx2
        : VectorPath.Scalar;

    public static bool IsSupported(VectorPath path) => path switch
    {
        VectorPath.Avx512 => Avx512F.IsSupported,
        VectorPath.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    public static void Fill(uint k0, uint k1, uint firstTrial, uint c1, uint c2, uint c3,
        Span<uint> r0, Span<uint> r1, Span<uint> r2, Span<uint> r3) =>
        Fill(Best, k0, k1, firstTrial, c1, c2, c3, r0, r1, r2, r3);

    public static void Fill(VectorPath path, uint k0, uint k1, uint firstTrial, uint c1, uint c2, uint c3,
        Span<uint> r0, Span<uint> r1, Span<uint> r2, Span<uint> r3)
    {
        var n = r0.Length;
        if (r1.Length != n || r2.Length != n || r3.Length != n)
        {
            throw new ArgumentException("the four output spans must have the same length");
        }

        if (!IsSupported(path))
        {
            throw new PlatformNotSupportedException($"{path} is not supported on this machine");
        }

        var done = path switch
        {
            VectorPath.Avx512 => FillAvx512(k0, k1, firstTrial, c1, c2, c3, r0, r1, r2, r3),
            VectorPath.Avx2 => FillAvx2(k0, k1, firstTrial, c1, c2, c3, r0, r1, r2, r3),
            _ => 0,
        };
        for (var t = done; t < n; t++)
        {
            Philox.Block(k0, k1, firstTrial + (uint)t, c1, c2, c3, out r0[t], out r1[t], out r2[t], out r3[t]);
        }
    }

    /// <summary>
    /// Words 0..3 of each counter held in a 64-bit lane. Only the low 32 bits of a lane are the word:
    /// the multiplies read only those (vpmuludq) and the final narrowing keeps only those, so the high
    /// halves the low product words and the xors leave there are never cleared (two instructions a round fewer).
    /// </summary>
    private static int FillAvx512(uint k0, uint k1, uint first, uint c1, uint c2, uint c3,
        Span<uint> r0, Span<uint> r1, Span<uint> r2, Span<uint> r3)
    {
        var n = r0.Length;
        var mask = Vector512.Create(0xFFFF_FFFFUL);
        var m0 = Vector512.Create((ulong)M0).AsUInt32();
        var m1 = Vector512.Create((ulong)M1).AsUInt32();
        var lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        var vc1 = Vector512.Create((ulong)c1);
        var vc2 = Vector512.Create((ulong)c2);
        var vc3 = Vector512.Create((ulong)c3);
        Span<ulong> keys0 = stackalloc ulong[Rounds];
        Span<ulong> keys1 = stackalloc ulong[Rounds];
        KeySchedule(k0, k1, keys0, keys1);

        var t = 0;
        for (; t + 16 <= n; t += 16)
        {
            // Counter word 0 is the trial; it stays below 2^32 (trial indices are uint).
            var a0 = (Vector512.Create((ulong)(first + (uint)t)) + lanes) & mask;
            var b0 = (Vector512.Create((ulong)(first + (uint)t + 8)) + lanes) & mask;
            Vector512<ulong> a1 = vc1, a2 = vc2, a3 = vc3, b1 = vc1, b2 = vc2, b3 = vc3;
            // (word ^ key) first: it does not wait for the multiply, so a round's dependent chain is multiply, shift, one xor.
            for (var r = 0; r < Rounds; r++)
            {
                var kv0 = Vector512.Create(keys0[r]);
                var kv1 = Vector512.Create(keys1[r]);
                var pa0 = Avx512F.Multiply(a0.AsUInt32(), m0);
                var pa1 = Avx512F.Multiply(a2.AsUInt32(), m1);
                var pb0 = Avx512F.Multiply(b0.AsUInt32(), m0);
                var pb1 = Avx512F.Multiply(b2.AsUInt32(), m1);
                a0 = Vector512.ShiftRightLogical(pa1, 32) ^ (a1 ^ kv0);
                a2 = Vector512.ShiftRightLogical(pa0, 32) ^ (a3 ^ kv1);
                a1 = pa1;
                a3 = pa0;
                b0 = Vector512.ShiftRightLogical(pb1, 32) ^ (b1 ^ kv0);
                b2 = Vector512.ShiftRightLogical(pb0, 32) ^ (b3 ^ kv1);
                b1 = pb1;
                b3 = pb0;
            }

            Vector512.Narrow(a0, b0).CopyTo(r0[t..]);
            Vector512.Narrow(a1, b1).CopyTo(r1[t..]);
            Vector512.Narrow(a2, b2).CopyTo(r2[t..]);
            Vector512.Narrow(a3, b3).CopyTo(r3[t..]);
        }

        return t;
    }

    private static int FillAvx2(uint k0, uint k1, uint first, uint c1, uint c2, uint c3,
        Span<uint> r0, Span<uint> r1, Span<uint> r2, Span<uint> r3)
    {
        var n = r0.Length;
        var mask = Vector256.Create(0xFFFF_FFFFUL);
        var m0 = Vector256.Create((ulong)M0).AsUInt32();
        var m1 = Vector256.Create((ulong)M1).AsUInt32();
        var lanes = Vector256.Create(0UL, 1, 2, 3);
        var vc1 = Vector256.Create((ulong)c1);
        var vc2 = Vector256.Create((ulong)c2);
        var vc3 = Vector256.Create((ulong)c3);
        Span<ulong> keys0 = stackalloc ulong[Rounds];
        Span<ulong> keys1 = stackalloc ulong[Rounds];
        KeySchedule(k0, k1, keys0, keys1);

        var t = 0;
        for (; t + 8 <= n; t += 8)
        {
            var a0 = (Vector256.Create((ulong)(first + (uint)t)) + lanes) & mask;
            var b0 = (Vector256.Create((ulong)(first + (uint)t + 4)) + lanes) & mask;
            Vector256<ulong> a1 = vc1, a2 = vc2, a3 = vc3, b1 = vc1, b2 = vc2, b3 = vc3;
            // (word ^ key) first: it does not wait for the multiply, so a round's dependent chain is multiply, shift, one xor.
            for (var r = 0; r < Rounds; r++)
            {
                var kv0 = Vector256.Create(keys0[r]);
                var kv1 = Vector256.Create(keys1[r]);
                var pa0 = Avx2.Multiply(a0.AsUInt32(), m0);
                var pa1 = Avx2.Multiply(a2.AsUInt32(), m1);
                var pb0 = Avx2.Multiply(b0.AsUInt32(), m0);
                var pb1 = Avx2.Multiply(b2.AsUInt32(), m1);
                a0 = Vector256.ShiftRightLogical(pa1, 32) ^ (a1 ^ kv0);
                a2 = Vector256.ShiftRightLogical(pa0, 32) ^ (a3 ^ kv1);
                a1 = pa1;
                a3 = pa0;
                b0 = Vector256.ShiftRightLogical(pb1, 32) ^ (b1 ^ kv0);
                b2 = Vector256.ShiftRightLogical(pb0, 32) ^ (b3 ^ kv1);
                b1 = pb1;
                b3 = pb0;
            }

            Vector256.Narrow(a0, b0).CopyTo(r0[t..]);
            Vector256.Narrow(a1, b1).CopyTo(r1[t..]);
            Vector256.Narrow(a2, b2).CopyTo(r2[t..]);
            Vector256.Narrow(a3, b3).CopyTo(r3[t..]);
        }

        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KeySchedule(uint k0, uint k1, Span<ulong> keys0, Span<ulong> keys1)
    {
        for (var r = 0; r < Rounds; r++)
        {
            keys0[r] = k0;
            keys1[r] = k1;
            k0 += W0;
            k1 += W1;
        }
    }
}
