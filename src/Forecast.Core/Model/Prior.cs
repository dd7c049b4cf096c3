using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Forecast.Model;

public enum PriorFamily
{
    /// <summary>One value: not uncertain (a definition, or pinned by a scenario).</summary>
    Fixed,

    /// <summary>Flat on [Lo, Hi].</summary>
    Uniform,

    /// <summary>Normal(A = mean, B = sd).</summary>
    Normal,

    /// <summary>ln x ~ Normal(ln A, B): A is the median, B the sd of the log.</summary>
    LogNormal,

    /// <summary>logit x ~ Normal(logit A, B): for shares and probabilities in (0, 1); A is the median.</summary>
    LogitNormal,

    /// <summary>Triangular on [Lo, Hi] with mode A.</summary>
    Triangular,
}

/// <summary>
/// A prior: a family truncated to [<see cref="Lo"/>, <see cref="Hi"/>]. Every family has a closed-form
/// CDF and inverse, so a draw is one uniform u mapped through the truncated inverse CDF, exact and
/// keyed. <see cref="ToStandard"/> and <see cref="FromStandard"/> map a value to and from the standard
/// normal space in which the truncated prior is N(0, 1) (calibration works there).
/// </summary>
public sealed record Prior(PriorFamily Family, double A, double B, double Lo, double Hi)
{
    public static Prior Fixed(double value) => new(PriorFamily.Fixed, value, 0, value, value);

    public bool IsFixed => Family == PriorFamily.Fixed;

    /// <summary>Throws unless the parameters define a proper prior with positive mass on [Lo, Hi].</summary>
    public Prior Validated()
    {
        string? problem = null;
        if (!double.IsFinite(A) || !double.IsFinite(B) || !double.IsFinite(Lo) || !double.IsFinite(Hi) || Lo > Hi)
        {
            problem = "needs finite parameters and lo <= hi";
        }
        else
        {
            problem = Family switch
            {
                PriorFamily.Fixed => A >= Lo && A <= Hi ? null : "value outside its range",
                PriorFamily.Uniform => Lo < Hi ? null : "a uniform prior needs lo < hi",
                PriorFamily.Normal => B > 0 ? null : "a normal prior needs sd > 0",
                PriorFamily.LogNormal => A > 0 && B > 0 && Lo >= 0 ? null : "a lognormal prior needs median > 0, sd > 0 and a range >= 0",
                PriorFamily.LogitNormal => A is > 0 and < 1 && B > 0 && Lo >= 0 && Hi <= 1 ? null : "a logitnormal prior needs a median in (0, 1), sd > 0 and a range within [0, 1]",
                PriorFamily.Triangular => Lo < Hi && A >= Lo && A <= Hi ? null : "a triangular prior needs lo < hi and its mode inside",
                _ => "unknown family",
            };
        }

        if (problem is null && Family is PriorFamily.Normal or PriorFamily.LogNormal or PriorFamily.LogitNormal && !(CdfUntruncated(Hi) - CdfUntruncated(Lo) > 1e-12))
        {
            problem = "no probability mass inside its range";
        }

        return problem is null ? this : throw new ArgumentException($"{this}: {problem}");
    }

    /// <summary>The value at probability <paramref name="u"/> in (0, 1) of the truncated prior.</summary>
    public double Quantile(double u)
    {
        if (IsFixed)
        {
            return A;
        }

        if (Family == PriorFamily.Uniform)
        {
            return Lo + (u * (Hi - Lo));
        }

        if (Family == PriorFamily.Triangular)
        {
            var c = (A - Lo) / (Hi - Lo);
            return u < c
                ? Lo + Math.Sqrt(u * (Hi - Lo) * (A - Lo))
                : Hi - Math.Sqrt((1 - u) * (Hi - Lo) * (Hi - A));
        }

        var (flo, fhi) = (CdfUntruncated(Lo), CdfUntruncated(Hi));
        var z = Normal.InvCDF(0, 1, flo + (u * (fhi - flo)));
        var x = Family switch
        {
            PriorFamily.Normal => A + (B * z),
            PriorFamily.LogNormal => A * Math.Exp(B * z),
            _ => 1 / (1 + Math.Exp(-(Logit(A) + (B * z)))),
        };
        return Math.Clamp(x, Lo, Hi); // rounding at the very ends of the range only
    }

    /// <summary>The probability of the truncated prior at or below <paramref name="x"/>.</summary>
    public double Cdf(double x)
    {
        if (x < Lo)
        {
            return 0;
        }

        if (x >= Hi)
        {
            return 1;
        }

        if (Family == PriorFamily.Uniform)
        {
            return (x - Lo) / (Hi - Lo);
        }

        if (Family == PriorFamily.Triangular)
        {
            return x <= A
                ? (x - Lo) * (x - Lo) / ((Hi - Lo) * (A - Lo))
                : 1 - ((Hi - x) * (Hi - x) / ((Hi - Lo) * (Hi - A)));
        }

        var (flo, fhi) = (CdfUntruncated(Lo), CdfUntruncated(Hi));
        return (CdfUntruncated(x) - flo) / (fhi - flo);
    }

    /// <summary>The standard normal value at the prior probability of <paramref name="x"/>.</summary>
    public double ToStandard(double x) => Normal.InvCDF(0, 1, Math.Clamp(Cdf(x), 1e-15, 1 - 1e-15));

    /// <summary>The value whose prior probability is the standard normal probability of <paramref name="z"/>.</summary>
    public double FromStandard(double z) => Quantile(Math.Clamp(Normal.CDF(0, 1, z), 1e-15, 1 - 1e-15));

    /// <summary>The prior median.</summary>
    public double Median => Quantile(0.5);

    public override string ToString() => Family switch
    {
        PriorFamily.Fixed => string.Create(CultureInfo.InvariantCulture, $"fixed {A:G6}"),
        PriorFamily.Uniform => string.Create(CultureInfo.InvariantCulture, $"uniform on [{Lo:G6}, {Hi:G6}]"),
        PriorFamily.Triangular => string.Create(CultureInfo.InvariantCulture, $"triangular on [{Lo:G6}, {Hi:G6}], mode {A:G6}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Family.ToString().ToLowerInvariant()}({A:G6}, {B:G6}) on [{Lo:G6}, {Hi:G6}]"),
    };

    private double CdfUntruncated(double x) => Family switch
    {
        PriorFamily.Normal => Normal.CDF(A, B, x),
        PriorFamily.LogNormal => x <= 0 ? 0 : Normal.CDF(0, 1, (Math.Log(x) - Math.Log(A)) / B),
        PriorFamily.LogitNormal => x <= 0 ? 0 : x >= 1 ? 1 : Normal.CDF(0, 1, (Logit(x) - Logit(A)) / B),
        _ => throw new InvalidOperationException($"{Family} has no untruncated CDF here"),
    };

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
