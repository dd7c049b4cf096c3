using MathNet.Numerics;

namespace Forecast.Random;

/// <summary>Discrete samplers on keyed uniforms, exact over their whole domain.</summary>
public static class Samplers
{
    /// <summary>The largest mean <see cref="Poisson"/> accepts (far beyond any count the model draws).</summary>
    public const double MaxPoissonMean = 1e9;

    /// <summary>
    /// A Poisson count of mean <paramref name="lambda"/>: by inversion below 10 (the terms are summed
    /// from k = 0, where exp(-lambda) cannot underflow), else by Hormann's transformed rejection with
    /// squeeze, PTRS (Insurance: Mathematics and Economics 12 (1993) 39-45), which is exact for any
    /// mean and takes about 1.3 pairs of uniforms. A mean that is negative, infinite, NaN or above
    /// <see cref="MaxPoissonMean"/> is refused, never clamped.
    /// </summary>
    public static long Poisson(double lambda, ref KeyedUniforms uniforms)
    {
        if (!(lambda >= 0 && lambda <= MaxPoissonMean))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"a Poisson mean must be in [0, {MaxPoissonMean:G}]");
        }

        if (lambda == 0)
        {
            return 0;
        }

        if (lambda < 10)
        {
            var u = uniforms.Next();
            var p = Math.Exp(-lambda);
            var f = p;
            long k = 0;
            while (u > f && k < 1000)
            {
                k++;
                p *= lambda / k;
                f += p;
            }

            return k;
        }

        var slam = Math.Sqrt(lambda);
        var loglam = Math.Log(lambda);
        var b = 0.931 + (2.53 * slam);
        var a = -0.059 + (0.02483 * b);
        var invAlpha = 1.1239 + (1.1328 / (b - 3.4));
        var vr = 0.9277 - (3.6224 / (b - 2));
        while (true)
        {
            var u = uniforms.Next() - 0.5;
            var v = uniforms.Next();
            var us = 0.5 - Math.Abs(u);
            var k = Math.Floor((((2 * a / us) + b) * u) + lambda + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return (long)k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (Math.Log(v) + Math.Log(invAlpha) - Math.Log((a / (us * us)) + b) <= -lambda + (k * loglam) - SpecialFunctions.GammaLn(k + 1))
            {
                return (long)k;
            }
        }
    }
}
