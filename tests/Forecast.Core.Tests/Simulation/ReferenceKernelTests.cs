using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>
/// The 32-bit kernel (single-precision arithmetic, 16-bit uniforms, a Philox block per pair of
/// trials) against <see cref="ReferenceKernel64"/> (double precision, a 32-bit uniform per draw):
/// the same model at the same parameters, so every indicator's mean and standard deviation, every
/// year, must agree within Monte Carlo error. Both runs draw the same uncertain inputs and district
/// shocks (those do not go through the kernel), so the two-sample standard error used here is wider
/// than the paired difference needs: a systematic error shows as a difference in the mean or the
/// spread of an indicator the kernel feeds, and the enterprise draws still differ between the two.
/// </summary>
public sealed class ReferenceKernelTests
{
    private const int Trials = 10_000;
    private const int Batch = 1_000;

    [Fact]
    public void Every_indicator_stays_within_three_standard_errors_of_the_64_bit_kernel()
    {
        var model = TestModels.Baseline;
        var single = Run(model, reference64: false);
        var reference = Run(model, reference64: true);

        var failures = new List<string>();
        var compared = 0;
        for (var year = model.FirstYear; year <= model.LastYear; year++)
        {
            for (var i = 0; i < Indicators.Count; i++)
            {
                var a = Moments.Of(single.Series((Indicator)i, year));
                var b = Moments.Of(reference.Series((Indicator)i, year));
                var scale = Math.Max(1, Math.Max(Math.Abs(a.Mean), Math.Abs(b.Mean)));
                var floor = 1e-9 * scale; // an indicator the kernel does not move differs by rounding only
                var meanSe = Math.Sqrt((a.Variance + b.Variance) / Trials);
                var sdSe = Math.Sqrt((a.SdVariance * a.SdVariance) + (b.SdVariance * b.SdVariance));
                compared++;
                if (Math.Abs(a.Mean - b.Mean) > (3 * meanSe) + floor)
                {
                    failures.Add($"{(Indicator)i} {year}: mean {a.Mean:G6} vs {b.Mean:G6} (3 SE = {3 * meanSe:G3})");
                }

                if (Math.Abs(a.Sd - b.Sd) > (3 * sdSe) + floor)
                {
                    failures.Add($"{(Indicator)i} {year}: sd {a.Sd:G6} vs {b.Sd:G6} (3 SE = {3 * sdSe:G3})");
                }
            }
        }

        Assert.Equal(model.Years * Indicators.Count, compared);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void The_two_kernels_do_not_give_the_same_bits()
    {
        // Guards the test above against comparing a kernel with itself.
        var model = TestModels.Baseline;
        var single = LocalBatchRunner.RunBatch(model, 5, 0, 64, model.LastYear).Table;
        var reference = LocalBatchRunner.RunBatch(model, 5, 0, 64, model.LastYear, reference64: true).Table;
        Assert.NotEqual(single.Series(Indicator.NewHte, model.LastYear).ToArray(), reference.Series(Indicator.NewHte, model.LastYear).ToArray());
    }

    private static TrialTable Run(SimulationModel model, bool reference64) =>
        TrialTable.Concatenate(Enumerable.Range(0, Trials / Batch)
            .Select(b => LocalBatchRunner.RunBatch(model, 20261202, b * Batch, Batch, model.LastYear, reference64: reference64).Table)
            .ToList());

    /// <summary>Mean, variance, and the standard error of the sample sd (from the fourth central moment: no normality assumed).</summary>
    private readonly record struct Moments(double Mean, double Variance, double Sd, double SdVariance)
    {
        public static Moments Of(ReadOnlySpan<double> x)
        {
            double mean = 0;
            foreach (var v in x)
            {
                mean += v;
            }

            mean /= x.Length;
            double m2 = 0, m4 = 0;
            foreach (var v in x)
            {
                var d = (v - mean) * (v - mean);
                m2 += d;
                m4 += d * d;
            }

            m2 /= x.Length;
            m4 /= x.Length;
            var sd = Math.Sqrt(m2);
            // Var(s^2) ~ (m4 - m2^2) / n, and s = sqrt(s^2), so SE(s) ~ SE(s^2) / (2 s).
            var seSd = sd > 0 ? Math.Sqrt(Math.Max(0, m4 - (m2 * m2)) / x.Length) / (2 * sd) : 0;
            return new Moments(mean, m2, sd, seSd);
        }
    }
}
