using System.Runtime.Intrinsics;
using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Core.Tests.Aggregation;

public sealed class AccumulatorTests
{
    private const int Trials = 27;

    /// <summary>A 1 in every byte of the word that stages a metric (metric m of word w in byte m - 4w; the last word may be partly unused).</summary>
    private static uint AllCounts(int word)
    {
        var lanes = 0U;
        for (var k = 0; k < StagedCounts.MetricsIn(word); k++)
        {
            lanes |= 1U << (8 * k);
        }

        return lanes;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(254)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(1000)]
    public void Staged_counts_carry_into_64_bit_rows_without_overflow(int agents)
    {
        var acc = new Accumulator(Trials);
        var sink = new AccumulatorSink(acc);
        for (var a = 0; a < agents; a++)
        {
            for (var w = 0; w < StagedCounts.Words; w++)
            {
                // Sixteen, then eight, then single trials: every width the kernels add with.
                sink.AddCounts16(w, 0, Vector512.Create(AllCounts(w)));
                sink.AddCounts8(w, 16, Vector256.Create(AllCounts(w)));
                for (var t = 24; t < Trials; t++)
                {
                    sink.AddCounts1(w, t, AllCounts(w));
                }
            }

            sink.Add(Metric.RdSpend, a % Trials, 7);
            sink.AgentDone();
        }

        var partial = acc.Flush();
        for (var m = 0; m < Metrics.StagedCounts; m++)
        {
            Assert.All(partial.Row((Metric)m).ToArray(), v => Assert.Equal(agents, v));
        }

        Assert.Equal(7L * agents, partial.Row(Metric.RdSpend).ToArray().Sum());
        Assert.All(partial.Row(Metric.Graduates).ToArray(), v => Assert.Equal(0, v)); // beyond the staged counts: untouched
    }

    [Fact]
    public void Staging_gives_the_same_partial_as_adding_directly()
    {
        var rng = new System.Random(11);
        var staged = new Accumulator(Trials);
        var direct = new PartialAggregate(Trials);
        var stagedSink = new AccumulatorSink(staged);
        var directSink = new PartialSink(direct);
        for (var a = 0; a < 700; a++)
        {
            for (var w = 0; w < StagedCounts.Words; w++)
            {
                var lanes = new uint[Trials];
                for (var i = 0; i < Trials; i++)
                {
                    for (var k = 0; k < StagedCounts.MetricsIn(w); k++)
                    {
                        lanes[i] |= (uint)rng.Next(2) << (8 * k);
                    }
                }

                stagedSink.AddCounts16(w, 0, Vector512.Create(lanes.AsSpan(0, 16)));
                directSink.AddCounts16(w, 0, Vector512.Create(lanes.AsSpan(0, 16)));
                stagedSink.AddCounts8(w, 16, Vector256.Create(lanes.AsSpan(16, 8)));
                directSink.AddCounts8(w, 16, Vector256.Create(lanes.AsSpan(16, 8)));
                for (var t = 24; t < Trials; t++)
                {
                    stagedSink.AddCounts1(w, t, lanes[t]);
                    directSink.AddCounts1(w, t, lanes[t]);
                }
            }

            var money = Enumerable.Range(0, 16).Select(_ => rng.Next(2_000_000_000)).ToArray();
            stagedSink.AddRow16(Metric.HtVa, 0, Vector512.Create(money));
            directSink.AddRow16(Metric.HtVa, 0, Vector512.Create(money));
            stagedSink.AddRow8(Metric.RdSpend, 19, Vector256.Create(money.AsSpan(0, 8)));
            directSink.AddRow8(Metric.RdSpend, 19, Vector256.Create(money.AsSpan(0, 8)));

            stagedSink.AgentDone();
        }

        Assert.Equal(direct.Values, staged.Flush().Values);
    }

    [Fact]
    public void Clear_empties_rows_and_staged_bytes()
    {
        var acc = new Accumulator(Trials);
        var sink = new AccumulatorSink(acc);
        sink.AddCounts16(0, 0, Vector512.Create(AllCounts(0)));
        sink.Add(Metric.HtVa, 3, 5);
        acc.Clear();
        Assert.All(acc.Flush().Values, v => Assert.Equal(0, v));
    }
}
