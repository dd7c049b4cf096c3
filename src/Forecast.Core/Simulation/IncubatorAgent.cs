using System.Runtime.InteropServices;
using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Random;

namespace Forecast.Simulation;

/// <summary>One incubator slot's state in one trial.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct IncubatorState
{
    public IncubatorLevel Level;
    public float Area;
}

/// <summary>
/// An incubator's yearly step over a batch of trials. A slot opens when the coordinator's count
/// of new incubators reaches it (its level and area drawn then); an open incubator may be
/// upgraded, expands, and graduates tenants (area / m2 per tenant x the level's graduation rate,
/// stochastically rounded). Graduates become entrant enterprises the next year. Every rate is the
/// trial's (<see cref="YearContext"/>).
/// </summary>
public static class IncubatorAgent
{
    /// <summary>The slot at the end of the start year: an existing incubator's share of the trial's start-year area.</summary>
    public static void Init(in IncubatorProfile p, Span<IncubatorState> states, YearContext ctx)
    {
        var total = ctx[Rate.IncubatorAreaLevel];
        for (var t = 0; t < states.Length; t++)
        {
            states[t] = new IncubatorState { Level = p.InitialLevel, Area = (float)(p.Area0 * total[t]) };
        }
    }

    /// <summary>
    /// A slot no trial of the batch has opened by this year (slots open in order and never close, so
    /// its states are still <see cref="Init"/>'s and it adds nothing). Callers skip it.
    /// </summary>
    public static bool IsDormant(int slot, YearContext ctx) => slot >= ctx.Max(TrialCount.OpenIncubators);

    public static void Step(int slot, Span<IncubatorState> states, YearContext ctx, StepRules r, PartialAggregate acc)
    {
        if (IsDormant(slot, ctx))
        {
            return;
        }

        var (k0, k1) = Streams.Key(ctx.Seed);
        var n = acc.Trials;
        var words = WordScratch.Get(4 * n);
        var w0 = words.AsSpan(0, n);
        var w1 = words.AsSpan(n, n);
        PhiloxBatch.Fill(k0, k1, (uint)ctx.FirstTrial, Streams.IncubatorBase + (uint)slot, (uint)ctx.Year, 0, w0, w1, words.AsSpan(2 * n, n), words.AsSpan(3 * n, n));
        var values = acc.Values;
        var open = ctx[TrialCount.OpenIncubators];
        var newArea = ctx[Rate.NewAreaMean];
        var areaNoise = ctx[Rate.NewAreaNoise];
        var provincial = ctx[Rate.ProvincialShare];
        var upgrade = ctx[Rate.IncubatorUpgrade];
        var expansion = ctx[Rate.IncubatorExpansion];
        var m2 = ctx[Rate.M2PerTenant];
        var graduation = ctx[Rate.GraduationLevel];
        for (var t = 0; t < states.Length; t++)
        {
            ref var s = ref states[t];
            var (r0, r1) = (w0[t], w1[t]);
            if (s.Level == IncubatorLevel.Unopened)
            {
                if (slot >= open[t])
                {
                    continue;
                }

                s.Level = Philox.ToUnit(r0) < provincial[t] ? IncubatorLevel.Provincial : IncubatorLevel.Municipal;
                s.Area = (float)(newArea[t] * (1 + (areaNoise[t] * ((2 * Philox.ToUnit(r1)) - 1))));
                values[((int)Metric.NewIncubators * n) + t]++;
                values[((int)Metric.NewIncubatorArea * n) + t] += Fixed.SquareMetres(s.Area);
            }
            else
            {
                if (s.Level < IncubatorLevel.National && Philox.ToUnit(r0) < upgrade[t])
                {
                    s.Level++;
                }

                s.Area = (float)(s.Area * (1 + expansion[t]));
                var expected = s.Area / m2[t] * r.GraduationRate[(int)s.Level] * graduation[t];
                values[((int)Metric.Graduates * n) + t] += (long)Math.Floor(expected + Philox.ToUnit(r1));
            }

            values[((int)Metric.IncubatorCount * n) + t]++;
            values[((int)Metric.IncubatorArea * n) + t] += Fixed.SquareMetres(s.Area);
        }
    }
}
