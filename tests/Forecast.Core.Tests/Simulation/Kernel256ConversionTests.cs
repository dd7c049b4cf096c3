using System.Runtime.Intrinsics;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>
/// The AVX2 kernel's stand-ins for conversions AVX2 lacks must give the scalar casts' results on every
/// value, including those the seeds never produce (huge, negative, NaN), where it falls back lane by lane.
/// </summary>
public sealed class Kernel256ConversionTests
{
    public static TheoryData<double, double, double, double> MoneyCases => new()
    {
        { 0, 0.01, 123.456789, 1e-7 },
        { 4.9999995e-7, 5e-7, 5.0000005e-7, 2.5 },
        { 987654.3210987, 1234567.891, 0.4999999, 1.4999999e-6 },
        { -1.2, -0.0000004, -3e-7, 7e8 },
        { 2251799813.685247, 2251799813.685248, 2251799813.685249, 1 }, // around 2^51 / 1e6
        { 5e12, -5e12, 1e300, double.NaN },
        { double.PositiveInfinity, double.NegativeInfinity, 9.2e12, -9.3e12 },
    };

    [Theory]
    [MemberData(nameof(MoneyCases))]
    public void Money_equals_the_scalar_fixed_point_cast_lane_by_lane(double a, double b, double c, double d)
    {
        if (!EnterpriseKernel256.IsSupported)
        {
            return; // the scalar path is what runs here
        }

        var result = EnterpriseKernel256.Money(Vector256.Create(a, b, c, d), Vector256.Create(1e6), Vector256.Create(0.5));

        Assert.Equal([Fixed.MillionYuan(a), Fixed.MillionYuan(b), Fixed.MillionYuan(c), Fixed.MillionYuan(d)],
            [result[0], result[1], result[2], result[3]]);
    }

    [Theory]
    [InlineData(0L, 1L, -1L, 125L)]
    [InlineData(-130L, 2251799813685247L, -2251799813685247L, 4294967295L)]
    public void Integers_below_2_to_the_51_become_their_exact_doubles(long a, long b, long c, long d)
    {
        if (!EnterpriseKernel256.IsSupported)
        {
            return;
        }

        var result = EnterpriseKernel256.ToDouble(Vector256.Create(a, b, c, d));

        Assert.Equal([(double)a, b, c, d], [result[0], result[1], result[2], result[3]]);
    }
}
