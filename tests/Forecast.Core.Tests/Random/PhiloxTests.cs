using Forecast.Random;

namespace Forecast.Core.Tests.Random;

public sealed class PhiloxTests
{
    // Random123's known-answer vectors for philox4x32_10 (kat_vectors): counter, key, expected block.
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Reproduces_the_Random123_known_answers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Philox.Block(k0, k1, c0, c1, c2, c3, out var r0, out var r1, out var r2, out var r3);

        Assert.Equal((e0, e1, e2, e3), (r0, r1, r2, r3));
    }

    [Fact]
    public void Neighbouring_counters_give_unrelated_blocks()
    {
        Philox.Block(1, 2, 0, 0, 0, 0, out var a0, out var a1, out _, out _);
        Philox.Block(1, 2, 1, 0, 0, 0, out var b0, out var b1, out _, out _);
        Philox.Block(1, 2, 0, 0, 0, 1, out var c0, out var c1, out _, out _);

        Assert.NotEqual((a0, a1), (b0, b1));
        Assert.NotEqual((a0, a1), (c0, c1));
    }

    [Fact]
    public void Unit_values_stay_strictly_inside_zero_and_one()
    {
        Assert.True(Philox.ToUnit(0) > 0);
        Assert.True(Philox.ToUnit(uint.MaxValue) < 1);
        Philox.Uniforms(ulong.MaxValue, 1, 2, 3, 4, out var u0, out var u1, out var u2, out var u3);
        Assert.All(new[] { u0, u1, u2, u3 }, u => Assert.InRange(u, double.Epsilon, 1 - double.Epsilon));
    }
}
