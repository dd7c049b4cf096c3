using System.Runtime.Intrinsics;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>
/// The lane primitives the enterprise kernel is written in: each vector width must give what the
/// one-lane (scalar) type gives on every lane, including values the seeds never produce.
/// </summary>
public sealed class LanesTests
{
    private static readonly float[] Values =
    [
        0f, -0f, 1e-9f, 0.0004995f, 0.0005f, 0.01f, 0.5f, 1f, 123.456789f, 987654.3f, 1.999999e6f, 2e6f, 2.1e6f, 3.4e38f,
        float.PositiveInfinity, float.NaN,
    ];

    private static F1 Lane(F16 v, int i) => new(v.V[i]);

    [Fact]
    public void Money_rounds_to_thousands_and_clamps_the_same_on_every_width()
    {
        var wide = F16.Money(new F16(Vector512.Create(Values)));
        for (var i = 0; i < Values.Length; i++)
        {
            var one = F1.Money(new F1(Values[i]));
            if (!float.IsNaN(Values[i]))
            {
                Assert.Equal(one.V, F16.IsSupported ? wide.V[i] : one.V);
                Assert.Equal((int)Math.Min((Values[i] * 1000f) + 0.5f, 2e9f), one.V);
            }
        }

        Assert.Equal(500, F1.Money(new F1(0.4995f)).V); // 499.5 rounds up
        Assert.Equal(2_000_000_000, F1.Money(new F1(1e7f)).V); // a firm's 10 trillion yuan is clamped, not wrapped
    }

    [Fact]
    public void Max_and_min_agree_with_the_scalar_lane_on_signed_zeros_and_nan()
    {
        if (!F16.IsSupported || !F8.IsSupported)
        {
            return; // the scalar lanes are what runs here
        }

        var a = new F16(Vector512.Create(Values));
        var reversed = Values.Reverse().ToArray();
        var b = new F16(Vector512.Create(reversed));
        var max = F16.Max(a, b);
        var min = F16.Min(a, b);
        var max8 = F8.Max(new F8(Vector256.Create(Values.AsSpan(0, 8))), new F8(Vector256.Create(reversed.AsSpan(0, 8))));
        for (var i = 0; i < Values.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(F1.Max(Lane(a, i), Lane(b, i)).V), BitConverter.SingleToInt32Bits(max.V[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(F1.Min(Lane(a, i), Lane(b, i)).V), BitConverter.SingleToInt32Bits(min.V[i]));
            if (i < 8)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(F1.Max(Lane(a, i), Lane(b, i)).V), BitConverter.SingleToInt32Bits(max8.V[i]));
            }
        }
    }

    [Fact]
    public void Uniforms_are_the_exact_centres_of_their_16_bit_cells_on_every_width()
    {
        ushort[] words = [0, 1, 2, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF, 12345, 54321, 3, 4, 5, 6, 7, 8, 9];
        for (var i = 0; i < words.Length; i++)
        {
            var u = F1.Uniform(ref words[0], i).V;
            Assert.Equal((words[i] + 0.5) / 65536, (double)u);
            Assert.True(u is > 0 and < 1);
        }

        if (F16.IsSupported)
        {
            var wide = F16.Uniform(ref words[0], 0);
            Assert.Equal(words.Select((w, i) => F1.Uniform(ref words[0], i).V), Enumerable.Range(0, 16).Select(i => wide.V[i]));
        }

        if (F8.IsSupported)
        {
            var eight = F8.Uniform(ref words[0], 8);
            Assert.Equal(Enumerable.Range(8, 8).Select(i => F1.Uniform(ref words[0], i).V), Enumerable.Range(0, 8).Select(i => eight.V[i]));
        }
    }

    [Fact]
    public void States_split_and_pack_back_the_same_on_every_width()
    {
        var states = Enumerable.Range(0, 16)
            .Select(i => new EnterpriseState { Tier = (Forecast.Model.Tier)(i % 6), Institution = (byte)(i % 5), CertYear = (byte)(17 + i), Born = (byte)(80 + i), Revenue = 0.01f + (i * 37.5f) })
            .ToArray();
        var raw = System.Runtime.InteropServices.MemoryMarshal.Cast<EnterpriseState, ulong>(states).ToArray();
        for (var i = 0; i < 16; i++)
        {
            F1.LoadStates(ref raw[0], i, out var meta, out var revenue);
            Assert.Equal((int)states[i].Tier | (states[i].Institution << 8) | (states[i].CertYear << 16) | (states[i].Born << 24), meta.V);
            Assert.Equal(states[i].Revenue, revenue.V);
        }

        if (F16.IsSupported)
        {
            F16.LoadStates(ref raw[0], 0, out var meta, out var revenue);
            var back = new ulong[16];
            F16.StoreStates(ref back[0], 0, meta, revenue);
            Assert.Equal(raw, back);
        }

        if (F8.IsSupported)
        {
            F8.LoadStates(ref raw[0], 8, out var meta, out var revenue);
            var back = new ulong[16];
            F8.StoreStates(ref back[0], 8, meta, revenue);
            Assert.Equal(raw.AsSpan(8).ToArray(), back.AsSpan(8).ToArray());
        }
    }
}
