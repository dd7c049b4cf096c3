using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Forecast.Aggregation;

namespace Forecast.Simulation;

/// <summary>
/// Trials side by side in 32-bit float lanes: 16 with AVX-512, 8 with AVX2, 1 for the scalar path.
/// <see cref="EnterpriseKernel"/> is written once against this and its <see cref="IIntLanes{TI, TF}"/>;
/// every operation is one IEEE-754 single-precision operation per lane (no fused multiply-add, and
/// max/min as the x86 instructions define them), so every width gives the same bits.
/// </summary>
public interface IFloatLanes<TF, TI>
    where TF : struct, IFloatLanes<TF, TI>
    where TI : struct, IIntLanes<TI, TF>
{
    static abstract int Count { get; }

    static abstract TF Of(float value);

    static abstract TF Load(ref float row, int t);

    /// <summary>(k + 0.5) / 65536 for the 16-bit words from t on: exact in single precision.</summary>
    static abstract TF Uniform(ref ushort words, int t);

    /// <summary>Splits Count packed states (low word: tier, institution, certificate, born; high word: revenue).</summary>
    static abstract void LoadStates(ref ulong states, int t, out TI meta, out TF revenue);

    static abstract void StoreStates(ref ulong states, int t, TI meta, TF revenue);

    static abstract TF operator +(TF a, TF b);

    static abstract TF operator -(TF a, TF b);

    static abstract TF operator *(TF a, TF b);

    static abstract TI operator <(TF a, TF b);

    static abstract TI operator >(TF a, TF b);

    static abstract TI operator <=(TF a, TF b);

    static abstract TI operator >=(TF a, TF b);

    /// <summary>a &gt; b ? a : b per lane (vmaxps).</summary>
    static abstract TF Max(TF a, TF b);

    /// <summary>a &lt; b ? a : b per lane (vminps).</summary>
    static abstract TF Min(TF a, TF b);

    static abstract TF Select(TI mask, TF whenTrue, TF whenFalse);

    /// <summary>entries[index] per lane, from <paramref name="table"/> (<see cref="Table"/> of the same entries; at most 8, every index below 8).</summary>
    static abstract TF Lookup(TF table, ReadOnlySpan<float> entries, TI index);

    static abstract TF Table(ReadOnlySpan<float> entries);

    /// <summary>Thousand yuan from million yuan: (int)min(x * 1000 + 0.5, 2e9), truncated; x is never negative.</summary>
    static abstract TI Money(TF millions);
}

/// <summary>32-bit integer lanes: packed state fields, lane masks (all ones or zero) and staged counts.</summary>
public interface IIntLanes<TI, TF>
    where TI : struct, IIntLanes<TI, TF>
    where TF : struct, IFloatLanes<TF, TI>
{
    static abstract TI Of(int value);

    static abstract TI Load(ref int row, int t);

    static abstract TI operator +(TI a, TI b);

    static abstract TI operator -(TI a, TI b);

    static abstract TI operator &(TI a, TI b);

    static abstract TI operator |(TI a, TI b);

    static abstract TI operator ~(TI a);

    static abstract TI operator <<(TI a, int shift);

    static abstract TI operator >>>(TI a, int shift);

    static abstract TI operator <(TI a, TI b);

    static abstract TI operator >(TI a, TI b);

    static abstract TI operator <=(TI a, TI b);

    static abstract TI operator >=(TI a, TI b);

    static abstract TI Eq(TI a, TI b);

    static abstract TI Select(TI mask, TI whenTrue, TI whenFalse);


    static abstract bool Any(TI mask);

    static abstract TF ToFloat(TI a);

    /// <summary>Adds the lanes' staged count bytes (see <see cref="IMetricSink.AddCounts16"/>).</summary>
    static abstract void AddCounts<TSink>(ref TSink sink, int word, int t, TI packed)
        where TSink : struct, IMetricSink;

    /// <summary>Adds each lane's value (money in thousand yuan, or a count) into the metric's 64-bit row.</summary>
    static abstract void AddRow<TSink>(ref TSink sink, Model.Metric metric, int t, TI values)
        where TSink : struct, IMetricSink;
}

/// <summary>Sixteen trials in a 512-bit vector (AVX-512F).</summary>
public readonly struct F16(Vector512<float> v) : IFloatLanes<F16, I16>
{
    public readonly Vector512<float> V = v;

    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 16;
    }

    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 Of(float value) => Unsafe.BitCast<Vector512<float>, F16>(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 Load(ref float row, int t) => Unsafe.BitCast<Vector512<float>, F16>(Vector512.LoadUnsafe(ref row, (nuint)t));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 Uniform(ref ushort words, int t)
    {
        var k = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref words, (nuint)t));
        return Unsafe.BitCast<Vector512<float>, F16>((Vector512.ConvertToSingle(k) * Vector512.Create(1f / 65536)) + Vector512.Create(1f / 131072));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadStates(ref ulong states, int t, out I16 meta, out F16 revenue)
    {
        var lo = Vector512.LoadUnsafe(ref states, (nuint)t);
        var hi = Vector512.LoadUnsafe(ref states, (nuint)(t + 8));
        meta = Unsafe.BitCast<Vector512<int>, I16>(Vector512.Narrow(lo, hi).AsInt32());
        revenue = Unsafe.BitCast<Vector512<float>, F16>(Vector512.Narrow(lo >>> 32, hi >>> 32).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreStates(ref ulong states, int t, I16 meta, F16 revenue)
    {
        var (mLo, mHi) = Vector512.Widen(meta.V.AsUInt32());
        var (rLo, rHi) = Vector512.Widen(revenue.V.AsUInt32());
        (mLo | (rLo << 32)).StoreUnsafe(ref states, (nuint)t);
        (mHi | (rHi << 32)).StoreUnsafe(ref states, (nuint)(t + 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 operator +(F16 a, F16 b) => Unsafe.BitCast<Vector512<float>, F16>(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 operator -(F16 a, F16 b) => Unsafe.BitCast<Vector512<float>, F16>(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 operator *(F16 a, F16 b) => Unsafe.BitCast<Vector512<float>, F16>(a.V * b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator <(F16 a, F16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.LessThan(a.V, b.V).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator >(F16 a, F16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.GreaterThan(a.V, b.V).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator <=(F16 a, F16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.LessThanOrEqual(a.V, b.V).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator >=(F16 a, F16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.GreaterThanOrEqual(a.V, b.V).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 Max(F16 a, F16 b) => Unsafe.BitCast<Vector512<float>, F16>(Avx512F.Max(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 Min(F16 a, F16 b) => Unsafe.BitCast<Vector512<float>, F16>(Avx512F.Min(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 Select(I16 mask, F16 whenTrue, F16 whenFalse) => Unsafe.BitCast<Vector512<float>, F16>(Vector512.ConditionalSelect(mask.V.AsSingle(), whenTrue.V, whenFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 Lookup(F16 table, ReadOnlySpan<float> entries, I16 index) => Unsafe.BitCast<Vector512<float>, F16>(Avx512F.PermuteVar16x32(table.V, index.V));

    public static F16 Table(ReadOnlySpan<float> entries)
    {
        Span<float> t = stackalloc float[16];
        entries.CopyTo(t);
        return new(Vector512.Create<float>(t));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 Money(F16 millions) => Unsafe.BitCast<Vector512<int>, I16>(Avx512F.ConvertToVector512Int32WithTruncation(
        Avx512F.Min((millions.V * Vector512.Create(1000f)) + Vector512.Create(0.5f), Vector512.Create(2e9f))));
}

public readonly struct I16(Vector512<int> v) : IIntLanes<I16, F16>
{
    public readonly Vector512<int> V = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 Of(int value) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 Load(ref int row, int t) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.LoadUnsafe(ref row, (nuint)t));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator +(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator -(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator &(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(a.V & b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator |(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(a.V | b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator ~(I16 a) => Unsafe.BitCast<Vector512<int>, I16>(~a.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator <<(I16 a, int shift) => Unsafe.BitCast<Vector512<int>, I16>(a.V << shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator >>>(I16 a, int shift) => Unsafe.BitCast<Vector512<int>, I16>(a.V >>> shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator <(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.LessThan(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator >(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.GreaterThan(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator <=(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.LessThanOrEqual(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 operator >=(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.GreaterThanOrEqual(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 Eq(I16 a, I16 b) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.Equals(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I16 Select(I16 mask, I16 whenTrue, I16 whenFalse) => Unsafe.BitCast<Vector512<int>, I16>(Vector512.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));



    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(I16 mask) => mask.V != Vector512<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F16 ToFloat(I16 a) => Unsafe.BitCast<Vector512<float>, F16>(Vector512.ConvertToSingle(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddCounts<TSink>(ref TSink sink, int word, int t, I16 packed)
        where TSink : struct, IMetricSink => sink.AddCounts16(word, t, packed.V.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddRow<TSink>(ref TSink sink, Model.Metric metric, int t, I16 values)
        where TSink : struct, IMetricSink => sink.AddRow16(metric, t, values.V);
}

/// <summary>Eight trials in a 256-bit vector (AVX2).</summary>
public readonly struct F8(Vector256<float> v) : IFloatLanes<F8, I8>
{
    public readonly Vector256<float> V = v;

    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 8;
    }

    public static bool IsSupported => Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 Of(float value) => Unsafe.BitCast<Vector256<float>, F8>(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 Load(ref float row, int t) => Unsafe.BitCast<Vector256<float>, F8>(Vector256.LoadUnsafe(ref row, (nuint)t));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 Uniform(ref ushort words, int t)
    {
        var k = Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref words, (nuint)t));
        return Unsafe.BitCast<Vector256<float>, F8>((Vector256.ConvertToSingle(k) * Vector256.Create(1f / 65536)) + Vector256.Create(1f / 131072));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadStates(ref ulong states, int t, out I8 meta, out F8 revenue)
    {
        var lo = Vector256.LoadUnsafe(ref states, (nuint)t);
        var hi = Vector256.LoadUnsafe(ref states, (nuint)(t + 4));
        meta = Unsafe.BitCast<Vector256<int>, I8>(Vector256.Narrow(lo, hi).AsInt32());
        revenue = Unsafe.BitCast<Vector256<float>, F8>(Vector256.Narrow(lo >>> 32, hi >>> 32).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreStates(ref ulong states, int t, I8 meta, F8 revenue)
    {
        var (mLo, mHi) = Vector256.Widen(meta.V.AsUInt32());
        var (rLo, rHi) = Vector256.Widen(revenue.V.AsUInt32());
        (mLo | (rLo << 32)).StoreUnsafe(ref states, (nuint)t);
        (mHi | (rHi << 32)).StoreUnsafe(ref states, (nuint)(t + 4));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 operator +(F8 a, F8 b) => Unsafe.BitCast<Vector256<float>, F8>(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 operator -(F8 a, F8 b) => Unsafe.BitCast<Vector256<float>, F8>(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 operator *(F8 a, F8 b) => Unsafe.BitCast<Vector256<float>, F8>(a.V * b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator <(F8 a, F8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.LessThan(a.V, b.V).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator >(F8 a, F8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.GreaterThan(a.V, b.V).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator <=(F8 a, F8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.LessThanOrEqual(a.V, b.V).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator >=(F8 a, F8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.GreaterThanOrEqual(a.V, b.V).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 Max(F8 a, F8 b) => Unsafe.BitCast<Vector256<float>, F8>(Avx.Max(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 Min(F8 a, F8 b) => Unsafe.BitCast<Vector256<float>, F8>(Avx.Min(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 Select(I8 mask, F8 whenTrue, F8 whenFalse) => Unsafe.BitCast<Vector256<float>, F8>(Vector256.ConditionalSelect(mask.V.AsSingle(), whenTrue.V, whenFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 Lookup(F8 table, ReadOnlySpan<float> entries, I8 index) => Unsafe.BitCast<Vector256<float>, F8>(Avx2.PermuteVar8x32(table.V, index.V));

    public static F8 Table(ReadOnlySpan<float> entries)
    {
        Span<float> t = stackalloc float[8];
        entries.CopyTo(t);
        return new(Vector256.Create<float>(t));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 Money(F8 millions) => Unsafe.BitCast<Vector256<int>, I8>(Avx.ConvertToVector256Int32WithTruncation(
        Avx.Min((millions.V * Vector256.Create(1000f)) + Vector256.Create(0.5f), Vector256.Create(2e9f))));
}

public readonly struct I8(Vector256<int> v) : IIntLanes<I8, F8>
{
    public readonly Vector256<int> V = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 Of(int value) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 Load(ref int row, int t) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.LoadUnsafe(ref row, (nuint)t));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator +(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator -(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator &(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(a.V & b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator |(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(a.V | b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator ~(I8 a) => Unsafe.BitCast<Vector256<int>, I8>(~a.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator <<(I8 a, int shift) => Unsafe.BitCast<Vector256<int>, I8>(a.V << shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator >>>(I8 a, int shift) => Unsafe.BitCast<Vector256<int>, I8>(a.V >>> shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator <(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.LessThan(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator >(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.GreaterThan(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator <=(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.LessThanOrEqual(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 operator >=(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.GreaterThanOrEqual(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 Eq(I8 a, I8 b) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.Equals(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I8 Select(I8 mask, I8 whenTrue, I8 whenFalse) => Unsafe.BitCast<Vector256<int>, I8>(Vector256.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));



    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(I8 mask) => mask.V != Vector256<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F8 ToFloat(I8 a) => Unsafe.BitCast<Vector256<float>, F8>(Vector256.ConvertToSingle(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddCounts<TSink>(ref TSink sink, int word, int t, I8 packed)
        where TSink : struct, IMetricSink => sink.AddCounts8(word, t, packed.V.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddRow<TSink>(ref TSink sink, Model.Metric metric, int t, I8 values)
        where TSink : struct, IMetricSink => sink.AddRow8(metric, t, values.V);
}

/// <summary>One trial: the scalar path and the vector paths' tail, branch-free like the vectors so it computes what they compute.</summary>
public readonly struct F1(float v) : IFloatLanes<F1, I1>
{
    public readonly float V = v;

    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 Of(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 Load(ref float row, int t) => new(Unsafe.Add(ref row, t));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 Uniform(ref ushort words, int t) => new((Unsafe.Add(ref words, t) * (1f / 65536)) + (1f / 131072));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadStates(ref ulong states, int t, out I1 meta, out F1 revenue)
    {
        var s = Unsafe.Add(ref states, t);
        meta = new((int)(uint)s);
        revenue = new(BitConverter.UInt32BitsToSingle((uint)(s >> 32)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreStates(ref ulong states, int t, I1 meta, F1 revenue) =>
        Unsafe.Add(ref states, t) = (uint)meta.V | ((ulong)BitConverter.SingleToUInt32Bits(revenue.V) << 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 operator +(F1 a, F1 b) => new(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 operator -(F1 a, F1 b) => new(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 operator *(F1 a, F1 b) => new(a.V * b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator <(F1 a, F1 b) => I1.Mask(a.V < b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator >(F1 a, F1 b) => I1.Mask(a.V > b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator <=(F1 a, F1 b) => I1.Mask(a.V <= b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator >=(F1 a, F1 b) => I1.Mask(a.V >= b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 Max(F1 a, F1 b) => a.V > b.V ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 Min(F1 a, F1 b) => a.V < b.V ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 Select(I1 mask, F1 whenTrue, F1 whenFalse) => mask.V != 0 ? whenTrue : whenFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 Lookup(F1 table, ReadOnlySpan<float> entries, I1 index) => new(entries[index.V]);

    public static F1 Table(ReadOnlySpan<float> entries) => default; // one lane holds no table: Lookup reads the entries

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 Money(F1 millions)
    {
        var x = (millions.V * 1000f) + 0.5f;
        return new((int)(x < 2e9f ? x : 2e9f));
    }
}

public readonly struct I1(int v) : IIntLanes<I1, F1>
{
    public readonly int V = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 Mask(bool b) => new(b ? -1 : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 Of(int value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 Load(ref int row, int t) => new(Unsafe.Add(ref row, t));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator +(I1 a, I1 b) => new(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator -(I1 a, I1 b) => new(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator &(I1 a, I1 b) => new(a.V & b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator |(I1 a, I1 b) => new(a.V | b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator ~(I1 a) => new(~a.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator <<(I1 a, int shift) => new(a.V << shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator >>>(I1 a, int shift) => new(a.V >>> shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator <(I1 a, I1 b) => Mask(a.V < b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator >(I1 a, I1 b) => Mask(a.V > b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator <=(I1 a, I1 b) => Mask(a.V <= b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 operator >=(I1 a, I1 b) => Mask(a.V >= b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 Eq(I1 a, I1 b) => Mask(a.V == b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static I1 Select(I1 mask, I1 whenTrue, I1 whenFalse) => mask.V != 0 ? whenTrue : whenFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(I1 mask) => mask.V != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F1 ToFloat(I1 a) => new(a.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddCounts<TSink>(ref TSink sink, int word, int t, I1 packed)
        where TSink : struct, IMetricSink => sink.AddCounts1(word, t, (uint)packed.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddRow<TSink>(ref TSink sink, Model.Metric metric, int t, I1 values)
        where TSink : struct, IMetricSink => sink.Add(metric, t, values.V);
}
