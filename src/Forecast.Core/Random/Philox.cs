using System.Runtime.CompilerServices;

namespace Forecast.Random;

/// <summary>
/// Philox4x32-10, the counter-based generator of Random123 (Salmon, Moraes, Dror and Shaw, SC'11):
/// a block of four 32-bit words is a pure function of a 64-bit key and a 128-bit counter, so any
/// draw can be computed directly from its coordinates, on any thread or silo, in any order.
/// Bit-for-bit equal to Random123's <c>philox4x32_10</c> (checked against its kat_vectors).
/// </summary>
public static class Philox
{
    // Round multipliers and Weyl key increments (golden ratio, sqrt(3) - 1), as in Random123.
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    /// <summary>One Philox4x32-10 block: counter (c0..c3) under key (k0, k1) to (r0..r3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(uint k0, uint k1, uint c0, uint c1, uint c2, uint c3, out uint r0, out uint r1, out uint r2, out uint r3)
    {
        // Ten rounds; the key is bumped by the Weyl constants before every round but the first
        // (Random123's philox4x32_R). Unrolled by hand; after inlining the JIT keeps it all in registers.
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        r0 = c0;
        r1 = c1;
        r2 = c2;
        r3 = c3;
    }

    /// <summary>
    /// A 32-bit word as a double strictly inside (0, 1): (r + 0.5) * 2^-32, so 0 maps to 2^-33 and
    /// uint.MaxValue to 1 - 2^-33 (both exact in a double), safe for inverse CDFs and logarithms.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnit(uint r) => (r + 0.5) * (1.0 / 4294967296.0);

    /// <summary>
    /// Four uniforms in (0, 1) at counter (trial, agent, year, stream) under the key
    /// (low 32 bits of <paramref name="seed"/>, high 32 bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Uniforms(ulong seed, uint trial, uint agent, uint year, uint stream, out double u0, out double u1, out double u2, out double u3)
    {
        Block((uint)seed, (uint)(seed >> 32), trial, agent, year, stream, out var r0, out var r1, out var r2, out var r3);
        u0 = ToUnit(r0);
        u1 = ToUnit(r1);
        u2 = ToUnit(r2);
        u3 = ToUnit(r3);
    }

    /// <summary>
    /// One Philox round: (hi0, lo0) = M0 * c0 and (hi1, lo1) = M1 * c2 as 64-bit products, then
    /// (c0, c1, c2, c3) becomes (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        var p0 = (ulong)M0 * c0;
        var p1 = (ulong)M1 * c2;
        var n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
        var n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint)p1;
        c3 = (uint)p0;
        c0 = n0;
        c2 = n2;
    }
}
