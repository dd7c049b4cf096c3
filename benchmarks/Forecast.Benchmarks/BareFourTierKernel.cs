using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Forecast.Model;
using Forecast.Random;

namespace Forecast.Benchmarks;

/// <summary>
/// A bare four-tier enterprise kernel, the floor the full model is compared against: tiers
/// candidate -> Eaglet -> PTSME -> HTE, exit, one upgrade draw, HTE renewal every three years (kept
/// or lost to PTSME); per trial it counts the HTE stock and exits. One Philox4x32-10 block per
/// (agent, trial, year) from <see cref="PhiloxBatch"/>, keyed by the seed at counter
/// (trial, agent, year, 0) as in the model. Agents run in parallel chunks of 256 on two threads,
/// each thread with its own counters, merged per year. No revenue, R&D, institutions, money or
/// coupling: only what any tiered firm model must do. State: one byte per agent and trial.
/// Rates are fixed constants (exit 2-5%, upgrades 3-15%, renewal keeps 85%).
/// The vector path steps 16 trials at a time with AVX-512 (lane masks, vpermd table look-ups), or 8
/// with AVX2 on machines without it; the scalar path is the same logic with branches.
/// </summary>
public sealed class BareFourTierKernel
{
    private const int ChunkSize = 256;
    private const int Exited = 0, Candidate = 1, Eaglet = 2, Ptsme = 3, Hte = 4;

    // Thresholds on a uniform 32-bit word: p * 2^32, indexed by tier (0 = exited: never moves).
    private static readonly uint[] ExitThreshold = [0, T(0.05), T(0.03), T(0.03), T(0.02)];
    private static readonly uint[] UpgradeThreshold = [0, T(0.03), T(0.15), T(0.12), 0];
    private static readonly uint KeepThreshold = T(0.85);
    private static readonly uint[] ExitTable16 = Table(ExitThreshold);
    private static readonly uint[] UpgradeTable16 = Table(UpgradeThreshold);
    private const int CertificateYears = 3;

    private readonly int _agents;
    private readonly int _trials;
    private readonly byte[] _initial;
    private readonly byte[] _state;

    public BareFourTierKernel(IReadOnlyList<EnterpriseProfile> profiles, int trials, int startYear)
    {
        _agents = profiles.Count;
        _trials = trials;
        _initial = new byte[_agents];
        for (var a = 0; a < _agents; a++)
        {
            var p = profiles[a];
            var tier = p.InitialTier switch
            {
                Tier.Hte => Hte,
                Tier.Ptsme => Ptsme,
                Tier.Eaglet => Eaglet,
                _ => Candidate, // candidates, and entrant slots stepped as candidates: every agent does work
            };
            var cert = p.InitialTier == Tier.Hte ? Math.Clamp(startYear - p.CertYear, 0, CertificateYears) : 0;
            _initial[a] = Pack(tier, cert);
        }

        _state = new byte[_agents * trials];
    }

    public int Agents => _agents;

    /// <summary>Steps every agent over every trial for years [firstYear, lastYear]; returns a checksum of the counts.</summary>
    public long Run(ulong seed, int firstYear, int lastYear, bool vector)
    {
        var wide = vector && Avx512F.IsSupported;
        var avx2 = vector && !wide && Avx2.IsSupported;
        for (var a = 0; a < _agents; a++)
        {
            _state.AsSpan(a * _trials, _trials).Fill(_initial[a]);
        }

        var (k0, k1) = Streams.Key(seed);
        var chunks = (_agents + ChunkSize - 1) / ChunkSize;
        var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        long checksum = 0;
        for (var year = firstYear; year <= lastYear; year++)
        {
            var hteStock = new long[_trials];
            var exits = new long[_trials];
            var y = year;
            Parallel.For(
                0,
                chunks,
                options,
                () => new Scratch(_trials),
                (chunk, _, s) =>
                {
                    var end = Math.Min(_agents, (chunk + 1) * ChunkSize);
                    for (var a = chunk * ChunkSize; a < end; a++)
                    {
                        PhiloxBatch.Fill(k0, k1, 0, (uint)a, (uint)y, 0, s.W0, s.W1, s.W2, s.W3);
                        var state = _state.AsSpan(a * _trials, _trials);
                        var start = wide ? StepVector(state, s.W1, s.W2, s.Hte, s.Exits)
                            : avx2 ? StepVector256(state, s.W1, s.W2, s.Hte, s.Exits)
                            : 0;
                        StepScalar(start, state, s.W1, s.W2, s.Hte, s.Exits);
                    }

                    return s;
                },
                s =>
                {
                    lock (hteStock)
                    {
                        for (var t = 0; t < _trials; t++)
                        {
                            hteStock[t] += s.Hte[t];
                            exits[t] += s.Exits[t];
                        }
                    }
                });

            checksum += hteStock[0] + exits[^1];
        }

        return checksum;
    }

    /// <summary>One byte of state per agent and trial: tier in bits 0-2, years since the HTE certificate in bits 3-7.</summary>
    private static byte Pack(int tier, int cert) => (byte)(tier | (cert << 3));

    private static void StepScalar(int start, Span<byte> states, uint[] w1, uint[] w2, int[] hte, int[] exits)
    {
        for (var t = start; t < states.Length; t++)
        {
            var tier = states[t] & 7;
            var cert = states[t] >> 3;
            if (tier == Exited)
            {
                continue;
            }

            if (w1[t] < ExitThreshold[tier])
            {
                states[t] = Pack(Exited, cert);
                exits[t]++;
                continue;
            }

            var u = w2[t];
            if (tier == Hte)
            {
                cert++;
                if (cert >= CertificateYears)
                {
                    if (u < KeepThreshold)
                    {
                        cert = 0;
                    }
                    else
                    {
                        tier = Ptsme;
                    }
                }
            }
            else if (u < UpgradeThreshold[tier])
            {
                tier++;
                if (tier == Hte)
                {
                    cert = 0;
                }
            }

            states[t] = Pack(tier, cert);
            hte[t] += tier == Hte ? 1 : 0;
        }
    }

    /// <summary>Trials [0, 16k) with AVX-512 (bytes widened to 32-bit lanes and narrowed back); returns 16k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int StepVector(Span<byte> states, uint[] w1, uint[] w2, int[] hte, int[] exits)
    {
        var n = states.Length & ~15;
        if (w1.Length < n || w2.Length < n || hte.Length < n || exits.Length < n)
        {
            throw new ArgumentException("scratch smaller than the batch");
        }

        var exitTable = Vector512.Create(ExitTable16).AsInt32();
        var upTable = Vector512.Create(UpgradeTable16).AsInt32();
        var keepThreshold = Vector512.Create(KeepThreshold);
        var hteTier = Vector512.Create(Hte);
        var certLimit = Vector512.Create(CertificateYears);
        var seven = Vector512.Create(7);
        ref var rState = ref MemoryMarshal.GetReference(states);
        ref var r1 = ref MemoryMarshal.GetArrayDataReference(w1);
        ref var r2 = ref MemoryMarshal.GetArrayDataReference(w2);
        ref var rHte = ref MemoryMarshal.GetArrayDataReference(hte);
        ref var rExits = ref MemoryMarshal.GetArrayDataReference(exits);
        for (nuint t = 0; t < (nuint)n; t += 16)
        {
            var packed = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref rState, t));
            var tier = packed & seven;
            var cert = Vector512.ShiftRightLogical(packed, 3);
            var u1 = Vector512.LoadUnsafe(ref r1, t);
            var u2 = Vector512.LoadUnsafe(ref r2, t);

            // Exit (an exited lane's threshold is 0: it never matches).
            var exit = Vector512.LessThan(u1, Avx512F.PermuteVar16x32(exitTable, tier).AsUInt32()).AsInt32();
            tier = Vector512.AndNot(tier, exit);

            // HTE: a year older; at three years re-apply: kept (cert 0) or lost to PTSME (tier - 1).
            var isHte = Vector512.Equals(tier, hteTier);
            cert -= isHte;
            var due = isHte & Vector512.GreaterThanOrEqual(cert, certLimit);
            var keep = Vector512.LessThan(u2, keepThreshold).AsInt32();
            cert = Vector512.AndNot(cert, due & keep);
            var lost = Vector512.AndNot(due, keep);

            // Others: one upgrade draw (the HTE and exited lanes' thresholds are 0).
            var up = Vector512.LessThan(u2, Avx512F.PermuteVar16x32(upTable, tier).AsUInt32()).AsInt32();
            tier = tier + lost - up;
            var nowHte = Vector512.Equals(tier, hteTier);
            cert = Vector512.AndNot(cert, up & nowHte);

            Avx512F.ConvertToVector128Byte(tier | Vector512.ShiftLeft(cert, 3)).StoreUnsafe(ref rState, t);
            (Vector512.LoadUnsafe(ref rHte, t) - nowHte).StoreUnsafe(ref rHte, t);
            (Vector512.LoadUnsafe(ref rExits, t) - exit).StoreUnsafe(ref rExits, t);
        }

        return n;
    }

    /// <summary>
    /// Trials [0, 8k) with AVX2, for machines without AVX-512: the same steps on eight 32-bit lanes
    /// (vpermd table look-ups; unsigned compares by flipping the sign bits; bytes gathered back with
    /// vpshufb and vpermd); returns 8k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int StepVector256(Span<byte> states, uint[] w1, uint[] w2, int[] hte, int[] exits)
    {
        var n = states.Length & ~7;
        if (w1.Length < n || w2.Length < n || hte.Length < n || exits.Length < n)
        {
            throw new ArgumentException("scratch smaller than the batch");
        }

        var sign = Vector256.Create(int.MinValue);
        var exitTable = Vector256.Create(ExitTable16.AsSpan(0, 8)).AsInt32() ^ sign;
        var upTable = Vector256.Create(UpgradeTable16.AsSpan(0, 8)).AsInt32() ^ sign;
        var keepThreshold = Vector256.Create((int)(KeepThreshold ^ 0x8000_0000u));
        var hteTier = Vector256.Create(Hte);
        var certLimit = Vector256.Create(CertificateYears);
        var seven = Vector256.Create(7);
        var firstBytes = Vector256.Create((byte)0, 4, 8, 12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
            0, 4, 8, 12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
        var gather = Vector256.Create(0, 4, 0, 0, 0, 0, 0, 0);
        ref var rState = ref MemoryMarshal.GetReference(states);
        ref var r1 = ref MemoryMarshal.GetArrayDataReference(w1);
        ref var r2 = ref MemoryMarshal.GetArrayDataReference(w2);
        ref var rHte = ref MemoryMarshal.GetArrayDataReference(hte);
        ref var rExits = ref MemoryMarshal.GetArrayDataReference(exits);
        for (nuint t = 0; t < (nuint)n; t += 8)
        {
            var packed = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref rState, t))).AsByte());
            var tier = packed & seven;
            var cert = Vector256.ShiftRightLogical(packed, 3);
            var u1 = Vector256.LoadUnsafe(ref r1, t).AsInt32() ^ sign;
            var u2 = Vector256.LoadUnsafe(ref r2, t).AsInt32() ^ sign;

            // Exit (an exited lane's threshold is 0: it never matches).
            var exit = Vector256.LessThan(u1, Avx2.PermuteVar8x32(exitTable, tier));
            tier = Vector256.AndNot(tier, exit);

            // HTE: a year older; at three years re-apply: kept (cert 0) or lost to PTSME (tier - 1).
            var isHte = Vector256.Equals(tier, hteTier);
            cert -= isHte;
            var due = isHte & Vector256.GreaterThanOrEqual(cert, certLimit);
            var keep = Vector256.LessThan(u2, keepThreshold);
            cert = Vector256.AndNot(cert, due & keep);
            var lost = Vector256.AndNot(due, keep);

            // Others: one upgrade draw (the HTE and exited lanes' thresholds are 0).
            var up = Vector256.LessThan(u2, Avx2.PermuteVar8x32(upTable, tier));
            tier = tier + lost - up;
            var nowHte = Vector256.Equals(tier, hteTier);
            cert = Vector256.AndNot(cert, up & nowHte);

            var bytes = Avx2.PermuteVar8x32(Avx2.Shuffle((tier | Vector256.ShiftLeft(cert, 3)).AsByte(), firstBytes).AsInt32(), gather);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref rState, t), bytes.AsUInt64().ToScalar());
            (Vector256.LoadUnsafe(ref rHte, t) - nowHte).StoreUnsafe(ref rHte, t);
            (Vector256.LoadUnsafe(ref rExits, t) - exit).StoreUnsafe(ref rExits, t);
        }

        return n;
    }

    private static uint[] Table(uint[] byTier)
    {
        var table = new uint[16];
        byTier.CopyTo(table, 0);
        return table;
    }

    private static uint T(double p) => (uint)Math.Min(uint.MaxValue, p * 4294967296.0);

    private sealed class Scratch(int trials)
    {
        public readonly uint[] W0 = new uint[trials];
        public readonly uint[] W1 = new uint[trials];
        public readonly uint[] W2 = new uint[trials];
        public readonly uint[] W3 = new uint[trials];
        public readonly int[] Hte = new int[trials];
        public readonly int[] Exits = new int[trials];
    }
}
