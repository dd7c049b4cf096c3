using System.Runtime.Intrinsics;
using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Core.Tests.Aggregation;

public sealed class AccumulatorTests
{
    private const int Trials = 24;

    /// <summary>Every count byte set for every trial: metric m of word w in byte m - 8w.</summary>
    /// <summary>A 1 in every byte of the word that stages a metric (the last word may be partly unused).</summary>
    private static Vector512<ulong> AllCounts(int word)
    {
        var lanes = 0UL;
        for (var k = 0; k < Math.Min(8, Metrics.StagedCounts - (8 * word)); k++)
        {
            lanes |= 1UL << (8 * k);
        }

        return Vector512.Create(lanes);
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
            for (var t = 0; t < Trials; t += 8)
            {
                sink.AddCounts8(0, t, AllCounts(0));
                sink.AddCounts8(1, t, AllCounts(1));
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
            for (var w = 0; w < Accumulator.StagedWords; w++)
            {
                for (var t = 0; t < Trials; t += 8)
                {
                    var lanes = new ulong[8];
                    for (var i = 0; i < 8; i++)
                    {
                        for (var k = 0; k < Math.Min(8, Metrics.StagedCounts - (8 * w)); k++)
                        {
                            lanes[i] |= (ulong)rng.Next(2) << (8 * k);
                        }
                    }

                    stagedSink.AddCounts8(w, t, Vector512.Create(lanes));
                    directSink.AddCounts8(w, t, Vector512.Create(lanes));
                }
            }

            stagedSink.AgentDone();
        }

        Assert.Equal(direct.Values, staged.Flush().Values);
    }

    [Fact]
    public void Clear_empties_rows_and_staged_bytes()
    {
        var acc = new Accumulator(Trials);
        var sink = new AccumulatorSink(acc);
        sink.AddCounts8(0, 0, AllCounts(0));
        sink.Add(Metric.HtVa, 3, 5);
        acc.Clear();
        Assert.All(acc.Flush().Values, v => Assert.Equal(0, v));
    }
}
