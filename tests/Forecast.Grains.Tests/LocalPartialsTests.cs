using Forecast.Aggregation;
using Forecast.Model;

namespace Forecast.Grains.Tests;

/// <summary>A silo's partial pools: each year's pool sums only its own adds, and closed pools' accumulators serve later ones.</summary>
public sealed class LocalPartialsTests
{
    [Fact]
    public void A_closed_pool_s_accumulators_serve_the_next_pool_cleared()
    {
        var partials = new LocalPartials();
        const int Trials = 5;

        var first = partials.Open(Trials);
        Assert.True(partials.TryAdd(first, acc => acc.Partial.Add(Metric.NewHte, 2, 7)));
        Assert.True(partials.TryAdd(first, acc => acc.Partial.Add(Metric.NewHte, 2, 1)));
        var year1 = partials.Close(first);
        Assert.Equal(8, year1[Metric.NewHte, 2]);
        Assert.Equal(1, partials.Allocations); // one thread added: one accumulator

        var second = partials.Open(Trials);
        Assert.True(partials.TryAdd(second, acc => acc.Partial.Add(Metric.NewPtsme, 0, 3)));
        var year2 = partials.Close(second);

        Assert.Equal(1, partials.Allocations); // the second pool took the first one's accumulator
        Assert.Equal(0, year2[Metric.NewHte, 2]); // ... cleared: nothing of year 1 in it
        Assert.Equal(3, year2[Metric.NewPtsme, 0]);
        Assert.Equal(8, year1[Metric.NewHte, 2]); // and year 1's result is its own array, not the reused one
        Assert.Equal(3, year2.Values.Sum());
    }

    [Fact]
    public void Each_batch_size_has_its_own_kept_accumulators_a_discarded_pool_s_are_not_kept_and_Trim_drops_them()
    {
        var partials = new LocalPartials();
        var a = partials.Open(4);
        partials.TryAdd(a, acc => acc.Partial.Add(Metric.NewHte, 0, 1));
        partials.Close(a);

        var b = partials.Open(6);
        partials.TryAdd(b, acc => acc.Partial.Add(Metric.NewHte, 5, 1));
        Assert.Equal(6, partials.Close(b).Trials);
        Assert.Equal(2, partials.Allocations);

        // A failed step's pool: a timed-out call may still hold its accumulator, so it is not handed on.
        var failed = partials.Open(6);
        partials.TryAdd(failed, acc => acc.Partial.Add(Metric.NewHte, 1, 9));
        partials.Discard(failed);
        Assert.False(partials.TryAdd(failed, _ => { }));
        Assert.Throws<InvalidOperationException>(() => partials.Close(failed));

        var next = partials.Open(6);
        partials.TryAdd(next, acc => acc.Partial.Add(Metric.NewHte, 1, 2));
        var merged = partials.Close(next);
        Assert.Equal(3, partials.Allocations); // b's accumulator went to the discarded pool and was not kept
        Assert.Equal(2, merged[Metric.NewHte, 1]);

        var shortLast = partials.Open(4); // a's, kept beside the 6-trial ones
        partials.TryAdd(shortLast, acc => acc.Partial.Add(Metric.NewHte, 3, 5));
        Assert.Equal(5, partials.Close(shortLast)[Metric.NewHte, 3]);
        Assert.Equal(3, partials.Allocations);

        partials.Trim(); // the run is over
        var afterTrim = partials.Open(4);
        partials.TryAdd(afterTrim, acc => acc.Partial.Add(Metric.NewHte, 0, 1));
        partials.Close(afterTrim);
        Assert.Equal(4, partials.Allocations);
    }

    [Fact]
    public void Adds_from_several_threads_sum_exactly_and_later_years_threads_take_the_kept_accumulators()
    {
        var partials = new LocalPartials();
        const int Trials = 64;
        const int Threads = 2; // at most LocalPartials.MaxFree (two per core)
        for (var year = 0; year < 3; year++)
        {
            var pool = partials.Open(Trials);
            var missed = 0; // adds that found no pool (an assertion failing on another thread would end the test host)
            var threads = Enumerable.Range(0, Threads).Select(k => new Thread(() =>
            {
                for (var i = k; i < 4000; i += Threads)
                {
                    if (!partials.TryAdd(pool, acc => acc.Partial.Add(Metric.NewHte, i % Trials, 1)))
                    {
                        Interlocked.Increment(ref missed);
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Equal(0, missed);

            var merged = partials.Close(pool);
            for (var t = 0; t < Trials; t++)
            {
                Assert.Equal(4000 / Trials + (t < 4000 % Trials ? 1 : 0), merged[Metric.NewHte, t]);
            }
        }

        Assert.Equal(Threads, partials.Allocations); // new threads every year, but only the first year's made accumulators
    }
}
