using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Core.Tests.Aggregation;

public sealed class PartialAggregateTests
{
    [Fact]
    public void Merging_16_partials_in_100_random_orders_gives_identical_bits()
    {
        const int Trials = 37;
        var random = new System.Random(1234);
        var partials = Enumerable.Range(0, 16).Select(_ =>
        {
            var p = new PartialAggregate(Trials);
            for (var i = 0; i < p.Values.Length; i++)
            {
                p.Values[i] = random.NextInt64(-1L << 40, 1L << 40);
            }

            return p;
        }).ToArray();

        long[]? reference = null;
        for (var round = 0; round < 100; round++)
        {
            var order = partials.OrderBy(_ => random.Next()).ToArray();
            // Merge as a random tree: pairwise until one is left.
            var level = order.Select(p => new PartialAggregate(Trials, (long[])p.Values.Clone())).ToList();
            while (level.Count > 1)
            {
                var i = random.Next(level.Count - 1);
                level[i].Merge(level[i + 1]);
                level.RemoveAt(i + 1);
            }

            reference ??= level[0].Values;
            Assert.Equal(reference, level[0].Values);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(37)]
    [InlineData(347)]
    public void Merge_adds_every_value_whatever_the_length_and_the_arrays_alignment(int trials)
    {
        // Merge goes scalar up to the target's first cache line, then in vectors: arrays from separate
        // allocations start at different offsets within a line, so twenty pairs cover several head lengths.
        var random = new System.Random(trials);
        for (var pair = 0; pair < 20; pair++)
        {
            _ = new long[random.Next(8)]; // shifts where the next arrays start
            var target = new PartialAggregate(trials);
            var source = new PartialAggregate(trials);
            for (var i = 0; i < target.Values.Length; i++)
            {
                target.Values[i] = random.NextInt64(-1L << 40, 1L << 40);
                source.Values[i] = random.NextInt64(-1L << 40, 1L << 40);
            }

            var expected = target.Values.Zip(source.Values, (a, b) => a + b).ToArray();
            target.Merge(source);
            Assert.Equal(expected, target.Values);
        }
    }

    [Fact]
    public void The_empty_partial_is_the_identity_and_shapes_must_match()
    {
        var p = new PartialAggregate(3);
        p.Add(Metric.NewHte, 1, 5);
        var before = (long[])p.Values.Clone();
        p.Merge(new PartialAggregate(3));

        Assert.Equal(before, p.Values);
        Assert.Equal(5, p[Metric.NewHte, 1]);
        Assert.Throws<ArgumentException>(() => p.Merge(new PartialAggregate(4)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(19)]
    public void MergeAll_gives_the_bits_of_merging_one_by_one_with_the_target_counted(int count)
    {
        const int Trials = 347; // 8,328 values: a full 8,192 tile and a partial one with a scalar tail
        var random = new System.Random(count);
        PartialAggregate Random()
        {
            var p = new PartialAggregate(Trials);
            for (var i = 0; i < p.Values.Length; i++)
            {
                p.Values[i] = random.NextInt64(-1L << 40, 1L << 40);
            }

            return p;
        }

        var parts = Enumerable.Range(0, count).Select(_ => Random()).ToList();
        var target = Random();
        var expected = new PartialAggregate(Trials, (long[])target.Values.Clone());
        foreach (var p in parts)
        {
            expected.Merge(p);
        }

        target.MergeAll(parts);
        Assert.Equal(expected.Values, target.Values);
        Assert.Throws<ArgumentException>(() => target.MergeAll([new PartialAggregate(Trials + 1)]));
    }
}
