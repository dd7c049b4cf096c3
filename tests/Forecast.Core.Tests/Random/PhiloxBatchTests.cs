using Forecast.Random;

namespace Forecast.Core.Tests.Random;

public sealed class PhiloxBatchTests
{
    public static TheoryData<VectorPath> Paths => [VectorPath.Scalar, VectorPath.Avx2, VectorPath.Avx512];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_vector_path_gives_the_scalar_blocks_bit_for_bit(VectorPath path)
    {
        if (!PhiloxBatch.IsSupported(path))
        {
            Assert.Throws<PlatformNotSupportedException>(() => PhiloxBatch.Fill(path, 1, 2, 0, 0, 0, 0, new uint[1], new uint[1], new uint[1], new uint[1]));
            return; // this machine lacks the instructions; the scalar path covers it
        }

        // Lengths around the vector widths, and a first trial near the top of the uint range.
        foreach (var (first, n) in new[] { (0u, 0), (0u, 1), (5u, 15), (7u, 16), (9u, 17), (1000u, 1003), (uint.MaxValue - 40, 40) })
        {
            var got = new uint[4][];
            for (var w = 0; w < 4; w++)
            {
                got[w] = new uint[n];
            }

            PhiloxBatch.Fill(path, 0xA4093822, 0x299F31D0, first, 77, 2023, 3, got[0], got[1], got[2], got[3]);
            for (var t = 0; t < n; t++)
            {
                Philox.Block(0xA4093822, 0x299F31D0, first + (uint)t, 77, 2023, 3, out var e0, out var e1, out var e2, out var e3);
                Assert.Equal((e0, e1, e2, e3), (got[0][t], got[1][t], got[2][t], got[3][t]));
            }
        }
    }

    [Fact]
    public void The_best_path_is_one_this_machine_supports()
    {
        Assert.True(PhiloxBatch.IsSupported(PhiloxBatch.Best));
    }
}
